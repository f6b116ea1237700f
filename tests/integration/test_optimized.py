#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A Go module optimized after linking by Binaryen's wasm-opt -Oz (plain,
and after gowasm-batch): gowasm-check says the module was rewritten after
linking instead of a bare pclntab-functions error, and --original checks the
module as Go linked it once the optimized one is shown to derive from it
(same build id, initial memory and exports; imports a subset). A module
that does not derive from the original is refused (exit 2)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import ok, eq, go_fixture, run, sha256, skip_rest, bail, in_ci, CHECK, env_path  # noqa: E402

BATCH = env_path("GOWASM_BATCH")
WASM_OPT = shutil.which("wasm-opt")
if not WASM_OPT:
    (bail if in_ci() else skip_rest)("wasm-opt (Debian package binaryen) is not installed")

leak, fixed = go_fixture("leak"), go_fixture("leak-fixed")
tmp = tempfile.mkdtemp(prefix="gowasm-optimized-")


def check(*args):
    r = run([CHECK, *args], timeout=300)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def optimize(src, dst):
    r = run(["nice", WASM_OPT, "-Oz", src, "-o", dst], timeout=300)
    eq(r.returncode, 0, f"wasm-opt -Oz {os.path.basename(src)}", r.stderr)


try:
    before = sha256(leak)
    opt = os.path.join(tmp, "leak.oz.wasm")
    optimize(leak, opt)

    rc, _, err = check(opt)
    ok(rc == 1 and "[pclntab-functions]" in err and "rewritten after Go linked it (by wasm-opt" in err
       and "--original" in err, "item wasm-opt: check of the -Oz module names the cause and the remedy", err)
    ok("js-func-leak" not in err, "item wasm-opt: no leak finding is made up from the renumbered code", err)

    want = check("--format", "json", leak)
    got = check("--format", "json", "--original", leak, opt)
    ok(want[0] == 1 and "js-func-leak" in want[1], "the original has its leak findings", want)
    eq(got, want, "item wasm-opt: --original ORIG OPT reports exactly the original's findings and exit status")

    rc, _, err = check("--original", fixed, opt)
    ok(rc == 2 and "not an optimized copy of" in err and "build id" in err,
       "item wasm-opt: --original with another program's module is refused, exit 2", err)

    # The same program, one byte of its read-only data changed.
    with open(opt, "rb") as f:
        data = bytearray(f.read())
    i = data.find(b"main.addButtons")
    ok(i > 0, "main.addButtons is in the optimized module's data")
    data[i] ^= 0x20
    tampered = os.path.join(tmp, "tampered.wasm")
    with open(tampered, "wb") as f:
        f.write(data)
    rc, _, err = check("--original", leak, tampered)
    ok(rc == 2 and "initial memory differs" in err,
       "item wasm-opt: --original refuses an optimized module whose data differs", err)

    # gowasm-batch, then wasm-opt. A stripped build: wasm-opt 108 cannot read
    # back the name section Binaryen writes for a module with names
    # ("Module::addFunction: fimport$0 already exists").
    batched, bopt = os.path.join(tmp, "leak.batched.wasm"), os.path.join(tmp, "leak.batched.oz.wasm")
    r = run([BATCH, go_fixture("leak-stripped"), "-o", batched], timeout=300)
    eq(r.returncode, 0, "gowasm-batch leak-stripped.wasm", r.stderr)
    optimize(batched, bopt)
    rc, _, err = check(bopt)
    ok(rc == 1 and "rewritten after Go linked it" in err,
       "item wasm-opt: check of a batched then optimized module names the cause", err)
    want = check("--format", "json", batched)
    got = check("--format", "json", "--original", batched, bopt)
    ok(want[0] == 1 and "js-func-leak" in want[1], "the batched module has the leak findings", want)
    eq(got, want, "item wasm-opt: --original on the batched module gives the batched module's findings")

    eq(sha256(leak), before, "the inputs are unchanged")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
