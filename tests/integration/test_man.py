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
