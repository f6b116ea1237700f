# SPDX-License-Identifier: MIT
"""Corrupted symbol tables: synthetic Go modules (tests/integration/
pclnsynth.py) in every pclntab format, first decoded exactly, then with one
field broken at a time: offsets out of range, bad varints, a cycle in the
inline tree, absurd counts. Each gives a clear integrity problem (or a
one-line error), never a crash or a hang. Runs in the sanitizer build too."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, run, INSPECT  # noqa: E402
import pclnsynth  # noqa: E402

tmp = tempfile.mkdtemp(prefix="gowasm-pcln-")


def inspect(data, label, *args):
    path = os.path.join(tmp, label.replace(" ", "_").replace("/", "_") + ".wasm")
    with open(path, "wb") as f:
        f.write(data)
    r = run([INSPECT, "--json", "--functions", *args, path], timeout=60)
    err = r.stderr.decode(errors="replace")
    ok(r.returncode in (0, 2) and (r.returncode == 0 or (err.count("\n") == 1 and "gowasm-inspect: " in err)),
       f"{label}: exit 0, or 2 with one line", f"exit {r.returncode}: {err[:400]}")
    return (json.loads(r.stdout) if r.returncode == 0 else None), err


def problems(j):
    return [(p["check"], p["message"]) for p in j["integrity"]["problems"] if p["severity"] != "note"]


for fmt in ("1.2", "1.16", "1.18", "1.20"):
    m = pclnsynth.build(fmt)
    wide = fmt in ("1.2", "1.16")
    j, err = inspect(m.data, f"{fmt} intact", "--calls", "runtime.other")
    if not ok(j, f"{fmt}: intact module reads", err):
        continue
    eq(j["symbols"]["pclntab"]["format"], m.expect["format"], f"{fmt}: format")
    eq([f["name"] for f in j["functions"]], m.expect["names"], f"{fmt}: names")
    eq([f["file"] for f in j["functions"]], m.expect["files"], f"{fmt}: files")
    eq([f["line"] for f in j["functions"]], m.expect["lines"], f"{fmt}: entry lines")
    eq(problems(j), [], f"{fmt}: no integrity problems")
    sites = j["calls"]["sites"]
    eq([(s["file"], s["line"], s["function"], [(f["function"], f["line"]) for f in s["inlined_into"]]) for s in sites],
       [("/src/app/main.go", 5, "main.helper", [("main.main", 21)])],
       f"{fmt}: the call in inlined main.helper expands to main.main:21")

    def broken(label, data, check, words, *args):
        j, err = inspect(data, f"{fmt} {label}", *args)
        if j is None:
            ok(any(w in err for w in words), f"{fmt} {label}: error says {words}", err)
            return
        ps = problems(j)
        hit = [p for p in ps if p[0] == check and any(w in p[1] for w in words)]
        ok(hit, f"{fmt} {label}: {check} problem mentioning {words}", ps)
        eq(j["integrity"]["ok"], False, f"{fmt} {label}: integrity not ok")

    P = pclnsynth.patch
    broken("nfunc absurd", P(m, "nfunc", "Q", 0xFFFFFFFFFFFF), "pclntab-missing", ["no runtime.pclntab"])
    # (Go 1.2-1.15: nfunc places the file table offset, so the header no longer reads.)
    broken("nfunc off by one", P(m, "nfunc", "Q", 4), *(("pclntab-missing", ["no runtime.pclntab"]) if fmt == "1.2"
                                                       else ("pclntab-corrupt", ["firstmoduledata"])))
    if fmt == "1.2":
        broken("file table offset past memory", P(m, "fileoff", "I", 0xFFFFFFF0), "pclntab-missing", ["no runtime.pclntab"])
        broken("file table offset inside the function table", P(m, "fileoff", "I", 8), "pclntab-missing",
               ["no runtime.pclntab"])
    else:
        broken("funcname offset past memory", P(m, "funcnameOffset", "Q", 1 << 40), "pclntab-missing",
               ["no runtime.pclntab"])
        broken("pctab offset past memory", P(m, "pctabOffset", "Q", 1 << 33), "pclntab-missing", ["no runtime.pclntab"])
    broken("moduledata ftab length", P(m, "md.ftab.len", "Q", 1 << 40), "pclntab-corrupt", ["firstmoduledata"])
    broken("pcln offset out of range", P(m, "func1.pcln", "I", 0x7FFFFFF0), "pclntab-corrupt", ["out of range"])
    broken("pcfile offset out of range", P(m, "func2.pcfile", "I", 0xFFFFFF00), "pclntab-corrupt", ["out of range"])
    broken("record offset out of range", P(m, "ftab1.funcoff", "Q" if wide else "I", 0x7FFFFFF0),
           "pclntab-corrupt", ["out of range"])
    broken("name offset out of range", P(m, "func2.nameoff", "i", 0x7FFFFFF0), "pclntab-corrupt", ["no name"])
    broken("npcdata absurd", P(m, "func1.npcdata", "I", 0xFFFFFFFF), "pclntab-corrupt", ["pcdata"])
    broken("entry out of order", P(m, "ftab2.entry", "Q" if wide else "I", 0x10000000), "pclntab-corrupt",
           ["differs", "entry"])
    # Bad varints: the whole pc table area of main.main overwritten with 0xff.
    b = bytearray(m.data)
    pcln_off = int.from_bytes(m.data[m.at["func1.pcln"]:m.at["func1.pcln"] + 4], "little")
    start = m.at["pctab"] + pcln_off
    b[start:start + 6] = b"\xff" * 6
    broken("bad varint", bytes(b), "pclntab-corrupt", ["varint"])
    # An inline tree entry whose parent pc is its own pc: a cycle.
    broken("inline cycle", P(m, "inl0.parentPc", "i", 2), "pclntab-corrupt", ["cycle"])
    j, err = inspect(P(m, "inl0.parentPc", "i", 2), f"{fmt} inline cycle --calls", "--calls", "runtime.other")
    ok(j is None and "cycle" in err, f"{fmt} inline cycle: --calls stops with a one-line error naming the cycle", err)
    broken("inline parent out of function", P(m, "inl0.parentPc", "i", -5), "pclntab-corrupt", ["parent pc"])
    broken("inline tree entry outside memory", P(m, "inl0.nameoff", "i", 0x7FFFFFFF), "pclntab-corrupt", ["no name"])

    # A newer table relabelled with the Go 1.2-1.15 magic is not read as one.
    if fmt != "1.2":
        j, err = inspect(P(m, "magic", "I", 0xFFFFFFFB), f"{fmt} go1.15 magic")
        if j:
            eq([p["check"] for p in j["integrity"]["problems"] if p["check"].startswith("pclntab")],
               ["pclntab-missing"], f"{fmt}: its table under magic 0xfffffffb is not taken for a Go 1.2-1.15 table")

# item 15: decoy headers in a string constant before the real table (nine
# that no moduledata points at; and one with a consistent moduledata whose
# table disagrees with the code) do not hide the real table.
for fmt in ("1.2", "1.20"):
    for label, kw in (("nine decoys", {"decoys": 9}), ("nine decoys, one with a moduledata",
                                                       {"decoys": 9, "decoy_moduledata": True}),
                      ("100 decoys", {"decoys": 100, "decoy_moduledata": True})):
        m = pclnsynth.build(fmt, **kw)
        j, err = inspect(m.data, f"{fmt} {label}", "--calls", "runtime.other")
        if not ok(j, f"item 15: {fmt} {label}: reads", err):
            continue
        eq((j["symbols"]["source"], j["symbols"]["pclntab"] and j["symbols"]["pclntab"]["address"]),
           ("pclntab", pclnsynth.BASE), f"item 15: {fmt} {label}: decoy pclntab headers ignored, the real table used")
        eq([f["name"] for f in j["functions"]], m.expect["names"], f"item 15: {fmt} {label}: names")
        eq(problems(j), [], f"item 15: {fmt} {label}: no integrity problems")
        eq(len(j["calls"]["sites"]), 1, f"item 15: {fmt} {label}: the inlined call site is found")
