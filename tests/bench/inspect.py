#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: gowasm-inspect and gowasm-check against wasm-objdump -x on
the same module, in one invocation, alternating runs so all see the same
machine.

    tests/bench/inspect.py [--runs N] [--inspect PATH] [MODULE.wasm]

Two gowasm-inspect variants are measured: the default report (which reads
the Go symbol table and runs the integrity checks), and one with every
function named and placed (--functions) and the call sites of
syscall/js.FuncOf expanded at file:line (--calls). Reports the median wall
time of each, their ratios to wasm-objdump, and gowasm-inspect's peak RSS
against the module's size. Goals: ratio at most 1/8, peak RSS under file
size + 32 MiB. Not a test: it asserts nothing about time; it prints, and
exits 1 only if a goal is missed when --check is given."""
import argparse
import os
import shutil
import statistics
import sys

from benchlib import default_module, measure, root, run_main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module", nargs="?", default=default_module())
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--inspect", default=os.path.join(root, "build", "tools", "gowasm-inspect"))
    ap.add_argument("--extra", default="", help="extra gowasm-inspect options, e.g. '--functions'")
    ap.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    a = ap.parse_args()
    objdump = shutil.which("wasm-objdump")
    if not objdump:
        sys.exit("bench: wasm-objdump (Debian package wabt) is not installed")
    if not os.path.exists(a.inspect):
        sys.exit(f"bench: {a.inspect} not built (./setup.sh builds it)")
    check = os.path.join(os.path.dirname(a.inspect), "gowasm-check")
    # (label, argv, goal as a fraction of wasm-objdump -x)
    variants = [("inspect", [a.inspect, "--json"] + a.extra.split() + [a.module], 1 / 8),
                ("inspect names+calls", [a.inspect, "--json", "--functions", "--calls", "syscall/js.FuncOf"] +
                 a.extra.split() + [a.module], 1 / 8),
                ("check (all rules)", [check, "--format", "json", "--fail-on", "none", "--target", "browser",
                                        a.module], 1 / 4)]
    ref_argv = [objdump, "-x", a.module]
    for _, argv, _ in variants:
        measure(argv)
    measure(ref_argv)  # warm the page cache for all
    times = {n: [] for n, _, _ in variants}
    rss = {n: [] for n, _, _ in variants}
    ref = []
    for _ in range(a.runs):
        for n, argv, _ in variants:
            m = measure(argv)
            times[n].append(m["wall"])
            rss[n].append(m["rss_kib"])
        ref.append(measure(ref_argv)["wall"])
    mr = statistics.median(ref)
    size = os.path.getsize(a.module)
    budget = size + 32 * 1024 * 1024
    missed = False
    print(f"module:            {a.module} ({size} bytes)")
    print(f"runs:              {a.runs} each, alternating")
    print(f"wasm-objdump -x:   median {mr * 1000:.1f} ms")
    for n, argv, goal in variants:
        mo = statistics.median(times[n])
        ratio = mo / mr
        peak = max(rss[n]) * 1024
        missed |= ratio > goal or peak >= budget
        print(f"{os.path.basename(argv[0])} {n}: {' '.join(argv[1:-1])}")
        print(f"  median {mo * 1000:.1f} ms, ratio {ratio:.3f} (1/{1 / ratio:.1f}); goal <= {goal:.3f} "
              f"(1/{round(1 / goal)}): {'met' if ratio <= goal else 'MISSED'}")
        print(f"  peak RSS {peak / 1048576:.1f} MiB; goal < file size + 32 MiB = {budget / 1048576:.1f} MiB: "
              f"{'met' if peak < budget else 'MISSED'}")
    if a.check and missed:
        sys.exit(1)


run_main(main)
