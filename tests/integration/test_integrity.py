# SPDX-License-Identifier: MIT
"""The symbol-table integrity checks on synthetic Go modules
(pclnsynth.py): each check fires on the defect it names and stays quiet
on a correct module."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, run, INSPECT  # noqa: E402
import pclnsynth  # noqa: E402

tmp = tempfile.mkdtemp(prefix="gowasm-integrity-")
RUNTIME = ("runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet")


def problems(label, **kw):
    path = os.path.join(tmp, label.replace(" ", "_") + ".wasm")
    with open(path, "wb") as f:
        f.write(pclnsynth.build(kw.pop("fmt", "1.20"), **kw).data)
    r = run([INSPECT, "--json", path])
    if not ok(r.returncode == 0, f"{label}: inspect exits 0", r.stderr):
        return None
    j = json.loads(r.stdout)
    return [(p["check"], p["severity"], p["message"], p["function"]) for p in j["integrity"]["problems"]
            if p["check"] != "build-id"], j


def expect(label, check, words, **kw):
    res = problems(label, **kw)
    if res is None:
        return
    ps, j = res
    hit = [p for p in ps if p[0] == check and all(w in p[2] for w in words)]
    ok(hit, f"{label}: {check} says {words}", ps)
    eq(j["integrity"]["ok"], hit[0][1] != "error" if hit else None, f"{label}: integrity ok follows the severity")
    return hit


ps, j = problems("clean", names=[n for n, *_ in pclnsynth.FUNCS])
eq(ps, [], "a correct module has no problems")
eq((j["integrity"]["names_compared"], j["integrity"]["names_matched"]), (3, 3), "all three names compared and equal")

# name-mismatch: the name section disagrees with pclntab.
hit = expect("renamed", "name-mismatch", ['"main.other"', '"main.main"'], names=["main.helper", "main.other", "runtime.other"])
if hit:
    eq(hit[0][3], "main.main", "name-mismatch names the function")
# Go's substitution is not a mismatch.
ps, _ = problems("sanitized", names=["main.helper", "main.main", "runtime.other"], fmt="1.18")
eq(ps, [], "names with only [^\\w.] -> _ differences match")
# name-section: malformed (function index out of range).
bad = bytes([1]) + pclnsynth.uleb(4) + pclnsynth.vec([pclnsynth.uleb(99) + pclnsynth.name("x")])
expect("bad name section", "name-section", ["does not exist"], names=bad)
# import-abi: a name no Go version has; one from another version; the wrong module.
expect("unknown import", "import-abi", ["runtime.bogus", "not part of any Go version"],
       imports=RUNTIME + ("runtime.bogus",))
expect("walltime1 in 1.20", "import-abi", ["runtime.walltime1", "Go 1.14 to 1.16"], imports=RUNTIME + ("runtime.walltime1",))
expect("finalizeRef in 1.13", "import-abi", ["syscall/js.finalizeRef", "Go 1.14 and later"],
       imports=RUNTIME + ("syscall/js.finalizeRef",), version="go1.13.15", fmt="1.16")
expect("gojs in 1.20", "import-abi", ['from module "go"'], module="gojs")
expect("go in 1.21", "import-abi", ['from module "gojs"'], version="go1.21.0")
ps, _ = problems("gojs in 1.21", module="gojs", version="go1.21.0")
eq([p for p in ps if p[0] == "import-abi"], [], "gojs imports in Go 1.21: no import-abi problem")
# missing-export
expect("no getsp", "missing-export", ['"getsp"'], exports=("run", "resume", "mem"))
expect("no mem", "missing-export", ['"mem"'], exports=("run", "resume", "getsp"))
ps, _ = problems("go1.11 exports", exports=("run", "mem"), version="go1.11.13", fmt="1.16")
eq([p for p in ps if p[0] == "missing-export"], [], "Go 1.11 needs only run and mem")
