#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where Binaryen 108 (and wabt) overflow the stack on deep, valid code.

Builds synthetic Go-shaped modules (tests/integration/pclnsynth.py) whose
function runtime.other holds one deep construct of depth N, and finds by
bisection the smallest N at which a command crashes (killed by a signal),
each run in a child process:

    tests/bench/binaryen_depth.py [--cmd 'gowasm-batch -q {in} -o {out}'] [--max N]

Constructs: nested blocks, loops and ifs (control nesting), and a chain
of N unary operations (i32.eqz) and of N binary ones (i32.add), whose
expression trees are N deep. The default command is the build tree's
gowasm-batch run with --no-depth-limit, so that it hands everything to
Binaryen. Prints one line per construct: the first crashing depth, or
"no crash up to MAX"."""
import argparse
import os
import shlex
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import pclnsynth  # noqa: E402

IMPS = ("runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet", "syscall/js.valueSet",
        "syscall/js.finalizeRef")

CONSTRUCTS = {
    "block": lambda n: b"\x02\x40" * n + b"\x0b" * n,
    "loop": lambda n: b"\x03\x40" * n + b"\x0b" * n,
    "if": lambda n: b"\x41\x01\x04\x40" * n + b"\x0b" * n,
    "unary": lambda n: b"\x41\x00" + b"\x45" * n + b"\x1a",
    "binary": lambda n: b"\x41\x01" * (n + 1) + b"\x6a" * n + b"\x1a",
    "load": lambda n: b"\x41\x00" + b"\x28\x02\x00" * n + b"\x1a",
    "tee": lambda n: b"\x41\x00" + b"\x22\x00" * n + b"\x1a",
    "value-block": lambda n: b"\x02\x7f" * n + b"\x41\x00" + b"\x0b" * n + b"\x1a",
    "add-block": lambda n: b"\x41\x01" + b"\x41\x01\x02\x7f" * n + b"\x41\x00" + b"\x0b\x6a" * n + b"\x1a",
}


def module(construct, n):
    m = pclnsynth.build("1.20", imports=IMPS, other_code=CONSTRUCTS[construct](n))
    b = bytearray(m.data)
    struct.pack_into("<Q", b, m.at["moduledata"] + 8 * 23, 0x8000)   # etext
    struct.pack_into("<Q", b, m.at["moduledata"] + 8 * 24, pclnsynth.BASE)  # noptrdata
    return bytes(b)


def crashes(cmd, construct, n, tmp):
    src = os.path.join(tmp, "in.wasm")
    with open(src, "wb") as f:
        f.write(module(construct, n))
    argv = [a.format(**{"in": src, "out": os.path.join(tmp, "out.wasm")}) for a in shlex.split(cmd)]
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    return r.returncode < 0 or r.returncode >= 128, r.returncode


def main():
    default = os.path.join(HERE, "..", "..", "build", "tools", "gowasm-batch") + " --no-depth-limit -q {in} -o {out}"
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cmd", default=default)
    ap.add_argument("--max", type=int, default=1 << 20)
    ap.add_argument("--only", nargs="*", default=list(CONSTRUCTS))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for c in a.only:
            lo, hi = 1, 1024
            while hi <= a.max and not crashes(a.cmd, c, hi, tmp)[0]:
                lo, hi = hi, hi * 2
            if hi > a.max:
                print(f"{c:7} no crash up to {lo}", flush=True)
                continue
            while hi - lo > max(16, lo // 200):
                mid = (lo + hi) // 2
                if crashes(a.cmd, c, mid, tmp)[0]:
                    hi = mid
                else:
                    lo = mid
            print(f"{c:7} crashes at depth {hi} (fine at {lo}); exit {crashes(a.cmd, c, hi, tmp)[1]}", flush=True)


main()
