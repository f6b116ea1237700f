# SPDX-License-Identifier: MIT
"""What every gowasm tool shares through tools/cli.c: --help and
--version (-h, -V), usage errors, every output through one checked writer
(a full standard output is exit 2 with one line); gowasm-pack's version
options and its check gate; and the size of the functions in tools/."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, bail, env_path, go_fixture, run, SOURCE_ROOT  # noqa: E402

TOOLS = {name: env_path("GOWASM_" + name.upper()) for name in
         ("inspect", "check", "batch", "pack", "verify", "symbolize", "sourcemap")}
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
HELLO = go_fixture("hello")
LEAK = go_fixture("leak")
SDE = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
tmp = tempfile.mkdtemp(prefix="gowasm-tools-cli-")


def T(name):
    return os.path.join(tmp, name)


def to_full(args, **kw):
    """Runs with standard output on /dev/full."""
    with open("/dev/full", "wb") as full:
        return subprocess.run(args, stdout=full, stderr=subprocess.PIPE, **kw)


def one_line(r, prog):
    err = r.stderr.decode(errors="replace")
    return err.count("\n") == 1 and err.startswith(f"{prog}: ") and "No space left on device" in err


# ---------------------------------------------------------------- the driver: --help, --version, usage errors

for name, tool in TOOLS.items():
    prog = "gowasm-" + name
    banner = None
    for flag in ("--version", "-V"):
        r = run([tool, flag])
        ok(r.returncode == 0 and re.fullmatch(rf"{prog} \(gowasm\) \d+\.\d+\.\d+\S*\n", r.stdout.decode())
           and r.stderr == b"", f"issue 13: {prog} {flag}: the tool's version banner, exit 0", r.stdout + r.stderr)
        banner = banner or r.stdout
        eq(r.stdout, banner, f"issue 11: {prog} {flag}: the same banner as --version")
    r = run([tool, "-h"])
    h = r.stdout.decode()
    ok(r.returncode == 0 and h.startswith(f"Usage: {prog} ") and "\nOptions:\n" in h and "Examples:" in h,
       f"issue 13: {prog} -h: usage, options and examples", h[:300])
    eq(run([tool, "--help"]).stdout, r.stdout, f"issue 13: {prog} --help is -h")
    ok(re.search(r"^  -h, --help +show this help and exit$", h, re.M)
       and re.search(r"^  -V, --version +show the version and exit$", h, re.M),
       f"issue 13: {prog} --help lists -h/--help and -V/--version alike", h)
    # Every option line starts at the same column (one table, one layout).
    cols = {m.start(3) - m.start(0) for m in re.finditer(r"^  (-\S*(?: \S+)*)( {2,})(\S)", h, re.M)}
    eq(len(cols), 1, f"issue 13: {prog} --help: the option texts are aligned", cols)
    r = run([tool, "--no-such-option"])
    lines = r.stderr.decode().splitlines()
    ok(r.returncode == 2 and len(lines) == 2 and lines[0] == f"{prog}: unknown option '--no-such-option'"
       and lines[1] == f"Try '{prog} --help' for more information." and r.stdout == b"",
       f"issue 13: {prog}: an unknown option is a usage error in GNU form, exit 2", r.stderr)
    for flag in ("--help", "--version"):
        r = to_full([tool, flag])
        ok(r.returncode == 2 and one_line(r, prog), f"issue 13: {prog} {flag} >/dev/full: exit 2, one line",
           r.stderr)

# ---------------------------------------------------------------- every report through the checked writer

zp = T("hello.zip")
r = run([TOOLS["pack"], HELLO, "--glue", GO_GLUE, "-q", "-o", zp], env=SDE)
if r.returncode != 0:
    bail("gowasm-pack cannot pack hello.wasm: " + r.stderr.decode())
trace = T("trace.txt")
with open(trace, "w") as f:
    f.write("Error: boom\n    at wasm://wasm/abc:wasm-function[10]:0x1234\n")
reports = [
    ("inspect", [HELLO]),
    ("inspect", ["--json", HELLO]),
    ("check", ["--format", "json", HELLO]),
    ("check", ["--format", "sarif", HELLO]),
    ("check", ["--list-rules"]),
    ("batch", ["--dry-run", HELLO]),
    ("batch", ["--dry-run", "--json", HELLO]),
    ("batch", ["--companion-path"]),
    ("pack", [HELLO, "--glue", GO_GLUE, "-o", T("full.zip")]),
    ("pack", [HELLO, "--glue", GO_GLUE, "--json", "-o", T("full.zip")]),
    ("verify", [zp]),
    ("verify", ["--json", zp]),
    ("symbolize", [HELLO, trace]),
    ("symbolize", ["--json", HELLO, trace]),
    ("sourcemap", [HELLO, "-o", "-"]),
]
for name, args in reports:
    prog = "gowasm-" + name
    r = run([TOOLS[name], *args], env=SDE, timeout=300)
    ok(r.returncode in (0, 1) and r.stdout, f"issue 13: {prog} {' '.join(args[:2])}: writes a report on stdout "
       "(test sanity)", r.stderr)
    r = to_full([TOOLS[name], *args], env=SDE, timeout=300)
    ok(r.returncode == 2 and one_line(r, prog),
       f"issue 13: {prog} {' '.join(args[:2])} >/dev/full: exit 2, one line saying why", r.stderr)

# ---------------------------------------------------------------- gowasm-pack: --pkg-version, deprecated spellings

PACK = TOOLS["pack"]


def manifest(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


r = run([PACK, HELLO, "--glue", GO_GLUE, "--pkg-version", "1.2.3", "-q", "-o", T("new.zip")], env=SDE)
ok(r.returncode == 0 and r.stderr == b"", "issue 11: pack --pkg-version 1.2.3: exit 0, nothing on stderr", r.stderr)
eq(manifest(T("new.zip")).get("version"), "1.2.3", "issue 11: --pkg-version is the package version")
NOTE = b"gowasm-pack: --version VERSION is deprecated: use --pkg-version VERSION (--version is the tool's version)\n"
for spelling in (["--version", "1.2.3"], ["--version=1.2.3"]):
    out = T("old.zip")
    r = run([PACK, HELLO, "--glue", GO_GLUE, *spelling, "-q", "-o", out], env=SDE)
    eq((r.returncode, r.stderr), (0, NOTE), f"issue 11: pack {' '.join(spelling)}: still works, one deprecation note")
    ok(open(out, "rb").read() == open(T("new.zip"), "rb").read(),
       f"issue 11: pack {' '.join(spelling)}: the same bundle, byte for byte, as --pkg-version 1.2.3")
    os.unlink(out)
r = run([PACK, HELLO, "--glue", GO_GLUE, "--version", "", "-o", T("bad.zip")])
ok(r.returncode == 2 and "--pkg-version: '' is not a valid version" in r.stderr.decode()
   and not os.path.exists(T("bad.zip")), "issue 11: pack --version '' (old spelling): the usage error names --pkg-version",
   r.stderr)
banner = run([PACK, "--version"]).stdout
r = run([PACK, "--version-info"])
eq((r.returncode, r.stdout, r.stderr), (0, banner, b"gowasm-pack: --version-info is deprecated: use --version\n"),
   "issue 11: pack --version-info: the tool's version, with a deprecation note")
r = run([PACK, "--version", "--glue", GO_GLUE])
eq((r.returncode, r.stdout, r.stderr), (0, banner, b""), "issue 11: pack --version before an option: the tool's version")
r = run([PACK, HELLO, "--", "--version", "1"])
ok(r.returncode == 2 and b"deprecated" not in r.stderr, "issue 11: pack: after --, --version is not rewritten",
   r.stderr)

# ---------------------------------------------------------------- gowasm-pack: the check gate

CHECK = TOOLS["check"]
chk = run([CHECK, "--glue", GO_GLUE, "--companion", "--target", "browser", LEAK])
ok(chk.returncode == 1 and b": error: " in chk.stderr, "issue 11: gowasm-check finds errors in leak.wasm (test sanity)",
   chk.stderr)
summary = json.loads(run([CHECK, "--glue", GO_GLUE, "--companion", "--target", "browser", "--format", "json",
                          LEAK]).stdout)["summary"]
out = T("leak.zip")
npm = T("leak-npm")
r = run([PACK, LEAK, "--glue", GO_GLUE, "-o", out, "--npm", npm], env=SDE)
lines = r.stderr.decode().splitlines()
eq(r.returncode, 1, "issue 11: pack of a module with check errors: refused, exit 1 (gowasm-check's gate)", r.stderr)
eq(lines[:-1], chk.stderr.decode().splitlines(), "issue 11: pack shows the findings as gowasm-check prints them")
eq(lines[-1:], [f"gowasm-pack: {LEAK}: not packed: gowasm-check found {summary['errors']} errors "
                "(--allow-findings packs anyway)"], "issue 11: then one line saying why nothing was packed")
ok(not os.path.exists(out) and not os.path.exists(npm) and r.stdout == b"" and
   not [n for n in os.listdir(tmp) if ".tmp" in n], "issue 11: refused: no zip, no npm folder, no temporary file")
r = run([PACK, LEAK, "--glue", GO_GLUE, "--allow-findings", "-q", "-o", out], env=SDE)
eq((r.returncode, r.stderr), (0, b""), "issue 11: pack --allow-findings packs it anyway", r.stderr)
if os.path.exists(out):
    c = manifest(out).get("check", {})
    eq((c.get("status"), c.get("errors"), c.get("warnings"), c.get("notes")),
       ("checked", summary["errors"], summary["warnings"], summary["notes"]),
       "issue 11: --allow-findings: the manifest keeps gowasm-check's counts")
    rv = run([TOOLS["verify"], out])
    eq(rv.returncode, 0, "issue 11: --allow-findings: gowasm-verify accepts the bundle", rv.stderr)
r = run([PACK, LEAK, "--glue", GO_GLUE, "--no-check", "-q", "-o", T("nocheck.zip")], env=SDE)
ok(r.returncode == 0 and manifest(T("nocheck.zip")).get("check") == {"status": "absent"},
   "issue 11: --no-check: no gate, the manifest says absent", r.stderr)
r = run([PACK, go_fixture("bridge"), "--glue", GO_GLUE, "-q", "-o", T("bridge.zip")], env=SDE)
ok(r.returncode == 0 and manifest(T("bridge.zip"))["check"]["warnings"] > 0,
   "issue 11: warnings alone do not stop the bundle", r.stderr)

# ---------------------------------------------------------------- function size (issue 13's bar)

pmccabe = shutil.which("pmccabe")
if not pmccabe:
    bail("pmccabe (Debian package pmccabe) is not installed")
files = []
for folder in ("tools", "lib", "packager", "passes", "validate"):
    for root, _, names in os.walk(os.path.join(SOURCE_ROOT, folder)):
        files += [os.path.join(root, n) for n in sorted(names) if n.endswith((".c", ".cc"))]
r = run([pmccabe, *files])
ok(r.returncode == 0 and r.stdout, "issue 13: pmccabe reads the sources", r.stderr)
offenders = []
for line in r.stdout.decode().splitlines():
    # modified McCabe, traditional McCabe, statements, first line, lines, file(line): name
    m = re.match(r"(\d+)\t(\d+)\t\d+\t\d+\t(\d+)\t(.*)\((\d+)\): (.*)", line)
    if not m:
        continue
    cc, nlines, path, name = int(m.group(2)), int(m.group(3)), os.path.relpath(m.group(4), SOURCE_ROOT), m.group(6)
    if path == "lib/wasm/code.c" and name in ("decode", "stack_effect", "gw_op_name"):
        continue  # the opcode decoder and its tables: one case per opcode, by design
    if cc > 40 or nlines > 120:
        offenders.append((path, name, cc, nlines))
for path, name, cc, nlines in offenders:
    print(f"# over the bar: {path}: {name}: complexity {cc}, {nlines} lines")
eq(offenders, [], "issue 13: no function in tools/, lib/, packager/, passes/ or validate/ above complexity 40 or "
   "120 lines but the opcode decoder (pmccabe)")

shutil.rmtree(tmp, ignore_errors=True)
