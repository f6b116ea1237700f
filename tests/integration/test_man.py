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
