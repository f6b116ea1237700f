# SPDX-License-Identifier: MIT
"""gowasm-batch as a Makefile sees it: options and usage errors, what a
rewritten module imports, exports and carries (wabt's wasm-objdump and
wasm-validate are the oracle), the --json report against the module,
refusals with their reasons (on synthetic modules from pclnsynth.py and a
non-Go module from wat2wasm), truncated inputs, atomic output, inputs
never modified, and the JS companion (--companion-path, node)."""
import json
import os
import re
import shutil
import stat
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, run, sha256, env_path, bail, INSPECT, CHECK  # noqa: E402
import pclnsynth  # noqa: E402

BATCH = env_path("GOWASM_BATCH")
COMPANION_DIR = env_path("GOWASM_COMPANION_DIR")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
DEFERRABLE = ["syscall/js.finalizeRef", "syscall/js.valueSet", "syscall/js.valueSetIndex", "syscall/js.valueDelete"]
RO_EXPORTS = {"gowasm.ro_start", "gowasm.ro_end"}

for tool in ("wasm-objdump", "wasm-validate", "wat2wasm"):
    if not shutil.which(tool):
        bail(f"{tool} (Debian package wabt) is not installed")

tmp = tempfile.mkdtemp(prefix="gowasm-batch-cli-")
BRIDGE = go_fixture("bridge")
HELLO = go_fixture("hello")
STRIPPED = go_fixture("callbacks-stripped")
bridge_sha = sha256(BRIDGE)
stripped_sha = sha256(STRIPPED)


def batch(args, **kw):
    return run([BATCH] + args, timeout=300, **kw)


def listing(d):
    """Names and contents of a folder, to see that nothing was created or changed."""
    return {n: (sha256(os.path.join(d, n)) if os.path.isfile(os.path.join(d, n)) else "dir") for n in os.listdir(d)}


def err_lines(r):
    return r.stderr.decode(errors="replace").splitlines()


# --- objdump, the oracle

def empty_dump():
    return {"imports": [], "exports": {}, "export_index": {}, "customs": [], "data": [], "functions": 0, "memory": None,
            "globals": {}}


def objdump(path):
    """Imports (module, field), exports {name: kind}, custom section names,
    data segments [(init, size)], number of defined functions, memory line
    and the i32 globals (by index: (mutable, init)), from wasm-objdump -x."""
    r = run(["wasm-objdump", "-x", path])
    if r.returncode != 0:
        return None
    d = empty_dump()
    section = None
    for line in r.stdout.decode(errors="replace").splitlines():
        m = re.match(r"^(\w+)\[(\d+)\]:$", line)
        if m:
            section = m.group(1)
            if section == "Function":
                d["functions"] = int(m.group(2))
            continue
        if line == "Custom:":
            section = "Custom"
            continue
        if section == "Import":
            m = re.match(r"^ - \w+\[\d+\] .*<- ([^.]+)\.(.+)$", line)
            if m:
                d["imports"].append((m.group(1), m.group(2)))
        elif section == "Export":
            m = re.match(r'^ - (\w+)\[(\d+)\] .*-> "(.*)"$', line)
            if m:
                d["exports"][m.group(3)] = m.group(1)
                d["export_index"][m.group(3)] = int(m.group(2))
        elif section == "Custom":
            m = re.match(r'^ - name: "(.*)"$', line)
            if m:
                d["customs"].append(m.group(1))
        elif section == "Data":
            m = re.match(r"^ - segment\[\d+\] memory=0 size=(\d+) - init i32=(\d+)$", line)
            if m:
                d["data"].append((int(m.group(2)), int(m.group(1))))
        elif section == "Memory":
            if line.startswith(" - memory[0]"):
                d["memory"] = line
        elif section == "Global":
            m = re.match(r"^ - global\[(\d+)\] i32 mutable=(\d)( <[^>]*>)? - init i32=(-?\d+)$", line)
            if m:
                d["globals"][int(m.group(1))] = (int(m.group(2)), int(m.group(4)))
    return d


read_uleb = pclnsynth.read_uleb


def custom_section(path, name):
    """The payload of a custom section, by walking the module's sections."""
    data = open(path, "rb").read()
    pos = 8

    def uleb(p):
        return read_uleb(data, p)

    while pos < len(data):
        sid = data[pos]
        size, p = uleb(pos + 1)
        end = p + size
        if sid == 0:
            nlen, q = uleb(p)
            if data[q:q + nlen] == name.encode():
                return data[q + nlen:end]
        pos = end
    return None


# --- help, version, usage errors

r = batch(["--help"])
eq(r.returncode, 0, "--help exits 0")
out = r.stdout.decode()
ok(out.startswith("Usage: gowasm-batch [OPTIONS] IN.wasm -o OUT.wasm") and "--companion-path" in out
   and "Exit status" in out and "Examples:" in out, "--help shows the usage, options, exit status, examples", out[:300])
eq(r.stderr, b"", "--help: nothing on stderr")
r = batch(["--version"])
eq(r.returncode, 0, "--version exits 0")
version_line = r.stdout.decode().strip()
ok(re.fullmatch(r"gowasm-batch \(gowasm\) \d+\.\d+\.\d+\S*", version_line), "--version banner", version_line)
tool_version = version_line.split()[-1]

work = os.path.join(tmp, "usage")
os.mkdir(work)
shutil.copyfile(BRIDGE, os.path.join(work, "in.wasm"))
os.symlink("in.wasm", os.path.join(work, "sym.wasm"))
os.link(os.path.join(work, "in.wasm"), os.path.join(work, "hard.wasm"))
before = listing(work)
for args, what, name in (
        (["--bogus", "in.wasm", "-o", "out.wasm"], "unknown option '--bogus'", "unknown option"),
        (["in.wasm"], "no output file", "missing -o"),
        ([], "no input file", "no input"),
        (["in.wasm", "hard.wasm", "-o", "out.wasm"], "only one input file is accepted", "two inputs"),
        (["in.wasm", "-o"], "option '-o' needs an argument", "-o without its argument"),
        (["--defer=bogus", "in.wasm", "-o", "out.wasm"], "--defer: unknown import 'bogus'", "bad --defer value"),
        (["--defer", "finalizeRef,valueSett", "in.wasm", "-o", "out.wasm"], "--defer: unknown import 'valueSett'",
         "bad --defer list item"),
        (["--defer=", "in.wasm", "-o", "out.wasm"], "--defer: unknown import ''", "empty --defer"),
        (["in.wasm", "-o", "-"], "-o -: a module is binary", "-o -"),
        (["in.wasm", "-o", "in.wasm"], "in.wasm: the output would replace the input", "output is the input"),
        (["in.wasm", "-o", "./in.wasm"], "./in.wasm: the output would replace the input",
         "output is the input by another path"),
        (["in.wasm", "-o", "sym.wasm"], "sym.wasm: the output would replace the input", "output is a symlink to the input"),
        (["sym.wasm", "-o", "in.wasm"], "in.wasm: the output would replace the input", "input is a symlink to the output"),
        (["in.wasm", "-o", "hard.wasm"], "hard.wasm: the output would replace the input", "output is a hard link to the input"),
        (["-n", "in.wasm", "-o", "hard.wasm"], "hard.wasm: the output would replace the input",
         "dry run: output is a hard link to the input"),
        (["--companion-path=xyz"], "--companion-path: unknown format 'xyz'", "--companion-path=xyz")):
    r = batch(args, cwd=work)
    eq(r.returncode, 2, f"usage error exits 2: {name}")
    lines = err_lines(r)
    ok(len(lines) == 2 and lines[0].startswith(f"gowasm-batch: {what}")
       and lines[1] == "Try 'gowasm-batch --help' for more information.",
       f"usage error: {name}: one line saying {what!r}, then the --help hint", r.stderr)
    eq(r.stdout, b"", f"usage error: {name}: nothing on stdout")
    eq(listing(work), before, f"usage error: {name}: no file created or changed")
eq(os.stat(os.path.join(work, "in.wasm")).st_nlink, 2, "the hard-linked input keeps its two links")

# --- batching bridge.wasm

out_dir = os.path.join(tmp, "out")
os.mkdir(out_dir)
bridge_out = os.path.join(out_dir, "bridge.batched.wasm")
r = batch(["--json", BRIDGE, "-o", bridge_out])
eq(r.returncode, 0, "bridge.wasm: batched, exit 0", r.stderr)
eq(r.stderr, b"", "bridge.wasm: nothing on stderr")
try:
    rep = json.loads(r.stdout)
except ValueError:
    rep = {}
ok(isinstance(rep, dict) and rep.get("schema") == "gowasm-batch/1", "--json report parses, schema gowasm-batch/1",
   r.stdout[:300])
ok(os.path.isfile(bridge_out), "the output is written")
eq(sorted(os.listdir(out_dir)), ["bridge.batched.wasm"], "no temporary file left behind")
v = run(["wasm-validate", bridge_out])
ok(v.returncode == 0, "wasm-validate accepts the output", v.stderr)

orig = objdump(BRIDGE)
new = objdump(bridge_out)
ok(orig is not None and new is not None, "wasm-objdump -x reads both modules")
orig = orig or empty_dump()
new = new or empty_dump()
ok(("gowasm", "flush") in new["imports"], "the output imports gowasm.flush", new["imports"][-3:])
ok(("gowasm", "flush") not in orig["imports"], "the input does not import gowasm.flush")
eq(sorted(new["imports"]), sorted(orig["imports"] + [("gowasm", "flush")]),
   "the output imports exactly what the input imports, plus gowasm.flush")
eq(len(orig["imports"]), 25, "bridge.wasm imports 25 functions (the oracle sees them all)")
eq({k: v for k, v in new["exports"].items() if k not in RO_EXPORTS}, orig["exports"],
   "the original exports are all exported under the same names and kinds")
eq(set(new["exports"]) - set(orig["exports"]), RO_EXPORTS, "the only exports added are gowasm.ro_start and gowasm.ro_end")
ok("gowasm.batch" in new["customs"], "wasm-objdump shows the custom section gowasm.batch", new["customs"])
ok("gowasm.batch" not in orig["customs"], "the input has no gowasm.batch section")
eq(new["data"], orig["data"], "data segments unchanged (same addresses and sizes)")
eq(new["memory"], orig["memory"], "memory limits unchanged (memory never grown)")
ok(orig["memory"] is not None, "objdump shows the memory", orig["memory"])
section = custom_section(bridge_out, "gowasm.batch")
try:
    meta = json.loads(section)
except (TypeError, ValueError):
    meta = {}
ok(isinstance(meta, dict) and meta, "the gowasm.batch section holds a JSON object", section)
eq(meta.get("deferred"), DEFERRABLE, "gowasm.batch names the four deferred imports")
eq(meta.get("protocol"), 1, "gowasm.batch: protocol 1")
eq(meta.get("tool"), f"gowasm-batch {tool_version}", "gowasm.batch: tool and version")

# The report against the module.
orig_fields = {f for mod, f in orig["imports"] if mod == "go"}
deferred = [d.get("import") for d in rep.get("deferred", [])]
eq(deferred, DEFERRABLE, "report: the four imports are deferred")
ok(deferred and all(d in orig_fields for d in deferred), "report: every deferred import is imported by the input")
eq(rep.get("not_imported"), [], "report: nothing asked for is missing")
eq(rep.get("import_module"), "go", "report: import module go")
eq(rep.get("go_version"), "go1.19.8", "report: go1.19.8")
eq(rep.get("protocol"), meta.get("protocol"), "report and section agree on the protocol")
eq(rep.get("input"), BRIDGE, "report: input as given")
eq(rep.get("output"), bridge_out, "report: output as given")
eq(rep.get("dry_run"), False, "report: not a dry run")
eq(rep.get("flushing_imports"), len(orig["imports"]) - 4, "report: every other import flushes")
wrapped = [n for n, k in orig["exports"].items() if k == "func" and n != "getsp"]
eq(rep.get("exports_wrapped"), len(wrapped), "report: every function export but getsp flushes on return", wrapped)
buf = rep.get("buffer", {})
first_data = min(a for a, _ in orig["data"]) if orig["data"] else None
eq(buf.get("start"), 12288, "report: buffer starts at 12288")
ok(first_data is not None and isinstance(buf.get("end"), int) and buf["end"] <= first_data,
   "report: buffer ends at or before the first data segment (objdump)", (buf, first_data))
eq(buf.get("first_data"), first_data, "report: first_data is the lowest data segment address (objdump)")
insp_orig = json.loads(run([INSPECT, "--json", BRIDGE]).stdout)
etext = insp_orig["symbols"]["pclntab"]["etext"]
eq(buf.get("etext"), etext, "report: etext as gowasm-inspect reads it")
eq(buf.get("end"), min(etext, first_data or 0) & ~7, "report: buffer end is min(etext, first data) rounded down to 8")
eq(buf.get("size"), (buf.get("end") or 0) - (buf.get("start") or 0), "report: buffer size is end - start")
ok((buf.get("size") or 0) >= 1024, "report: buffer of at least 1024 bytes", buf)
ok(all(a >= buf.get("end", 1 << 40) or a + n <= buf.get("start", 0) for a, n in orig["data"]),
   "no data segment overlaps the buffer")
ro = rep.get("readonly", {})
ok(isinstance(ro.get("start"), int) and isinstance(ro.get("end"), int) and ro["start"] < ro["end"],
   "report: read-only range non-empty", ro)
eq(ro.get("start"), etext, "report: read-only range starts at the end of text")
eq(meta.get("buffer"), [buf.get("start"), buf.get("end")], "gowasm.batch and report agree on the buffer")
eq(meta.get("readonly"), [ro.get("start"), ro.get("end")], "gowasm.batch and report agree on the read-only range")
for gname, key in (("gowasm.ro_start", "start"), ("gowasm.ro_end", "end")):
    eq(new["globals"].get(new["export_index"].get(gname)), (0, ro.get(key)),
       f"exported global {gname}: immutable, = readonly.{key}")
sites = {i["name"]: i.get("call_sites") for i in insp_orig["imports"] if i["module"] == "go"}
eq({d.get("import"): d.get("call_sites") for d in rep.get("deferred", [])}, {n: sites.get(n) for n in DEFERRABLE},
   "report: call sites of each deferred import as gowasm-inspect counts them")
eq(rep.get("input_size"), os.path.getsize(BRIDGE), "report: input_size is the input's size")
eq(rep.get("output_size"), os.path.getsize(bridge_out), "report: output_size is the written file's size")
eq(rep.get("functions_added"), new["functions"] - orig["functions"], "report: functions_added as objdump counts them")
eq(rep.get("cleanup"), True, "report: cleanup on")
eq(rep.get("features"), [], "report: bridge.wasm uses no post-MVP feature")

# Text report of the same run.
r = batch([BRIDGE, "-o", os.path.join(out_dir, "text.wasm")])
eq(r.returncode, 0, "text report: exit 0")
t = r.stdout.decode()
ok(t.startswith(f"gowasm-batch: {BRIDGE} (go1.19.8, module \"go\")\n") and
   all(re.search(rf"^  {re.escape(n)} +deferred, \d+ call sites?$", t, re.M) for n in DEFERRABLE) and
   f"wrote {os.path.join(out_dir, 'text.wasm')}: " in t, "text report: input, the deferred imports, what was written", t)
eq(sha256(os.path.join(out_dir, "text.wasm")), sha256(bridge_out), "same input and options give the same bytes")
r = batch(["-q", BRIDGE, "-o", os.path.join(out_dir, "quiet.wasm")])
ok(r.returncode == 0 and r.stdout == b"" and r.stderr == b"", "-q: exit 0 and nothing printed", r.stdout + r.stderr)
ok(os.path.isfile(os.path.join(out_dir, "quiet.wasm")), "-q: the output is written")

# --dry-run writes nothing.
dry = os.path.join(tmp, "dry")
os.mkdir(dry)
r = batch(["--dry-run", "--json", BRIDGE], cwd=dry)
eq(r.returncode, 0, "--dry-run: exit 0", r.stderr)
try:
    drep = json.loads(r.stdout)
except ValueError:
    drep = {}
eq(drep.get("dry_run"), True, "--dry-run: report says dry_run")
eq(drep.get("output"), None, "--dry-run: output is null")
ok("output_size" not in drep and "functions_added" not in drep, "--dry-run: no sizes of a written module", drep.keys())
eq({k: drep.get(k) for k in ("deferred", "buffer", "readonly", "flushing_imports", "exports_wrapped")},
   {k: rep.get(k) for k in ("deferred", "buffer", "readonly", "flushing_imports", "exports_wrapped")},
   "--dry-run reports the same plan as the real run")
r = batch(["-n", BRIDGE, "-o", "would.wasm"], cwd=dry)
eq(r.returncode, 0, "-n with -o: exit 0")
ok("dry run, nothing written" in r.stdout.decode(), "-n: the text report says nothing is written", r.stdout[:200])
eq(os.listdir(dry), [], "--dry-run: no file created, even with -o")

# --defer
fin_out = os.path.join(out_dir, "bridge.fin.wasm")
r = batch(["--json", "--defer=finalizeRef", BRIDGE, "-o", fin_out])
eq(r.returncode, 0, "--defer=finalizeRef: exit 0", r.stderr)
frep = json.loads(r.stdout) if r.returncode == 0 else {}
eq([d.get("import") for d in frep.get("deferred", [])], ["syscall/js.finalizeRef"], "--defer=finalizeRef: report defers only it")
eq(frep.get("flushing_imports"), len(orig["imports"]) - 1, "--defer=finalizeRef: all other imports flush")
fmeta = json.loads(custom_section(fin_out, "gowasm.batch") or b"{}")
eq(fmeta.get("deferred"), ["syscall/js.finalizeRef"], "--defer=finalizeRef: gowasm.batch names only finalizeRef")
ok(run(["wasm-validate", fin_out]).returncode == 0, "--defer=finalizeRef: output validates")
r = batch(["-n", "--json", "--defer", "valueDelete,syscall/js.valueSet", BRIDGE])
eq([d["import"] for d in json.loads(r.stdout)["deferred"]] if r.returncode == 0 else None,
   ["syscall/js.valueSet", "syscall/js.valueDelete"],
   "--defer valueDelete,syscall/js.valueSet: short and full names, those two only")
r = batch(["-n", "--json", "--defer=all", HELLO])
hrep = json.loads(r.stdout) if r.returncode == 0 else {}
hello_fields = {f for mod, f in (objdump(HELLO) or {"imports": []})["imports"] if mod == "go"}
eq(hrep.get("not_imported"), [n for n in DEFERRABLE if n not in hello_fields],
   "hello.wasm: not_imported lists the deferrable imports it does not import (objdump)")
eq([d["import"] for d in hrep.get("deferred", [])], [n for n in DEFERRABLE if n in hello_fields],
   "hello.wasm: deferred lists those it imports")


def refused(args, path, reason, name, out=None):
    """Exit 2, one line "gowasm-batch: PATH: cannot batch: ..." with the
    reason, nothing on stdout, and no output created."""
    out = out or os.path.join(tmp, "refused-out.wasm")
    r = batch(args + [path, "-o", out])
    eq(r.returncode, 2, f"{name}: exit 2")
    lines = err_lines(r)
    ok(len(lines) == 1 and lines[0].startswith(f"gowasm-batch: {path}: cannot batch: ") and reason in lines[0],
       f"{name}: one line, cannot batch: {reason!r}", r.stderr)
    eq(r.stdout, b"", f"{name}: nothing on stdout")
    ok(not os.path.exists(out), f"{name}: no output file created")
    ok(not [n for n in os.listdir(os.path.dirname(out)) if ".tmp." in n], f"{name}: no temporary file left")


refused(["--defer=none"], BRIDGE, "nothing to batch", "--defer=none")
refused(["--defer=valueDelete"], HELLO, "nothing to batch", "--defer=valueDelete on a module without valueDelete")

# A stripped module.
s_out = os.path.join(out_dir, "callbacks-stripped.batched.wasm")
r = batch(["--json", STRIPPED, "-o", s_out])
eq(r.returncode, 0, "callbacks-stripped.wasm: batched, exit 0", r.stderr)
ok(run(["wasm-validate", s_out]).returncode == 0, "callbacks-stripped: output validates")
s_new = objdump(s_out) or {"imports": [], "customs": []}
ok(("gowasm", "flush") in s_new["imports"] and "gowasm.batch" in s_new["customs"],
   "callbacks-stripped: output imports gowasm.flush and has gowasm.batch")
ok("name" not in s_new["customs"], "callbacks-stripped: output stays without a name section", s_new["customs"])

# The input is never modified.
eq(sha256(BRIDGE), bridge_sha, "bridge.wasm unchanged (sha256)")
eq(sha256(STRIPPED), stripped_sha, "callbacks-stripped.wasm unchanged (sha256)")

# gowasm-inspect still understands the batched modules: the Go functions
# keep the names, files and lines the symbol table gives them.
def go_functions(j):
    """(name, file, line) of every defined function, and how many of them
    the symbol table placed (those with a file)."""
    fs = [(f.get("name"), f.get("file"), f.get("line")) for f in j.get("functions", [])]
    return fs, sum(1 for f in fs if f[1])


for label, src, dst in (("bridge", BRIDGE, bridge_out), ("callbacks-stripped", STRIPPED, s_out)):
    a = json.loads(run([INSPECT, "--json", "--functions", src]).stdout)
    r = run([INSPECT, "--json", "--functions", dst])
    eq(r.returncode, 0, f"{label}: gowasm-inspect reads the batched module", r.stderr)
    b = json.loads(r.stdout) if r.returncode == 0 else {"symbols": {}}
    eq(b.get("go_version"), "go1.19.8", f"{label}: batched module still reports go1.19.8")
    eq(b.get("target"), "js/wasm", f"{label}: batched module still js/wasm")
    eq(a["symbols"]["source"], "pclntab", f"{label}: the original is named from the symbol table")
    eq(b.get("symbols", {}).get("source"), "pclntab", f"{label}: the batched module is named from the symbol table too")
    fa, na = go_functions(a)
    fb, nb = go_functions(b)
    ok(na > 1000, f"{label}: the symbol table places the original's functions", na)
    eq(nb, na, f"{label}: functions named from the symbol table: as many as in the original")
    eq(fb[:len(fa)], fa, f"{label}: every Go function keeps its name, file and line")
    calls_a = {(i["module"], i["name"]): (i.get("role"), i.get("call_sites")) for i in a.get("imports", [])}
    calls_b = {(i["module"], i["name"]): (i.get("role"), i.get("call_sites")) for i in b.get("imports", [])}
    eq({k: v for k, v in calls_b.items() if k != ("gowasm", "flush")}, calls_a,
       f"{label}: every original import keeps its role and call sites (counted through the stand-ins)")
    eq((calls_b.get(("gowasm", "flush")) or (None,))[0], "batch", f"{label}: gowasm.flush has the role batch")


def check_errors(path):
    r = run([CHECK, "--format", "json", "--fail-on", "none", path])
    if r.returncode != 0:
        return [r.stderr.decode(errors="replace")]
    return [f"{f.get('rule')}: {f.get('message')}" for f in json.loads(r.stdout).get("findings", [])
            if f.get("severity") == "error"]


eq(check_errors(BRIDGE), [], "gowasm-check finds no error in bridge.wasm")
errs = check_errors(bridge_out)
ok(not errs, "gowasm-check finds no error in the batched bridge.wasm either", "\n".join(errs))


def check_findings(path):
    r = run([CHECK, "--format", "json", "--fail-on", "none", path])
    j = json.loads(r.stdout) if r.returncode == 0 else {"findings": [r.stderr.decode(errors="replace")]}
    return sorted((f.get("rule"), f.get("file"), f.get("line"), f.get("function")) if isinstance(f, dict) else (f,)
                  for f in j.get("findings", []))


eq(check_findings(bridge_out), check_findings(BRIDGE), "gowasm-check: the same findings on the batched bridge.wasm")

# --- refusals

refused([], bridge_out, "already batched", "an already batched module")
refused(["-n"], s_out, "already batched", "an already batched stripped module, dry run")

wat = os.path.join(tmp, "nongo.wat")
with open(wat, "w") as f:
    f.write('(module (import "env" "f" (func $f (param i32))) (memory (export "memory") 1)\n'
            '  (func (export "main") (call $f (i32.const 0))))\n')
nongo = os.path.join(tmp, "nongo.wasm")
w = run(["wat2wasm", wat, "-o", nongo])
ok(w.returncode == 0, "wat2wasm builds a non-Go module", w.stderr)
refused([], nongo, "not a Go js/wasm module", "a non-Go module")
empty_mod = os.path.join(tmp, "empty-module.wasm")
with open(empty_mod, "wb") as f:
    f.write(b"\0asm\x01\0\0\0")
refused([], empty_mod, "not a Go js/wasm module", "an empty module (header only)")

IMPS = ("runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet", "syscall/js.valueSet", "syscall/js.finalizeRef")


def md_set(m, data, word, value):
    """A copy of synthetic module bytes with runtime.firstmoduledata word
    `word` set (23: etext, 24: noptrdata)."""
    b = bytearray(data)
    struct.pack_into("<Q", b, m.at["moduledata"] + 8 * word, value)
    return bytes(b)


def synth(name, fmt="1.20", etext=0x8000, noptrdata=None, **kw):
    """A synthetic module whose end of text is `etext` (with the 16 bytes
    per function Go's layout gives it) and noptrdata as built (where
    runtime.firstmoduledata begins) unless given."""
    m = pclnsynth.build(fmt, **{"imports": IMPS, "text_funcs": (etext + 15) // 16, **kw})
    data = md_set(m, m.data, m.md_word["etext"], etext)
    if noptrdata is not None:
        data = md_set(m, data, m.md_word["noptrdata"], noptrdata)
    p = os.path.join(tmp, name + ".wasm")
    with open(p, "wb") as f:
        f.write(data)
    return p, m


SYN_BASE = pclnsynth.BASE  # the synthetic modules' one data segment

good, _ = synth("synth-good")
r = batch(["-n", "--json", good])
eq(r.returncode, 0, "synthetic go1.20 module with room: batchable (dry run)", r.stderr)
g = json.loads(r.stdout) if r.returncode == 0 else {}
eq(g.get("buffer", {}).get("end"), 0x8000, "synthetic: buffer ends at its etext")
eq([d["import"] for d in g.get("deferred", [])], ["syscall/js.finalizeRef", "syscall/js.valueSet"],
   "synthetic: defers the two deferrable imports it has")
eq(g.get("not_imported"), ["syscall/js.valueSetIndex", "syscall/js.valueDelete"], "synthetic: lists the other two")

p, _ = synth("synth-go113", fmt="1.16", version="go1.13.15")
refused([], p, "go1.13.15 is older than Go 1.14", "a module claiming go1.13")
p, _ = synth("synth-go114", fmt="1.16", version="go1.14")
r = batch(["-n", p])
eq(r.returncode, 0, "a module claiming go1.14 is accepted (dry run)", r.stderr)
p, m115 = synth("synth-go115", fmt="1.2", version="go1.15.15")
r = batch(["-n", "--json", p])
eq(r.returncode, 0, "item 12: a go1.15 module (Go 1.2-1.15 symbol table) is accepted (dry run)", r.stderr)
g = json.loads(r.stdout) if r.returncode == 0 else {}
eq(g.get("buffer", {}).get("end"), 0x8000, "item 12: go1.15: the buffer ends at the old moduledata's etext")
eq((g.get("readonly") or {}).get("end"), m115.addr["moduledata"],
   "item 12: go1.15: read-only names end at the old moduledata's noptrdata (where moduledata begins)")
p, _ = synth("synth-devel", version="devel go1.22-abcdef")
refused([], p, "unknown Go version", "a module with an unknown Go version")
p, _ = synth("synth-wasip1", module="wasi_snapshot_preview1", imports=("fd_write", "proc_exit"))
refused([], p, "GOOS=wasip1", "a wasip1 module")
p, _ = synth("synth-tinygo", imports=IMPS + ("runtime.ticks",))
refused([], p, "TinyGo", "a TinyGo-looking module")
p, _ = synth("synth-gojs", module="gojs")
refused([], p, 'should import from "go", not "gojs"', "a go1.20 module importing from gojs")
p, _ = synth("synth-nothing", imports=("runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet"))
refused([], p, "nothing to batch", "a module without deferrable imports")
gsec = b"\x06\x06\x01\x7f\x01\x41\x00\x0b"  # one global: mutable i32 = 0
gdata = open(good, "rb").read()
eq(gdata.count(gsec), 1, "synthetic: the global section is where expected")
for label, repl in (("immutable", b"\x06\x06\x01\x7f\x00\x41\x00\x0b"), ("i64", b"\x06\x06\x01\x7e\x01\x42\x00\x0b")):
    p = os.path.join(tmp, f"synth-sp-{label}.wasm")
    with open(p, "wb") as f:
        f.write(gdata.replace(gsec, repl))
    refused([], p, "global 0 is not Go's stack pointer", f"stack pointer global {label}")
m = pclnsynth.build("1.20", imports=IMPS)
p = os.path.join(tmp, "synth-nopcln.wasm")
with open(p, "wb") as f:
    f.write(pclnsynth.patch(m, "magic", "I", 0))
refused([], p, "no readable Go symbol table", "a module without a readable symbol table")
p, _ = synth("synth-bounds", etext=0x8000, noptrdata=0x100)
refused([], p, "bounds are inconsistent", "a symbol table whose noptrdata is below etext")

# The gap: 1024 bytes at least, the end rounded down to 8.
p, _ = synth("synth-gap-1000", etext=12288 + 1000)
refused([], p, "no room for the batch buffer: 1000 bytes free", "a gap of 1000 bytes")
p, _ = synth("synth-gap-1031", etext=12288 + 1031)
r = batch(["-n", "--json", p])
eq(json.loads(r.stdout).get("buffer", {}).get("end") if r.returncode == 0 else r.stderr, 12288 + 1024,
   "a gap of 1031 bytes: accepted, its end rounded down to 8")
p, _ = synth("synth-gap-1023", etext=12288 + 1023)
refused([], p, "no room for the batch buffer: 1016 bytes free", "a gap of 1023 bytes (1016 once aligned)")
p, _ = synth("synth-gap-1024", etext=12288 + 1024)
gap_out = os.path.join(out_dir, "synth-gap-1024.batched.wasm")
r = batch(["--json", p, "-o", gap_out])
eq(r.returncode, 0, "a gap of exactly 1024 bytes is accepted and written", r.stderr)
gr = json.loads(r.stdout) if r.returncode == 0 else {}
eq(gr.get("buffer"), {"start": 12288, "end": 12288 + 1024, "size": 1024, "etext": 12288 + 1024, "first_data": SYN_BASE},
   "gap of 1024: the buffer is [12288, 13312)")
ok(run(["wasm-validate", gap_out]).returncode == 0, "gap of 1024: output validates")
# Imports outside the Go ABI (go:wasmimport) keep every parameter through
# their flushing stand-in, however many there are.
p, _ = synth("synth-wide-import", foreign=(("env", "narrow", 2), ("env", "wide", 17), ("env", "wider", 40)))
wide_out = os.path.join(out_dir, "synth-wide-import.batched.wasm")
r = batch(["-q", p, "-o", wide_out])
eq(r.returncode, 0, "a module importing functions of 2, 17 and 40 parameters is batched", r.stderr)
v = run(["wasm-validate", wide_out])
eq(v.returncode, 0, "imports of 17 and 40 parameters: the output validates", v.stderr)
dump = run(["wasm-objdump", "-x", wide_out]).stdout.decode(errors="replace") if v.returncode == 0 else ""
types = dict(re.findall(r"^ - type\[(\d+)\] (.*)$", dump, re.M))
for field, n in (("narrow", 2), ("wide", 17), ("wider", 40)):
    sigs = re.findall(r"^ - func\[\d+\] sig=(\d+) .*<- env\." + field + r"$", dump, re.M)
    eq([types.get(x) for x in sigs], ["(" + ", ".join(["i32"] * n) + ") -> nil"],
       f"env.{field} is imported once, with its {n} parameters")

# --- item 9: names of any length; names Binaryen would refuse or mis-read

def refused_at(path, reason, name):
    """Refused before Binaryen sees the module: exit 2, one GNU line naming
    the file and the offset, never Binaryen's "Fatal" (exit 1)."""
    out = os.path.join(tmp, "refused-out.wasm")
    if os.path.exists(out):
        os.unlink(out)
    r = batch([path, "-o", out])
    lines = err_lines(r)
    eq(r.returncode, 2, f"{name}: exit 2 (not Binaryen's exit 1)", r.stderr)
    ok(len(lines) == 1 and re.match(rf"^gowasm-batch: {re.escape(path)}: offset 0x[0-9a-f]+: cannot batch: ", lines[0])
       and reason in lines[0] and "Fatal" not in lines[0], f"{name}: one line with file and offset: {reason!r}", r.stderr)
    ok(not os.path.exists(out), f"{name}: no output file")


def batched_ok(path, name):
    out = path[:-5] + ".batched.wasm"
    r = batch(["-q", path, "-o", out])
    eq((r.returncode, r.stderr), (0, b""), f"{name}: batched, exit 0, nothing on stderr")
    v = run(["wasm-validate", out]) if r.returncode == 0 else None
    ok(v is not None and v.returncode == 0, f"{name}: the output validates", v and v.stderr)
    return out if r.returncode == 0 else None


def dump_text(path):
    return run(["wasm-objdump", "-x", path]).stdout.decode(errors="replace") if path else ""


NI = len(IMPS)  # the synthetic modules' imports come first; main.main is function NI + 1
for size, label in ((300, "300-byte"), (100 * 1024, "100 KB")):
    long_field, long_mod = "f" * size, "m" * size
    p, _ = synth(f"synth-long-import-{size}", foreign=(("env", long_field, 1), (long_mod, "g", 2)))
    out = batched_ok(p, f"item 9: {label} import name")
    d = dump_text(out)
    eq(len(re.findall(r"<- env\." + long_field + "$", d, re.M)), 1,
       f"item 9: {label} import name: imported once, under its whole name")
    eq(len(re.findall(r"<- " + long_mod + r"\.g$", d, re.M)), 1,
       f"item 9: {label} import module name: imported once, under its whole name")
    p, _ = synth(f"synth-long-export-{size}", exports=("run", "resume", "getsp", "mem", "e" * size))
    out = batched_ok(p, f"item 9: {label} export name")
    d = dump_text(out)
    idx = [int(x) for x in re.findall(r'^ - func\[(\d+)\](?: <[^>]*>)? -> "' + "e" * size + '"$', d, re.M)]
    # The input has NI imports and 3 functions; the output one more import
    # (gowasm.flush), so its own functions start at NI + 4.
    ok(len(idx) == 1 and idx[0] >= NI + 4, f"item 9: {label} export name: exported once under its whole name, "
       "by a function the rewrite added (the flushing wrapper)", idx)
    p, _ = synth(f"synth-long-names-{size}", names=["a" * size, "main.main" + "m" * size, "b" * size])
    out = batched_ok(p, f"item 9: {label} function names")
    d = dump_text(out)
    ok(all(f"<{n}>" in d for n in ("a" * size, "main.main" + "m" * size, "b" * size)),
       f"item 9: {label} function names: kept in the output's name section")
# A global the name section calls like one of the pass's own: the pass
# picks another name.
gname = pclnsynth.vec([pclnsynth.uleb(0) + pclnsynth.name("gowasm$head")])
p, _ = synth("synth-global-gowasm-head", names=bytes([7]) + pclnsynth.uleb(len(gname)) + gname)
out = batched_ok(p, "item 9: global 0 named gowasm$head in the name section")
ok(re.search(r"^ - global\[0\] i32 mutable=1 <gowasm\$head> ", dump_text(out), re.M),
   "item 9: global named gowasm$head: the module's global keeps its name")


def fnames(pairs):
    m = pclnsynth.vec([pclnsynth.uleb(i) + pclnsynth.name(n) for i, n in pairs])
    return bytes([1]) + pclnsynth.uleb(len(m)) + m


def subsec(i, payload):
    return bytes([i]) + pclnsynth.uleb(len(payload)) + payload


def nmap(pairs):
    return pclnsynth.vec([pclnsynth.uleb(i) + pclnsynth.name(n) for i, n in pairs])


for fname, label in (("gowasm$flush", "the pass's gowasm$flush"), ("gowasm$export$run", "the pass's export wrapper"),
                     ("fimport$2", "Binaryen's fimport$2"), ("fimport$2$host", "the pass's fimport$2$host"),
                     ("7", "Binaryen's name of defined function 7")):
    p, _ = synth("synth-clash", names=fnames([(NI, fname), (NI + 1, "main.main")]))
    refused_at(p, f'is named "{fname}"', f"item 9: a function named {fname!r} ({label})")
p, _ = synth("synth-import-named", names=fnames([(0, "imp0"), (NI, "imp0$host")]))
refused_at(p, 'is named "imp0$host"', "item 9: an import named imp0 and a function imp0$host")
for kw, reason, label in (
        ({"foreign": (("env", "a\0b", 1),)}, "an import name has a NUL byte", "NUL in an import name"),
        ({"foreign": (("e\0nv", "f", 1),)}, "an import module name has a NUL byte", "NUL in an import module name"),
        ({"exports": ("run", "resume", "getsp", "mem", "x\0y")}, "an export name has a NUL byte", "NUL in an export name"),
        ({"names": fnames([(NI, "a\0b")])}, "a function name has a NUL byte", "NUL in a function name"),
        ({"names": fnames([(NI, "a")]) + subsec(2, pclnsynth.vec([pclnsynth.uleb(NI) + nmap([(0, "l\0")])]))},
         "a local name has a NUL byte", "NUL in a local name"),
        ({"exports": ("run", "resume", "getsp", "mem", "gowasm.ro_start")}, 'already exports "gowasm.ro_start"',
         "an export named gowasm.ro_start"),
        ({"names": fnames([(NI, "same"), (NI + 2, "same")])}, 'two function names "same"', "two functions of one name"),
        ({"names": fnames([(NI + 1, "b"), (NI, "a")])}, "not sorted", "function names out of order"),
        ({"names": fnames([(NI + 5000, "zz")])}, "which does not exist", "a name for a function that does not exist"),
        ({"names": bytes([1, 5, 1, 0, 9, 0x61, 0x62])}, "runs past the end", "a function name longer than its subsection"),
        ({"names": fnames([(NI, b"\xff\xfe")])}, "not valid UTF-8", "a function name that is not UTF-8"),
        ({"names": bytes([0, 3, 9, 0x61, 0x62])}, "runs past the end", "a module name longer than its subsection"),
        ({"names": fnames([(NI, "a")]) + bytes([2, 3, 1, 0, 5])}, "too large", "a malformed local names subsection"),
        ({"names": fnames([(NI, "a")]) + subsec(2, pclnsynth.vec([pclnsynth.uleb(NI) + nmap([(40, "l")])]))},
         "which does not exist", "a name for a local that does not exist"),
        ({"names": fnames([(NI, "a")]) + subsec(7, nmap([(5, "g")]))}, "which does not exist",
         "a name for a global that does not exist"),
        ({"names": fnames([(NI, "a")]) + subsec(3, b"\0")}, "subsection 3", "a label names subsection"),
        ({"names": fnames([(NI, "a")]) + subsec(10, nmap([(0, "x")]))}, "subsection 10",
         "a field names subsection (Binaryen 108: Fatal)"),
        ({"names": fnames([(NI, "a")]) + fnames([(NI, "b")])}, "out of order or repeated", "two function subsections"),
        ({"names": fnames([(NI, "a")]) + b"\x07"}, "", "a name section cut inside a subsection header")):
    p, _ = synth("synth-names", **kw)
    refused_at(p, reason, f"item 9: {label}")
p, _ = synth("synth-custom-nul")
with open(p, "ab") as f:
    payload = pclnsynth.name(b"a\0b") + b"data"
    f.write(b"\0" + pclnsynth.uleb(len(payload)) + payload)
refused_at(p, "a custom section name has a NUL byte", "item 9: NUL in a custom section name")

# --- item 10: code nested deeper than Binaryen (and wabt) can recurse is
# refused before either sees it; up to the limits it is batched.
MAX_DEPTH, MAX_LOOPS_IFS = 50000, 10000
DEEP = {
    "loops": lambda n: b"\x03\x40" * n + b"\x0b" * n,
    "ifs": lambda n: b"\x41\x01\x04\x40" * n + b"\x0b" * n,
    "blocks": lambda n: b"\x02\x40" * n + b"\x0b" * n,
    # i32.const 0, n x i32.eqz, drop: an expression n + 2 deep (n + 3 with the body)
    "unary": lambda n: b"\x41\x00" + b"\x45" * n + b"\x1a",
    "loads": lambda n: b"\x41\x00" + b"\x28\x02\x00" * n + b"\x1a",
}
for kind, n, what in (("loops", 100000, "100k nested loops"), ("ifs", 20000, "20k nested ifs"),
                      ("unary", 100000, "a 100k-deep expression"), ("loads", 100000, "100k nested loads"),
                      ("blocks", 1000000, "1M nested blocks")):
    p, _ = synth(f"synth-deep-{kind}", other_code=DEEP[kind](n))
    refused_at(p, "code nested too deep for Binaryen", f"item 10: {what}")
p, _ = synth("synth-deep-unary-limit", other_code=DEEP["unary"](MAX_DEPTH - 3))
out = batched_ok(p, f"item 10: an expression exactly {MAX_DEPTH} deep (the limit)")
r = batch(["-n", "--json", p])
eq((json.loads(r.stdout) if r.returncode == 0 else {}).get("code_depth"),
   {"control": 0, "loops_ifs": 0, "expression": MAX_DEPTH}, "item 10: --json reports the code depth at the limit")
p, _ = synth("synth-deep-unary-over", other_code=DEEP["unary"](MAX_DEPTH - 2))
refused_at(p, f"expression depth {MAX_DEPTH + 1} (limit {MAX_DEPTH})", "item 10: one deeper than the limit")
p, _ = synth("synth-deep-loops-limit", other_code=DEEP["loops"](MAX_LOOPS_IFS))
batched_ok(p, f"item 10: {MAX_LOOPS_IFS} nested loops (the limit)")
p, _ = synth("synth-deep-ifs-over", other_code=DEEP["ifs"](MAX_LOOPS_IFS + 1))
refused_at(p, f"nests {MAX_LOOPS_IFS + 1} loops and ifs (limit {MAX_LOOPS_IFS})", "item 10: one if more than the limit")
r = batch(["-n", "--json", BRIDGE])
bd = (json.loads(r.stdout) if r.returncode == 0 else {}).get("code_depth", {})
ok(bd and 0 < bd.get("control", 0) < bd.get("expression", 0) < MAX_DEPTH // 10 and 0 < bd.get("loops_ifs", 0) < 100,
   "item 10: bridge.wasm (Go 1.19) nests far below the limits", bd)

# Data below 12288 leaves no gap at all.
saved_base = pclnsynth.BASE
try:
    pclnsynth.BASE = 0x2000
    p, _ = synth("synth-data-low", etext=0x10000, noptrdata=0x10000)
finally:
    pclnsynth.BASE = saved_base
refused([], p, "no room for the batch buffer", "a data segment below 12288")
# Data below the end of text: the symbol table would lie in text, which
# Go's layout never does (item 11).
p, _ = synth("synth-data-first", etext=SYN_BASE + 0x8000, noptrdata=SYN_BASE + 0x8000)
refused([], p, "is not in the read-only data", "first data below the end of text")

# --- item 11: the facts the plan uses, each against a second source

def data_segments(data):
    """(address, file offset, size) of each active data segment."""
    def uleb(p):
        return read_uleb(data, p)

    pos, segs = 8, []
    while pos < len(data):
        sid = data[pos]
        size, p = uleb(pos + 1)
        if sid == 11:
            n, q = uleb(p)
            for _ in range(n):
                flags, q = uleb(q)
                addr, q = uleb(q + 1)  # i32.const ADDR (Go's addresses are positive)
                q += 1  # end
                ln, q = uleb(q)
                segs.append((addr, q, ln))
                q += ln
        pos = p + size
    return segs


def poke(data, addr, value):
    """A copy of a module with the u64 at linear-memory address `addr`
    set, byte by byte in the data segments that hold them (Go leaves runs
    of zeros out of its segments), or None if a nonzero byte has no
    segment."""
    b = bytearray(data)
    segs = data_segments(data)
    for i, byte in enumerate(struct.pack("<Q", value)):
        at = [off + addr + i - a for a, off, n in segs if a <= addr + i < a + n]
        if at:
            b[at[0]] = byte
        elif byte:
            return None
    return bytes(b)


def forged(name, data):
    p = os.path.join(tmp, name + ".wasm")
    with open(p, "wb") as f:
        f.write(data or b"")
    return p


bridge_bytes = open(BRIDGE, "rb").read()
md_addr = insp_orig["symbols"]["pclntab"]["moduledata"]
bsegs = data_segments(bridge_bytes)
edata = max(a + n for a, _, n in bsegs)
for word, value, reason, what in (
        (24, edata, "data bounds are out of order", "noptrdata forged to the end of data"),
        (24, (bsegs[-1][0] + 8) & ~7, "data bounds are out of order", "noptrdata forged into .data"),
        (24, insp_orig["symbols"]["pclntab"]["address"], "is not in the read-only data",
         "noptrdata forged down to the symbol table"),
        (23, etext + 4096, "past the text of the module's", "etext forged 4096 bytes up"),
        (25, 1 << 40, "data bounds are out of order", "enoptrdata forged past memory")):
    data = poke(bridge_bytes, md_addr + 8 * word, value)
    ok(data is not None and data != bridge_bytes, f"item 11: bridge.wasm: moduledata word {word} is forged")
    refused([], forged(f"forged-md{word}", data), reason, f"item 11: bridge.wasm with {what}")
# A fact that disagrees with the segments: noptrdata inside a segment.
m = pclnsynth.build("1.20", imports=IMPS, text_funcs=0x8000 // 16)
p = forged("forged-straddle", md_set(m, md_set(m, m.data, 23, 0x8000), 24, m.addr["moduledata"] + 8))
refused_at(p, "falls inside a data segment", "item 11: noptrdata inside a data segment")
m3 = pclnsynth.build("1.20", imports=IMPS)
p = forged("forged-etext", md_set(m3, m3.data, 23, 0x8000))
refused([], p, "past the text of the module's 3 functions", "item 11: etext past the 16 bytes per function of the code")
# Global 0 as the code uses it: the wrapper of valueSet made to hand the
# import another i32 global (Go's PAUSE, global 7) instead of global 0.
vset = [i for i, (mod, f) in enumerate(orig["imports"]) if (mod, f) == ("go", "syscall/js.valueSet")]
wrapper = b"\x01\x01\x7f\x23\x00\x21\x01\x20\x01\x10" + (pclnsynth.uleb(vset[0]) if vset else b"")
eq(bridge_bytes.count(wrapper), 1, "item 11: bridge.wasm: one wrapper of valueSet, with Go's prologue")
p = forged("forged-sp", bridge_bytes.replace(wrapper, wrapper.replace(b"\x23\x00", b"\x23\x07", 1)))
refused_at(p, "global 0 is not Go's stack pointer: function", "item 11: a wrapper handing valueSet another global")
ok(run(["wasm-validate", p]).returncode == 0, "item 11: the forged modules are valid wasm (only their facts lie)")

# Truncated inputs: a clean one-line error, never a crash.
bridge_bytes = open(BRIDGE, "rb").read()
for n, label in ((0, "empty"), (4, "4 bytes"), (1000, "first 1000 bytes"), (len(bridge_bytes) // 2, "cut in the middle"),
                 (len(bridge_bytes) - 1, "last byte cut")):
    p = os.path.join(tmp, f"trunc-{n}.wasm")
    with open(p, "wb") as f:
        f.write(bridge_bytes[:n])
    outp = os.path.join(tmp, "trunc-out.wasm")
    r = batch([p, "-o", outp])
    eq(r.returncode, 2, f"truncated bridge.wasm ({label}): exit 2")
    lines = err_lines(r)
    ok(len(lines) == 1 and lines[0].startswith(f"gowasm-batch: {p}: ") and "cannot batch" not in lines[0],
       f"truncated bridge.wasm ({label}): one line naming the file", r.stderr)
    ok(not os.path.exists(outp), f"truncated bridge.wasm ({label}): no output")
for p, what, label in ((os.path.join(tmp, "missing.wasm"), "cannot open", "missing input"),
                       (tmp, "is a directory", "a directory as input")):
    r = batch([p, "-o", os.path.join(tmp, "x.wasm")])
    lines = err_lines(r)
    ok(r.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"gowasm-batch: {p}: ") and what in lines[0],
       f"{label}: exit 2, one line saying {what!r}", r.stderr)

# A file name with a newline or an escape does not break the one-line
# message (as gowasm-inspect's messages escape it).
for raw, label in (("new\nline.wasm", "a newline"), ("esc\x1b[31m.wasm", "an escape sequence")):
    p = os.path.join(tmp, raw)
    shutil.copyfile(nongo, p)
    r = batch(["-n", p])
    ok(r.returncode == 2 and len(err_lines(r)) == 1 and b"\x1b" not in r.stderr,
       f"refusal of a file whose name has {label}: still one line, control bytes escaped", r.stderr)

# --- atomic output

prev = os.path.join(tmp, "atomic")
os.mkdir(prev)
target = os.path.join(prev, "app.wasm")
for args, src, label in (([], nongo, "a refused module"), ([], os.path.join(tmp, "trunc-1000.wasm"), "a truncated module"),
                         (["--defer=none"], BRIDGE, "--defer=none"), (["-n"], good, "a dry run")):
    with open(target, "wb") as f:
        f.write(b"previous")
    r = batch(args + [src, "-o", target])
    eq(open(target, "rb").read(), b"previous", f"existing output untouched after {label} (exit {r.returncode})")
    eq(os.listdir(prev), ["app.wasm"], f"no temporary file after {label}")
old_umask = os.umask(0o022)
try:
    r = batch(["-q", good, "-o", target])
finally:
    os.umask(old_umask)
eq(r.returncode, 0, "success over an existing output: exit 0", r.stderr)
data = open(target, "rb").read()
ok(data.startswith(b"\0asm") and run(["wasm-validate", target]).returncode == 0,
   "success: the existing output is replaced by a valid module")
eq(stat.S_IMODE(os.stat(target).st_mode), 0o644, "success: output mode 0666 less the umask (022)")
eq(os.listdir(prev), ["app.wasm"], "success: no temporary file left")
os.mkdir(os.path.join(prev, "adir"))
r = batch(["-q", good, "-o", os.path.join(prev, "adir")])
lines = err_lines(r)
ok(r.returncode == 2 and len(lines) == 1 and "cannot write" in lines[0], "-o naming a folder: exit 2, cannot write", r.stderr)
eq((sorted(os.listdir(prev)), os.listdir(os.path.join(prev, "adir"))), (["adir", "app.wasm"], []),
   "-o naming a folder: the folder stays empty and no temporary file is left")
r = batch([good, "-o", os.path.join(tmp, "no", "such", "dir", "x.wasm")])
lines = err_lines(r)
ok(r.returncode == 2 and len(lines) == 1 and "cannot create" in lines[0], "-o into a missing folder: exit 2, cannot create",
   r.stderr)
eq(r.stdout, b"", "-o into a missing folder: no report printed")

# --- the companion

r = batch(["--companion-path"])
cjs = r.stdout.decode().strip()
ok(r.returncode == 0 and r.stdout.decode().count("\n") == 1, "--companion-path: exit 0, one line", r.stdout + r.stderr)
ok(os.path.isabs(cjs) and cjs.endswith("/gowasm-batch.cjs") and os.path.isfile(cjs),
   "--companion-path: an existing absolute path ending in gowasm-batch.cjs", cjs)
eq(os.path.dirname(cjs), os.path.realpath(COMPANION_DIR), "--companion-path: the build tree's companion")
r = batch(["--companion-path=mjs"])
mjs = r.stdout.decode().strip()
ok(r.returncode == 0 and os.path.isabs(mjs) and mjs.endswith("/gowasm-batch.mjs") and os.path.isfile(mjs),
   "--companion-path=mjs: an existing absolute path ending in gowasm-batch.mjs", r.stdout + r.stderr)
r = batch(["--companion-path=cjs"])
eq(r.stdout.decode().strip(), cjs, "--companion-path=cjs is the default")

# The search order: PROGRAM_DIR/../js, PROGRAM_DIR/../share/gowasm, then
# the configured data folder (copies of the program, with or without
# companions next to them).
for layout, present, want in (("share", ["share/gowasm"], "share/gowasm"), ("both", ["share/gowasm", "js"], "js"),
                              ("none", [], None)):
    root = os.path.join(tmp, "layout-" + layout)
    os.makedirs(os.path.join(root, "bin"))
    prog = os.path.join(root, "bin", "gowasm-batch")
    shutil.copy2(BATCH, prog)
    for d in present:
        os.makedirs(os.path.join(root, d))
        for ext in ("cjs", "mjs"):
            with open(os.path.join(root, d, "gowasm-batch." + ext), "w") as f:
                f.write("// " + d + "\n")
    for ext in ("cjs", "mjs"):
        r = run([prog, "--companion-path=" + ext])
        got = r.stdout.decode().strip()
        if want:
            eq((r.returncode, got), (0, os.path.join(os.path.realpath(root), want, "gowasm-batch." + ext)),
               f"--companion-path={ext} with the companion in {' and '.join(present)}: finds {want} first", r.stderr)
        else:
            lines = err_lines(r)
            ok((r.returncode == 2 and r.stdout == b"" and len(lines) == 1 and "is not installed" in lines[0]) or
               (r.returncode == 0 and got.endswith("/gowasm/gowasm-batch." + ext) and os.path.isfile(got)
                and not got.startswith(os.path.realpath(root))),
               f"--companion-path={ext} with no companion next to the program: the data folder's, or exit 2 "
               "with one line", r.stdout + r.stderr)

# The node tests below use the build tree's companion even if the program
# could not find it.
if not (os.path.isabs(cjs) and os.path.isfile(cjs)):
    cjs = os.path.join(COMPANION_DIR, "gowasm-batch.cjs")
if not (os.path.isabs(mjs) and os.path.isfile(mjs)):
    mjs = os.path.join(COMPANION_DIR, "gowasm-batch.mjs")

node = shutil.which("node") or shutil.which("nodejs")
ok(node, "node is installed")
if node:
    def node_eval(code, *args, module=False):
        cmd = [node] + (["--input-type=module"] if module else []) + ["-e", code, "--"] + list(args)
        return run(cmd, timeout=120)

    r = node_eval("const c = require(process.argv[1]);"
                  "console.log(JSON.stringify([typeof c.enableBatching, typeof c.batchingStats, c.version, c.protocol]))",
                  cjs)
    eq(r.stdout.decode().strip(), json.dumps(["function", "function", tool_version, 1], separators=(",", ":")),
       "require(cjs) exports enableBatching, batchingStats, the version and protocol 1", r.stderr)
    r = node_eval("const c = await import(process.argv[1]);"
                  "console.log(JSON.stringify([typeof c.enableBatching, typeof c.batchingStats, c.version, c.protocol]))",
                  mjs, module=True)
    eq(r.stdout.decode().strip(), json.dumps(["function", "function", tool_version, 1], separators=(",", ":")),
       "import(mjs) exports the same", r.stderr)

    r = node_eval("""
const { enableBatching } = require(process.argv[1]);
const out = [];
for (const bad of [{}, null, undefined, 42, "go", { importObject: null }, { importObject: 7 }]) {
  try { enableBatching(bad); out.push("no throw"); } catch (e) { out.push(e instanceof TypeError ? "TypeError" : String(e)); }
}
try { enableBatching({ importObject: {} }); out.push("no throw"); } catch (e) { out.push(e.constructor.name); }
console.log(JSON.stringify(out));
""", cjs)
    eq(r.stdout.decode().strip(), json.dumps(["TypeError"] * 7 + ["Error"], separators=(",", ":")),
       "enableBatching on non-Go objects throws TypeError (Error for an import object without go)", r.stderr)

    if not os.path.isfile(GO_GLUE):
        ok(False, f"Go 1.19's wasm_exec.js is at {GO_GLUE}")
    else:
        r = node_eval("""
globalThis.fs = require("fs");
require(process.argv[2]);
const { enableBatching, batchingStats } = require(process.argv[1]);
const go = new Go();
const keys = Object.keys(go.importObject.go).sort().join();
const statsBefore = batchingStats(go);
const r1 = enableBatching(go);
const flush = go.importObject.gowasm && go.importObject.gowasm.flush;
const get = go.importObject.go["syscall/js.valueGet"];
const r2 = enableBatching(go);
console.log(JSON.stringify({
  returns: r1 === go && r2 === go,
  flush: typeof flush,
  same: go.importObject.gowasm.flush === flush && go.importObject.go["syscall/js.valueGet"] === get,
  keys: Object.keys(go.importObject.go).sort().join() === keys,
  before: statsBefore === undefined,
  stats: batchingStats(go),
}));
""", cjs, GO_GLUE)
        try:
            st = json.loads(r.stdout)
        except ValueError:
            st = {}
        eq(st.get("flush"), "function", "enableBatching adds importObject.gowasm.flush", r.stderr)
        ok(st.get("returns"), "enableBatching returns the Go instance, both times")
        ok(st.get("same"), "enableBatching twice is harmless: the same flush and valueGet stay")
        ok(st.get("keys"), "enableBatching keeps the glue's import names")
        ok(st.get("before"), "batchingStats is undefined before enableBatching")
        eq(st.get("stats"), {"flushes": 0, "records": 0, "namesDecoded": 0, "namesReused": 0, "setIndexTyped": 0,
                             "setIndexLoose": 0, "setIndexReflect": 0},
           "batchingStats after enableBatching: all zero")

        # The modules run: unbatched with and without the companion, batched with it.
        runner = os.path.join(tmp, "run.cjs")
        with open(runner, "w") as f:
            f.write("""
"use strict";
const [glue, companion, wasm, mode] = process.argv.slice(2);
globalThis.fs = require("fs");
require(glue);
const { enableBatching, batchingStats } = require(companion);
const go = new Go();
go.exit = (code) => { process.exitCode = code; };
if (mode === "batch") enableBatching(go);
WebAssembly.instantiate(fs.readFileSync(wasm), go.importObject).then(async (r) => {
  await go.run(r.instance);
  console.log("STATS " + JSON.stringify(batchingStats(go) === undefined ? null : batchingStats(go)));
}).catch((e) => { console.log("ERROR " + e); process.exitCode = 3; });
""")

        def node_run(wasm, mode):
            r = run([node, runner, GO_GLUE, cjs, wasm, mode], timeout=120)
            lines = r.stdout.decode(errors="replace").splitlines()
            stats = None
            if lines and lines[-1].startswith("STATS "):
                stats = json.loads(lines[-1][6:])
                lines = lines[:-1]
            return r.returncode, lines, stats, r

        rc0, plain, _, r = node_run(BRIDGE, "plain")
        ok(rc0 == 0 and len(plain) == 3, "bridge.wasm runs under node with Go's glue", r.stdout + r.stderr)
        rc1, lines, st1, r = node_run(BRIDGE, "batch")
        ok(rc1 == 0 and lines == plain, "enableBatching on the unbatched bridge.wasm changes nothing", r.stdout + r.stderr)
        eq((st1 or {}).get("flushes"), 0, "unbatched module: no flush")
        rc2, lines, st2, r = node_run(bridge_out, "batch")
        ok(rc2 == 0 and lines == plain, "batched bridge.wasm with the companion prints the same", r.stdout + r.stderr)
        ok((st2 or {}).get("flushes", 0) > 0 and (st2 or {}).get("records", 0) >= 5,
           "batched bridge.wasm: records were flushed (Set, Delete, 3 SetIndex at least)", st2)
        rc3, lines, _, r = node_run(fin_out, "batch")
        ok(rc3 == 0 and lines == plain, "bridge.wasm batched with --defer=finalizeRef prints the same", r.stdout + r.stderr)
        rc4, lines, _, r = node_run(bridge_out, "plain")
        ok(rc4 != 0 and any("gowasm" in ln for ln in lines), "batched bridge.wasm without the companion fails to link",
           r.stdout + r.stderr)

shutil.rmtree(tmp, ignore_errors=True)
