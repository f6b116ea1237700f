#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: gowasm-sourcemap against wasm-objdump -x on the same module,
and gowasm-symbolize on a trace of 10,000 frames, alternating runs so all
see the same machine.

    tests/bench/sourcemap.py [--runs N] [--tools DIR] [MODULE.wasm]

Reports, for each command, the median wall time and the median CPU time
(user + system: what the command itself costs on a shared machine), the
ratio of gowasm-sourcemap to wasm-objdump -x (goal <= 1/2), the cost of
symbolizing 10,000 frames (goal <= 100 ms; measured as the 10,000-frame
run less a 300-frame run, both of which walk all the code once, so that
loading the module is not counted), the whole commands (an empty trace
reads only the module, its Go facts and symbols), and the map's size and
gzip size against the module's.
The trace holds 10,000 call sites drawn (fixed seed) from the module's
calls that push a Go return PC, as the frames of real stack traces are.
Goals are judged on CPU time, which a shared machine inflates less.
Not a test: it prints, and exits 1 only if a goal is missed with --check."""
import argparse
import gzip
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import default_module, measure, root, run_main

def trace_of(module, n, path):
    """n frames at call sites with a Go return PC (wasm-objdump -d)."""
    out = subprocess.run(["wasm-objdump", "-d", module], capture_output=True, check=True).stdout.decode()
    func_re = re.compile(r"^([0-9a-f]+) func\[(\d+)\]")
    insn_re = re.compile(r"^ *([0-9a-f]+): [0-9a-f ]+\|\s*(.*)$")
    sites, func, recent = [], None, []
    for line in out.splitlines():
        m = func_re.match(line)
        if m:
            func, recent = int(m.group(2)), []
            continue
        m = insn_re.match(line)
        if not m or func is None:
            continue
        insn = m.group(2).strip()
        if insn.startswith("call ") and any(r == "i64.store 3 0" for r in recent[-4:]):
            sites.append((func, int(m.group(1), 16)))
        recent = (recent + [insn])[-6:]
    random.seed(12)
    with open(path, "w") as f:
        for fn, off in random.choices(sites, k=n):
            f.write(f"    at wasm://wasm/0123abcd:wasm-function[{fn}]:0x{off:x}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module", nargs="?", default=default_module())
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--tools", default=os.path.join(root, "build", "tools"))
    ap.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    ap.add_argument("--make-trace", metavar="PATH", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.make_trace:
        trace_of(a.module, 10000, a.make_trace)
        return
    if not shutil.which("wasm-objdump"):
        sys.exit("bench: wasm-objdump (Debian package wabt) is not installed")
    smap, sym = os.path.join(a.tools, "gowasm-sourcemap"), os.path.join(a.tools, "gowasm-symbolize")
    for t in (smap, sym):
        if not os.path.exists(t):
            sys.exit(f"bench: {t} not built")
    tmp = tempfile.mkdtemp(prefix="gowasm-bench-")
    try:
        mapfile, trace, small, empty = (os.path.join(tmp, n) for n in ("m.map", "trace.txt", "small.txt", "empty.txt"))
        # In a child process: this one stays small, so the forks that run
        # the measured commands do not start with its memory (peak RSS).
        subprocess.run([sys.executable, __file__, "--make-trace", trace, a.module], check=True)
        open(empty, "w").close()
        with open(trace) as f, open(small, "w") as g:
            g.writelines(f.readlines()[:300])
        cmds = {"wasm-objdump -x": ["wasm-objdump", "-x", a.module],
                "gowasm-sourcemap": [smap, a.module, "-o", mapfile],
                "gowasm-symbolize 10,000 frames": [sym, "-q", a.module, trace],
                "gowasm-symbolize 300 frames": [sym, "-q", a.module, small],
                "gowasm-symbolize empty trace": [sym, "-q", a.module, empty]}
        for argv in cmds.values():
            measure(argv)  # warm the page cache
        res = {k: [] for k in cmds}
        for _ in range(a.runs):
            for k, argv in cmds.items():
                res[k].append(measure(argv))
        med = {k: (statistics.median(r["wall"] for r in v), statistics.median(r["cpu"] for r in v),
                   max(r["rss_kib"] for r in v))
               for k, v in res.items()}
        size = os.path.getsize(a.module)
        with open(mapfile, "rb") as f:
            m = f.read()
        gz = len(gzip.compress(m, 9))
        print(f"module: {a.module} ({size} bytes); {a.runs} runs each, alternating; medians")
        for k, (w, c, rss) in med.items():
            print(f"  {k:32s} wall {w * 1000:7.1f} ms   cpu {c * 1000:7.1f} ms   peak RSS {rss / 1024:.1f} MiB")
        ow, oc, _ = med["wasm-objdump -x"]
        sw, sc, _ = med["gowasm-sourcemap"]
        rw, rc = sw / ow, sc / oc
        print(f"gowasm-sourcemap / wasm-objdump -x: wall {rw:.3f}, cpu {rc:.3f}; goal <= 0.5: "
              f"{'met' if rc <= 0.5 else 'MISSED'} (judged on CPU time)")
        # Both traces are long enough for the one walk over all the code: the
        # difference is the cost of 9,700 frames, scaled to 10,000.
        k = 10000 / 9700
        fw = (med["gowasm-symbolize 10,000 frames"][0] - med["gowasm-symbolize 300 frames"][0]) * k
        fc = (med["gowasm-symbolize 10,000 frames"][1] - med["gowasm-symbolize 300 frames"][1]) * k
        print(f"symbolizing 10,000 frames (10,000-frame run less 300-frame run, scaled): wall {fw * 1000:.1f} ms, "
              f"cpu {fc * 1000:.1f} ms; "
              f"goal <= 100 ms: {'met' if fc <= 0.1 else 'MISSED'} (judged on CPU time); whole command "
              f"{med['gowasm-symbolize 10,000 frames'][0] * 1000:.1f} ms wall")
        print(f"map: {len(m)} bytes ({len(m) / size:.3f} of the module), gzip -9 {gz} bytes ({gz / size:.3f}; "
              f"module gzip -9 {len(gzip.compress(open(a.module, 'rb').read(), 9))} bytes)")
        load = os.getloadavg()[0]
        print(f"load average at the end: {load:.1f} on {os.cpu_count()} CPUs (wall times are inflated when the "
              "machine is shared; CPU times are what the commands cost)")
        missed = rc > 0.5 or fc > 0.1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if a.check and missed:
        sys.exit(1)


run_main(main)
