#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: the SHA-256 and SHA-384 file digests of gowasm-pack and
gowasm-verify (packager/digest.c) against coreutils' sha256sum and sha384sum,
in one invocation.

    tests/bench/digest.py [--runs N] [--digest-file PATH] [MODULE.wasm]

The module is esbuild.wasm of the pinned npm package esbuild-wasm@0.28.2
(14 MB). build/tests/digest-file reads the module once and prints the best
in-process time of N runs of each digest; sha256sum and sha384sum are timed
as whole commands (best of N, page cache warm), so they also pay for
starting and reading the file: the ratio flatters coreutils slightly, never
gowasm. Every digest must equal Python's hashlib, else exit 1. Not a test:
it asserts nothing about time."""
import argparse
import hashlib
import os
import subprocess

from benchlib import Failure, default_module, measure, root, run_main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module", nargs="?", default=default_module())
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--digest-file", default=os.path.join(root, "build", "tests", "digest-file"))
    a = ap.parse_args()
    for p in (a.module, a.digest_file):
        if not os.path.exists(p):
            raise Failure(f"{p} is missing (tests/npm/fetch.sh fetches the module; ninja builds digest-file)")
    data = open(a.module, "rb").read()
    want = {"sha256": hashlib.sha256(data).hexdigest(), "sha384": hashlib.sha384(data).hexdigest()}
    out = subprocess.run([a.digest_file, a.module, str(a.runs)], check=True, capture_output=True, text=True).stdout
    ours = {}
    for line in out.splitlines():
        alg, hexd, secs = line.split()
        if hexd != want[alg]:
            raise Failure(f"{alg}: digest-file says {hexd}, hashlib {want[alg]}")
        ours[alg] = float(secs)
    mib = len(data) / 2**20
    print(f"module: {a.module} ({len(data)} bytes); best of {a.runs} runs")
    for alg in ("sha256", "sha384"):
        ref = min(measure([alg + "sum", a.module])["wall"] for _ in range(a.runs))
        print(f"  {alg}: gowasm {ours[alg] * 1000:7.1f} ms ({mib / ours[alg]:6.0f} MiB/s)   "
              f"{alg}sum {ref * 1000:7.1f} ms   ratio gowasm / {alg}sum {ours[alg] / ref:.2f}")


run_main(main)
