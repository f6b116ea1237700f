# SPDX-License-Identifier: MIT
"""The man pages: lint-clean, and in step with the tools: every option in
--help and every key the JSON report writes is documented."""
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, run, INSPECT, SOURCE_ROOT, bail  # noqa: E402

mandoc = shutil.which("mandoc")
if not mandoc:
    bail("mandoc (Debian package mandoc) is not installed")

page = os.path.join(SOURCE_ROOT, "man", "gowasm-inspect.1")
r = run([mandoc, "-T", "lint", "-W", "warning", page])
ok(r.returncode == 0 and not r.stdout.strip(), "gowasm-inspect.1: mandoc -T lint is clean", r.stdout + r.stderr)

text = run([mandoc, "-T", "utf8", page]).stdout.decode()
text = re.sub(r".\x08", "", text)  # drop overstrike
for sec in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "JSON OUTPUT", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
    ok(re.search(rf"^{sec}$", text, re.M), f"section {sec}")

helptext = run([INSPECT, "--help"]).stdout.decode()
opts = sorted(set(re.findall(r"(--[a-z][a-z-]+)", helptext)))
ok(len(opts) >= 6, "--help lists options", opts)
for o in opts:
    ok(o in text, f"option {o} is documented")


def keys(v, prefix=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from keys(x, k)
    elif isinstance(v, list):
        for x in v:
            yield from keys(x, prefix)


r = run([INSPECT, "--json", "--functions", "--segments", "--calls", "syscall/js.FuncOf", go_fixture("callbacks")])
j = json.loads(r.stdout)
for k in sorted(set(keys(j))):
    ok(re.search(rf"\b{re.escape(k)}\b", text), f"JSON key {k!r} is documented")
ok("gowasm-inspect/1" in text, "schema version is documented")

# gowasm-check(1) and gowasm-baseline(5)
from tap import CHECK  # noqa: E402

for name in ("gowasm-check.1", "gowasm-baseline.5"):
    pg = os.path.join(SOURCE_ROOT, "man", name)
    r = run([mandoc, "-T", "lint", "-W", "warning", pg])
    ok(r.returncode == 0 and not r.stdout.strip(), f"{name}: mandoc -T lint is clean", r.stdout + r.stderr)
ctext = re.sub(r".\x08", "", run([mandoc, "-T", "utf8", os.path.join(SOURCE_ROOT, "man", "gowasm-check.1")]).stdout.decode())
for sec in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "RULES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
    ok(re.search(rf"^{sec}$", ctext, re.M), f"gowasm-check.1: section {sec}")
chelp = run([CHECK, "--help"]).stdout.decode()
for o in sorted(set(re.findall(r"(--[a-z][a-z-]+)", chelp))):
    ok(o in ctext, f"gowasm-check.1: option {o} is documented")
for line in run([CHECK, "--list-rules"]).stdout.decode().splitlines():
    rule = line.split()[0]
    ok(re.search(rf"\b{re.escape(rule)}\b", ctext), f"gowasm-check.1: rule {rule} is documented")
# issue 13, rule table: the rules come from one table (lib/analysis/rules.def); --list-rules, the SARIF
# rules array, the man page's list under RULES and its one subsection per rule must all give the same
# rules, in the same order, with the same default severity.
listed = [line.split(None, 2) for line in run([CHECK, "--list-rules"]).stdout.decode().splitlines()]
ok(len(listed) >= 16 and all(len(x) == 3 for x in listed), "issue 13 rule table: --list-rules gives id, severity, summary",
   listed)
table = [(x[0], x[1]) for x in listed]
man_src = open(os.path.join(SOURCE_ROOT, "man", "gowasm-check.1"), encoding="utf-8").read()
rules_sec = man_src.split("\n.SH RULES\n", 1)[1].split("\n.SH ", 1)[0]
block = rules_sec.split("\n.EX\n", 1)[1].split("\n.EE\n", 1)[0].replace("\\-", "-").splitlines()
man_list = [tuple(line.split()) for line in block if not line.startswith("$")]
eq(man_list, table, "issue 13 rule table: gowasm-check.1's RULES list is --list-rules, in order, with the severities")
subsections = re.findall(r"^\.SS (\S+)\nDefault severity:\n\.BR (\w+) [.;]", rules_sec, re.M)
eq([(n.replace("\\-", "-"), sev) for n, sev in subsections], table,
   "issue 13 rule table: gowasm-check.1 has one subsection per rule, in order, with its default severity")
sarif = json.loads(run([CHECK, "--format", "sarif", go_fixture("leak")]).stdout)
srules = sarif["runs"][0]["tool"]["driver"]["rules"]
level = {"error": "error", "warning": "warning", "note": "note"}
eq([(x["id"], x["defaultConfiguration"]["level"]) for x in srules], [(i, level[s]) for i, s in table],
   "issue 13 rule table: the SARIF rules array is the table, in order, with the default levels")
eq([x["shortDescription"]["text"] for x in srules], [x[2] for x in listed],
   "issue 13 rule table: SARIF short descriptions are the --list-rules summaries")
ok(len({x["name"] for x in srules}) == len(srules) and all(re.fullmatch(r"[A-Z][A-Za-z]+", x["name"]) for x in srules),
   "issue 13 rule table: SARIF rule names are distinct PascalCase names")
r = run([CHECK, "--format", "json", "--target", "browser", go_fixture("leak")])
for k in sorted(set(keys(json.loads(r.stdout)))):
    ok(re.search(rf"\b{re.escape(k)}\b", ctext), f"gowasm-check.1: JSON key {k!r} is documented")

# gowasm-batch(1)
import tempfile  # noqa: E402

BATCH = os.environ.get("GOWASM_BATCH", "")
if not BATCH:
    bail("GOWASM_BATCH is not set (run through meson test or tests/run.sh)")
bpage = os.path.join(SOURCE_ROOT, "man", "gowasm-batch.1")
r = run([mandoc, "-T", "lint", "-W", "warning", bpage])
ok(r.returncode == 0 and not r.stdout.strip(), "gowasm-batch.1: mandoc -T lint is clean", r.stdout + r.stderr)
btext = re.sub(r".\x08", "", run([mandoc, "-T", "utf8", bpage]).stdout.decode())
for sec in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SEMANTICS", "REFUSALS", "VALIDATION", "JSON OUTPUT",
            "EXIT STATUS", "FILES", "EXAMPLES", "SEE ALSO"):
    ok(re.search(rf"^{sec}$", btext, re.M), f"gowasm-batch.1: section {sec}")
bhelp = run([BATCH, "--help"]).stdout.decode()
bopts = sorted(set(re.findall(r"(--[a-z][a-z-]+)", bhelp)))
ok(len(bopts) >= 9, "gowasm-batch --help lists options", bopts)
for o in bopts:
    ok(o in btext, f"gowasm-batch.1: option {o} is documented")
# The short options and the --defer and --companion-path values too.
for o in sorted(set(re.findall(r"^\s+(-[a-zA-Z]),", bhelp, re.M))):
    ok(re.search(rf"(^|\s){re.escape(o)},", btext, re.M), f"gowasm-batch.1: option {o} is documented")
for v in ("finalizeRef", "valueSet", "valueSetIndex", "valueDelete", "all", "none", "cjs", "mjs"):
    ok(re.search(rf"\b{v}\b", btext), f"gowasm-batch.1: value {v} is documented")
# Every key of a full report (a real write, so that the keys only written
# then are there too) and of a dry run.
with tempfile.TemporaryDirectory(prefix="gowasm-man-") as tmp:
    r = run([BATCH, "--json", go_fixture("bridge"), "-o", os.path.join(tmp, "b.wasm")])
    eq(r.returncode, 0, "gowasm-batch --json on bridge.wasm exits 0", r.stderr)
    full = json.loads(r.stdout)
    r = run([BATCH, "--json", "--dry-run", go_fixture("hello")])
    dry = json.loads(r.stdout)
bkeys = sorted(set(keys(full)) | set(keys(dry)))
ok(len(bkeys) >= 20, "gowasm-batch --json writes its keys", bkeys)
for k in bkeys:
    ok(re.search(rf"\b{re.escape(k)}\b", btext), f"gowasm-batch.1: JSON key {k!r} is documented")
ok(full.get("schema") in btext, "gowasm-batch.1: schema version is documented", full.get("schema"))
# What the page promises about the companion and the refusals, in the
# tool's own words.
for phrase in ("enableBatching(go)", "wasm_exec.js", "12288", "finalizeRef", "--defer=finalizeRef", "cannot batch:",
               "already batched", "nothing to batch", "older than Go 1.14", "TinyGo", "wasip1",
               "no room for the batch buffer", "no readable Go symbol table", "stack pointer", "gowasm.flush",
               "gowasm.batch", "gowasm.ro_start", "gowasm.ro_end", "Proxy"):
    ok(phrase in btext.replace("\u2010", "-"), f"gowasm-batch.1: mentions {phrase!r}")
for see in ("gowasm-inspect(1)", "gowasm-check(1)"):
    ok(see in btext.split("SEE ALSO")[-1], f"gowasm-batch.1: SEE ALSO {see}")
# Installed like the others.
mb = open(os.path.join(SOURCE_ROOT, "man", "meson.build")).read()
for name in ("gowasm-inspect.1", "gowasm-check.1", "gowasm-baseline.5", "gowasm-batch.1"):
    ok(f"install_man('{name}')" in mb, f"man/meson.build installs {name}")

# gowasm-pack(1), gowasm-verify(1) and gowasm-manifest(5)
import zipfile  # noqa: E402

PACK = os.environ.get("GOWASM_PACK", "")
VERIFY = os.environ.get("GOWASM_VERIFY", "")
if not PACK or not VERIFY:
    bail("GOWASM_PACK or GOWASM_VERIFY is not set (run through meson test or tests/run.sh)")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
if not os.path.exists(GO_GLUE):
    bail(f"{GO_GLUE} is missing: Go 1.19's wasm_exec.js (Debian package golang-1.19-go)")


def rendered(name):
    pg = os.path.join(SOURCE_ROOT, "man", name)
    r = run([mandoc, "-T", "lint", "-W", "warning", pg])
    ok(r.returncode == 0 and not r.stdout.strip(), f"{name}: mandoc -T lint is clean", r.stdout + r.stderr)
    t = re.sub(r".\x08", "", run([mandoc, "-T", "utf8", pg]).stdout.decode())
    return t.replace("\u2010", "-")


def sections(name, t, names):
    for sec in names:
        ok(re.search(rf"^{sec}$", t, re.M), f"{name}: section {sec}")


def options(name, t, tool, at_least):
    h = run([tool, "--help"]).stdout.decode()
    longs = sorted(set(re.findall(r"(--[a-z][a-z-]+)", h)))
    ok(len(longs) >= at_least, f"{os.path.basename(tool)} --help lists options", longs)
    for o in longs:
        ok(o in t, f"{name}: option {o} is documented")
    for o in sorted(set(re.findall(r"^\s+(-[a-zA-Z]),", h, re.M))):
        ok(re.search(rf"(^|\s){re.escape(o)},", t, re.M), f"{name}: option {o} is documented")


def documented_keys(name, t, what, ks):
    for k in ks:
        ok(re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", t), f"{name}: {what} {k!r} is documented")


def see_also(name, t, refs):
    for see in refs:
        ok(see in t.split("SEE ALSO")[-1], f"{name}: SEE ALSO {see}")


ptext = rendered("gowasm-pack.1")
vtext = rendered("gowasm-verify.1")
mtext = rendered("gowasm-manifest.5")
sections("gowasm-pack.1", ptext, ("NAME", "SYNOPSIS", "DESCRIPTION", "REPRODUCIBILITY", "WRITING THE OUTPUTS",
                                  "OPTIONS", "REPORT", "JSON OUTPUT", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES",
                                  "SEE ALSO"))
sections("gowasm-verify.1", vtext, ("NAME", "SYNOPSIS", "DESCRIPTION", "CHECKS", "OPTIONS", "OUTPUT", "JSON OUTPUT",
                                    "EXIT STATUS", "EXAMPLES", "SEE ALSO"))
sections("gowasm-manifest.5", mtext, ("NAME", "SYNOPSIS", "DESCRIPTION", "FORMAT", "FIELDS", "FILE ROLES",
                                      "SRI STRINGS", "THE SCHEMA", "VERSIONING", "EXAMPLES", "SEE ALSO"))
options("gowasm-pack.1", ptext, PACK, 12)
options("gowasm-verify.1", vtext, VERIFY, 4)

with tempfile.TemporaryDirectory(prefix="gowasm-man-") as tmp:
    # Every key gowasm-pack --json writes: with both outputs and both copies
    # (size, sha256 and brotli_ms are only written then).
    zpath, npm_dir = os.path.join(tmp, "hello.zip"), os.path.join(tmp, "npm")
    r = run([PACK, "--json", go_fixture("hello"), "--glue", GO_GLUE, "--pkg-version", "1.0.0", "--gzip",
             "--brotli-quality", "1", "-o", zpath, "--npm", npm_dir])
    eq(r.returncode, 0, "gowasm-pack --json on hello.wasm exits 0", r.stderr)
    packed = json.loads(r.stdout)
    pkeys = sorted(set(keys(packed)))
    ok({"size", "sha256", "brotli_ms", "npm", "files"} <= set(pkeys), "gowasm-pack --json writes all its keys", pkeys)
    documented_keys("gowasm-pack.1", ptext, "JSON key", pkeys)
    ok(packed.get("schema") in ptext, "gowasm-pack.1: schema version is documented", packed.get("schema"))
    roles = sorted({f["role"] for f in packed["files"]} | {"companion"})
    documented_keys("gowasm-pack.1", ptext, "role", roles)
    documented_keys("gowasm-manifest.5", mtext, "role", roles)
    with open(os.path.join(npm_dir, "package.json")) as f:
        documented_keys("gowasm-pack.1", ptext, "package.json key", sorted(json.load(f)))
    names = zipfile.ZipFile(zpath).namelist()
    for n in names:
        generic = re.sub(r"^hello\.wasm", "BASE.wasm", n)
        ok(generic in ptext, f"gowasm-pack.1: bundle file {generic} is documented")
    with zipfile.ZipFile(zpath) as z:
        manifest = json.loads(z.read("manifest.json"))

    # Every key gowasm-verify --json writes: on a valid bundle, and on one
    # with a file the manifest does not list (for the problems' keys).
    r = run([VERIFY, "--json", zpath])
    eq(r.returncode, 0, "gowasm-verify --json on the bundle exits 0", r.stdout + r.stderr)
    good = json.loads(r.stdout)
    bad_zip = os.path.join(tmp, "bad.zip")
    with zipfile.ZipFile(zpath) as zin, zipfile.ZipFile(bad_zip, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in zin.infolist():
            zout.writestr(i, zin.read(i.filename))
        extra = zipfile.ZipInfo("notes.txt", (2024, 1, 1, 0, 0, 0))
        extra.create_system, extra.external_attr = 3, 0o100644 << 16
        zout.writestr(extra, b"not listed\n")
    r = run([VERIFY, "--json", bad_zip])
    eq(r.returncode, 1, "gowasm-verify --json on a bundle with an unlisted file exits 1", r.stdout + r.stderr)
    bad = json.loads(r.stdout)
    ok(bad.get("problems"), "gowasm-verify --json lists the problem", bad)
vkeys = sorted(set(keys(good)) | set(keys(bad)))
ok({"where", "message", "bytes_read", "entries"} <= set(vkeys), "gowasm-verify --json writes all its keys", vkeys)
documented_keys("gowasm-verify.1", vtext, "JSON key", vkeys)
ok(good.get("schema") in vtext, "gowasm-verify.1: schema version is documented", good.get("schema"))

# The bundle limits, by name and value (packager/limits.h), in gowasm-verify(1).
limits = re.findall(r"^#define (GW_BUNDLE_\w+)\s+(.+?)\s*(?:/\*.*)?$",
                    open(os.path.join(SOURCE_ROOT, "packager", "limits.h")).read(), re.M)
ok(len(limits) >= 7, "packager/limits.h defines the limits", limits)
for macro, expr in limits:
    m = re.fullmatch(r"\(?(\d+)[a-z]*\s*<<\s*20\)?", expr)
    value = f"{m.group(1)} MiB" if m else re.sub(r"[a-z]+$", "", expr.strip("()"))
    ok(macro in vtext, f"gowasm-verify.1: {macro} is documented")
    ok(re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])", vtext), f"gowasm-verify.1: {macro} is {value}")

# gowasm-manifest(5): every property of the schema, every keyword it uses,
# and every key of a real manifest.
schema = json.load(open(os.path.join(SOURCE_ROOT, "packager", "manifest.schema.json")))
props, keywords = set(), set()


def walk(s):
    if isinstance(s, dict):
        for k, v in s.items():
            keywords.add(k)
            if k in ("properties", "$defs"):
                props.update(v if k == "properties" else ())
                for x in v.values():
                    walk(x)
            elif k not in ("const", "enum"):
                walk(v)
    elif isinstance(s, list):
        for x in s:
            walk(x)


walk(schema)
ok(len(props) >= 40, "the schema has its properties", sorted(props))
documented_keys("gowasm-manifest.5", mtext, "schema property", sorted(props))
documented_keys("gowasm-manifest.5", mtext, "schema keyword", sorted(keywords))
documented_keys("gowasm-manifest.5", mtext, "manifest key", sorted(set(keys(manifest))))
for v in (manifest["schema"], schema["$id"], "2020-12", "share/gowasm/manifest.schema.json", "sha384-"):
    ok(v in mtext, f"gowasm-manifest.5: mentions {v!r}")
for e in schema["properties"]["features"]["items"]["enum"] + schema["properties"]["capabilities"]["items"]["enum"]:
    ok(e in mtext, f"gowasm-manifest.5: value {e!r} is documented")

# What gowasm-pack(1) promises, in the tool's and the sources' words
# (phrases may be broken across lines).
flat = {n: " ".join(t.split()) for n, t in (("pack", ptext), ("verify", vtext))}
for phrase in ("SOURCE_DATE_EPOCH", "GOROOT", "go env GOROOT", "lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js",
               "libdeflate", "level 10", "0644", "1980", "extra fields", "absent", "--version-info",
               "export const bundle", "load(options)", "run(options)", "integrity check failed", "does not match",
               "exists and is not an empty folder", "not a Go js/wasm module", "sha384-"):
    ok(phrase in flat["pack"], f"gowasm-pack.1: mentions {phrase!r}")
for phrase in ("valid:", "invalid:", "a file the manifest does not list", "listed in the manifest but not in the bundle",
               "not a readable zip", "export const bundle", "cannot be checked against the schema"):
    ok(phrase in flat["verify"], f"gowasm-verify.1: mentions {phrase!r}")
see_also("gowasm-pack.1", ptext, ("gowasm-verify(1)", "gowasm-manifest(5)", "gowasm-batch(1)", "gowasm-check(1)"))
see_also("gowasm-verify.1", vtext, ("gowasm-pack(1)", "gowasm-manifest(5)"))
see_also("gowasm-manifest.5", mtext, ("gowasm-pack(1)", "gowasm-verify(1)"))
for name in ("gowasm-pack.1", "gowasm-verify.1", "gowasm-manifest.5"):
    ok(f"install_man('{name}')" in mb, f"man/meson.build installs {name}")

# gowasm-symbolize(1) and gowasm-sourcemap(1): lint, sections, every --help
# option, every JSON key and status value, and the warnings as the tool
# writes them.
SYMBOLIZE = os.environ.get("GOWASM_SYMBOLIZE", "")
SOURCEMAP = os.environ.get("GOWASM_SOURCEMAP", "")
if not SYMBOLIZE or not SOURCEMAP:
    bail("GOWASM_SYMBOLIZE or GOWASM_SOURCEMAP is not set (run through meson test or tests/run.sh)")
for name, tool, secs in (("gowasm-symbolize.1", SYMBOLIZE, ("NAME", "SYNOPSIS", "DESCRIPTION", "INPUT FORMATS", "OUTPUT",
                                                            "POSITIONS", "WARNINGS", "OPTIONS", "JSON OUTPUT",
                                                            "EXIT STATUS", "EXAMPLES", "SEE ALSO")),
                         ("gowasm-sourcemap.1", SOURCEMAP, ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS",
                                                            "EXAMPLES", "SEE ALSO"))):
    t = rendered(name)  # checks mandoc -T lint too
    sections(name, t, secs)
    for o in sorted(set(re.findall(r"(--[a-z][a-z-]+)", run([tool, "--help"]).stdout.decode()))):
        ok(o in t, f"item 12: {name}: option {o} is documented")
    ok(f"install_man('{name}')" in mb, f"item 12: man/meson.build installs {name}")
stext = rendered("gowasm-symbolize.1")
trace = ("Error: x\n    at wasm://wasm/ab:wasm-function[1341]:0x13a746\n    at wasm://wasm/ab:wasm-function[5]:0x13a746\n"
         "<?>.wasm-function[1341]@[wasm code]\n    at wasm://wasm/ab:wasm-function[1341]:0xffffffff\n")
r = run([SYMBOLIZE, "--json", go_fixture("hello"), "-"], input=trace.encode())
sj = json.loads(r.stdout)
documented_keys("gowasm-symbolize.1", stext, "JSON key", sorted(set(keys(sj))))
for st in sorted({f["status"] for f in sj["frames"]}) + ["no-function", "wrong-module"]:
    ok(st in stext, f"item 12: gowasm-symbolize.1: status {st!r} is documented")
for phrase in ("is outside every function body of the module; line kept", "does not hold offset",
               "is not a function defined in the module", "the trace is probably from another module",
               "(a hash of its length): the trace may come from another build",
               "gowasm-symbolize/1", "(inlined)", "gowasm-batch flush", "gowasm-batch stand-in for",
               "gowasm-batch wrapper of export"):
    ok(phrase in " ".join(stext.split()), f"item 12: gowasm-symbolize.1: mentions {phrase!r}")
see_also("gowasm-symbolize.1", stext, ("gowasm-sourcemap(1)", "gowasm-inspect(1)"))
see_also("gowasm-sourcemap.1", rendered("gowasm-sourcemap.1"), ("gowasm-symbolize(1)",))
