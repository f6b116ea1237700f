# SPDX-License-Identifier: MIT
"""Differential test against wabt: for every fixture, what gowasm-inspect
reads (sections, imports, exports, functions with their names, data
segments with their addresses and sizes) equals what `wasm-objdump -x`
and `wasm-objdump -h` report for the same file."""
import json
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, all_fixtures, run, INSPECT, bail  # noqa: E402

OBJDUMP = shutil.which("wasm-objdump")
if not OBJDUMP:
    bail("wasm-objdump (Debian package wabt) is not installed")

HEAD = re.compile(r"^(\w+)(?:\[(\d+)\])?:$")


def objdump_details(path):
    """Parses `wasm-objdump -x`: per section, its entry lines."""
    r = run([OBJDUMP, "-x", path])
    if r.returncode != 0:
        return None
    sections, cur = {}, None
    for line in r.stdout.decode(errors="replace").splitlines():
        m = HEAD.match(line)
        if m:
            cur = m.group(1)
            sections.setdefault(cur, {"count": int(m.group(2)) if m.group(2) else None, "lines": []})
            continue
        if cur and line.startswith(" - "):
            sections[cur]["lines"].append(line[3:])
    return sections


def objdump_headers(path):
    r = run([OBJDUMP, "-h", path])
    out = []
    for line in r.stdout.decode(errors="replace").splitlines():
        m = re.match(r"\s*(\w+) start=0x([0-9a-f]+) end=0x([0-9a-f]+) \(size=0x([0-9a-f]+)\)(?: count: (\d+))?(?: \"(.*)\")?", line)
        if m:
            out.append((m.group(1).lower(), int(m.group(2), 16), int(m.group(4), 16),
                        int(m.group(5)) if m.group(5) else None, m.group(6)))
    return out


for name, path in all_fixtures():
    r = run([INSPECT, "--json", "--functions", "--segments", path])
    if not ok(r.returncode == 0, f"{name}: inspect --json --functions --segments", r.stderr):
        continue
    j = json.loads(r.stdout)
    od = objdump_details(path)
    if not ok(od is not None, f"{name}: wasm-objdump -x reads it"):
        continue

    # Sections: kind, payload offset, size, count.
    ours = []
    for s in j["sections"]:
        kind = "elem" if s["kind"] == "elem" else s["kind"]
        ours.append((kind, s["payload_offset"], s["size"],
                     s["count"] if s["kind"] not in ("custom", "start") else None,
                     s["name"] if s["kind"] == "custom" else None))
    theirs = [(k if k != "datacount" else "datacount", st, sz, cnt, nm) for k, st, sz, cnt, nm in objdump_headers(path)]
    eq(ours, theirs, f"{name}: sections (kind, offset, size, count) equal wasm-objdump -h")

    # Imports: count and module.field names, in order.
    imp = od.get("Import", {"count": 0, "lines": []})
    eq(j["counts"]["imports"], imp["count"], f"{name}: import count")
    their_imports = [l.split(" <- ", 1)[1] for l in imp["lines"]]
    eq([f"{i['module']}.{i['name']}" for i in j["imports"]], their_imports, f"{name}: import names")

    # Exports: count and names, in order.
    exp = od.get("Export", {"count": 0, "lines": []})
    eq(j["counts"]["exports"], exp["count"], f"{name}: export count")
    their_exports = [re.search(r' -> "(.*)"$', l).group(1) for l in exp["lines"]]
    eq([e["name"] for e in j["exports"]], their_exports, f"{name}: export names")

    # Functions: count, indices and name-section names where present.
    fn = od.get("Function", {"count": 0, "lines": []})
    eq(j["counts"]["defined_functions"], fn["count"], f"{name}: defined function count")
    theirs_fn = []
    for l in fn["lines"]:
        m = re.match(r"func\[(\d+)\] sig=\d+(?: <(.*)>)?$", l)
        theirs_fn.append((int(m.group(1)), m.group(2)))
    # Without a name section, wasm-objdump names exported functions by export.
    exported = {e["index"]: e["name"] for e in j["exports"] if e["kind"] == "func"}
    eq([(f["index"], f["name_section"] or exported.get(f["index"])) for f in j["functions"]], theirs_fn,
       f"{name}: function indices and names")
    # Code body sizes equal what objdump says for each body.
    code = od.get("Code", {"lines": []})
    their_sizes = [int(re.search(r"size=(\d+)", l).group(1)) for l in code["lines"]]
    eq([f["size"] for f in j["functions"]], their_sizes, f"{name}: function body sizes")

    # Data segments: count, addresses and sizes.
    data = od.get("Data", {"count": 0, "lines": []})
    eq(j["counts"]["data_segments"], data["count"], f"{name}: data segment count")
    theirs_seg = []
    for l in data["lines"]:
        m = re.match(r"segment\[\d+\](?: passive)?(?: memory=\d+)? size=(\d+)(?: - init i32=(-?\d+))?", l)
        if m:
            theirs_seg.append((int(m.group(2)) & 0xffffffff if m.group(2) else None, int(m.group(1))))
    eq([(s["address"], s["size"]) for s in j["data_segments"]], theirs_seg, f"{name}: data segment addresses and sizes")
