#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: Go js/wasm modules before and after gowasm-batch, in one
invocation, alternating runs so both see the same machine.

    tests/bench/batch.py [--runs N] [--only set,dom,...] [--scale X] [--json] [--check]
                         [--batch PATH] [--companion PATH] [--no-batch] [--floor] [--profile]

Needs: Go 1.19 (--go, default /usr/lib/go-1.19/bin/go, and its
misc/wasm/wasm_exec.js), Node.js (--node), build/tools/gowasm-batch and its
CommonJS companion build/js/gowasm-batch.cjs (`ninja -C build` makes both),
and for the esbuild rows the pinned npm package esbuild-wasm@0.28.2
(tests/npm/fetch.sh puts it in ~/.cache/gowasm/npm).

Workloads. The Go programs in tests/bench/go/ are compiled with Go 1.19
into a temporary folder at every invocation, then rewritten by gowasm-batch.
Each does a fixed amount of work, times only that work inside the program
(time.Now() around the loop and the read-back that ends it, which is also
what makes a batching runtime apply what it has recorded; so Node start-up,
compilation and instantiation are excluded) and prints `ns/op X` along with
lines that describe the work done (counts, checksums):

  set         js.Value.Set of numbers with 8 literal property names, 1M Sets
              (ns per Set)                                   goal: speed-up >= 2.0
  setindex-array    SetIndex(i, number) over a plain JS Array of 1024
              elements, about 1M calls (ns per SetIndex)     goal: speed-up >= 1.5
  setindex-objects  the same, storing js.Values of objects   reported only
  setindex-typed    alternately a Float64Array and a Uint8Array  reported only
  setindex-intkeys  an ordinary object ({}) with integer keys reported only
              (the program tests/bench/go/setindex, one mode per row)
  finalizers  450k js.Values (Get of an object, Object.New, ValueOf(string))
              dropped, runtime.GC every 4500 so their finalizers run in
              storms (ns per js.Value, storms included)      goal: speed-up >= 1.3
  dom         a fake DOM in JS (elements, attributes, style declarations,
              setters): each frame builds, updates, reads back and removes a
              40x6 table, then collects garbage (ns per frame)  reported only

  esbuild     the published esbuild-wasm@0.28.2 module (Go 1.26.5) run as a CLI,
              `esbuild IN.js --minify --outfile=OUT.js`, on a 1-3 MB input made
              by wrapping and concatenating the CommonJS files of the five
              pinned esbuild-wasm packages in the npm cache and of Go's misc/
              folder. Measured inside the runner: the time from go.run() to
              the program's exit (Go runtime start-up, esbuild's work and its
              file I/O; not Node start-up, compilation or instantiation),
              minus the median of the same for `esbuild --version`. Also
              shown: esbuild's own "Done in N ms" and the whole-process wall
              time. Node runs with V8's defaults: code is
              compiled lazily by the baseline compiler (Liftoff) and tiered up
              by the optimizing one in background threads, so this row also
              measures how soon that happens (on a loaded machine: late, and
              noisily).                            goal: batched / original <= 1.05
  esbuild-opt the same with `node --no-liftoff --no-wasm-lazy-compilation`: all
              code is optimized during instantiation (several seconds, not
              timed), so the run is the work alone, about 10x shorter.
                                                   goal: batched / original <= 1.05

Every module is run by a small Node runner written to the temporary folder
(--runner uses another with the same command line, e.g. tests/js/run-go.cjs;
then the esbuild time is whole-process wall time minus `--version`'s): the
original with Go's own wasm_exec.js, the batched one with the same glue plus
`enableBatching(go)` from the companion. Runs alternate (original, batched,
then batched, original, ...), --runs times each (default 7) after one untimed
pair; the table shows the medians and the speed-up original/batched. Every
run's non-timing output must equal the first original run's (the same work was
done; for esbuild the minified file must be byte-identical): a difference is
reported and makes the script exit 1. Under each row: the spread of the runs
((max - min) / median) and the ratio of the minima, less sensitive to other
load on the machine than the medians (the load average is printed too), and
informational timings (finalizers: storm-ns/op, the part spent in runtime.GC
and the finalizers it runs). Not a test: it asserts nothing about time; it
exits 1 on a missed goal only with --check. --json adds one JSON line with
every number. --no-batch runs the originals only (no gowasm-batch needed).
A full run takes 5-10 minutes, mostly esbuild-opt's compilations; --only
picks workloads, --scale shortens the Go programs' work.

--floor also runs the batched setindex modules with every batch dropped (a
companion whose flush does nothing): the Go side alone, so original/floor
is the most any replay could give. --profile then runs each setindex row's
original and batched module once more under `node --cpu-prof` (V8's
sampling profiler, 100 us interval) and prints where the samples fall:
wasm (Go code, the Go runtime included), glue (wasm_exec.js), companion
(gowasm-batch.cjs), gc (V8's garbage collector), v8 ("(program)": V8
itself, e.g. compilation), runner and other; V8 counts builtins such as
Reflect.set in the JS function that calls them (the glue's
valueSetIndex). The profile covers the whole
process (start-up, compilation, the untimed warm-up), so it is run with
--profile-scale (default 3) times the work; the .cpuprofile files are kept
with --keep.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import Failure, here, npm_cache, root


# name, unit shown, divisor from the program's ns/op, goal kind, goal value
GO_BENCHES = [("set", "ns/Set", 1, "speedup", 2.0),
              ("setindex-array", "ns/SetIndex", 1, "speedup", 1.5),
              ("setindex-objects", "ns/SetIndex", 1, None, None),
              ("setindex-typed", "ns/SetIndex", 1, None, None),
              ("setindex-intkeys", "ns/SetIndex", 1, None, None),
              ("finalizers", "ns/value", 1, "speedup", 1.3),
              ("dom", "us/frame", 1000, None, None)]
# Rows that run one program of tests/bench/go in a mode: (program, arguments).
PROGRAMS = {f"setindex-{m}": ("setindex", [m]) for m in ("array", "objects", "typed", "intkeys")}
ESBUILDS = [("esbuild", "ms", 1, "slowdown", 1.05), ("esbuild-opt", "ms", 1, "slowdown", 1.05)]
# Node flags of the esbuild rows: V8's defaults (lazy compilation, Liftoff
# first, optimizing tier-up in background threads), and everything compiled
# by the optimizing compiler during instantiation, before the clock starts.
ESBUILD_NODE_FLAGS = {"esbuild": [], "esbuild-opt": ["--no-liftoff", "--no-wasm-lazy-compilation"]}

RUNNER = r"""'use strict';
// Runs a Go js/wasm module under Node (written by tests/bench/batch.py):
//   node runner.cjs --glue wasm_exec.js [--companion gowasm-batch.cjs] [--times FILE] MODULE.wasm [ARGS]
// --times writes {"instantiate_ms", "run_ms"}: run_ms from go.run() to the program's exit
// (go.exit, which also ends the process, as wasm_exec_node.js does).
const fs = require('fs');
const path = require('path');
const os = require('os');
let glue = null, companion = null, timesFile = null;
const argv = process.argv.slice(2);
while (argv.length && argv[0].startsWith('--')) {
  const opt = argv.shift();
  if (opt === '--glue') glue = argv.shift();
  else if (opt === '--companion') companion = argv.shift();
  else if (opt === '--times') timesFile = argv.shift();
  else { console.error('runner: unknown option ' + opt); process.exit(2); }
}
if (!glue || !argv.length) { console.error('usage: runner.cjs --glue wasm_exec.js [--companion C] [--times F] MODULE.wasm [ARGS]'); process.exit(2); }
const wasm = argv.shift();
globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
globalThis.TextEncoder = require('util').TextEncoder;
globalThis.TextDecoder = require('util').TextDecoder;
globalThis.performance ??= require('perf_hooks').performance;
globalThis.crypto ??= require('crypto');
require(path.resolve(glue));
const go = new Go();
if (companion) require(path.resolve(companion)).enableBatching(go);
go.argv = [path.basename(wasm), ...argv];
go.env = { TMPDIR: os.tmpdir() };
let t0 = 0, t1 = 0;
go.exit = (code) => {  // as wasm_exec_node.js, the process ends with the program
  const t2 = performance.now();
  if (timesFile) fs.writeFileSync(timesFile, JSON.stringify({ instantiate_ms: t1 - t0, run_ms: t2 - t1 }));
  process.exit(code);
};
globalThis.__gowasmBench = go;  // lets a program count the live JS references
process.on('exit', (code) => {  // as wasm_exec_node.js: a deadlock makes Go print its stacks
  if (code === 0 && !go.exited) { go._pendingEvent = { id: 0 }; go._resume(); }
});
const bytes = fs.readFileSync(wasm);
t0 = performance.now();
WebAssembly.instantiate(bytes, go.importObject).then(({ instance }) => {
  t1 = performance.now();
  return go.run(instance);
}).catch((err) => { console.error(err); process.exit(1); });
"""


def run_node(a, module, args, companion, glue, timesfile=None, node_flags=()):
    """One run: (wall seconds, stdout, stderr, times dict or None)."""
    argv = [a.node, *node_flags, a.runner_path, "--glue", glue]
    if companion:
        argv += ["--companion", companion]
    if timesfile and a.own_runner:
        argv += ["--times", timesfile]
        if os.path.exists(timesfile):
            os.unlink(timesfile)
    argv += [module] + args
    t0 = time.perf_counter()
    r = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=a.timeout)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise Failure(f"{os.path.basename(module)}{' (batched, with the companion)' if companion else ''} "
                      f"exited with {r.returncode}:\n{(r.stderr or r.stdout).strip()[-1500:]}")
    times = None
    if timesfile and a.own_runner and os.path.exists(timesfile):
        with open(timesfile) as f:
            times = json.load(f)
    return wall, r.stdout, r.stderr, times


def parse_go_output(out):
    """(ns/op, info timings, the non-timing lines that describe the work)."""
    nsop, info, work = None, {}, []
    for line in out.splitlines():
        m = re.match(r"^(\S*ns/op)\s+([0-9.eE+-]+)\s*$", line)
        if m and m.group(1) == "ns/op":
            nsop = float(m.group(2))
        elif m:
            info[m.group(1)] = float(m.group(2))
        else:
            work.append(line)
    return nsop, info, work


def build_go(a, name, tmp):
    out = os.path.join(tmp, name + ".wasm")
    if os.path.exists(out):
        return out  # one program, several rows
    r = subprocess.run([os.path.join(root, "tests", "go", "build.sh"), a.go, os.path.join(here, "go", name), out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"go build of tests/bench/go/{name} failed:\n{r.stderr.strip()}")
    return out


BATCH_REPORTS = {}


def batch(a, module):
    """Rewrites module with gowasm-batch; keeps a summary of its report."""
    out = module[:-len(".wasm")] + ".batched.wasm"
    if out in BATCH_REPORTS:
        return out
    r = subprocess.run([a.batch, "--json", module, "-o", out], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"gowasm-batch refused {os.path.basename(module)} (exit {r.returncode}): "
                      f"{(r.stderr or r.stdout).strip()[-1500:]}")
    if not os.path.exists(out):
        raise Failure(f"gowasm-batch exited 0 but wrote no {out}")
    try:
        j = json.loads(r.stdout)
        BATCH_REPORTS[out] = (f"deferred {', '.join(d['import'].split('.')[-1] for d in j['deferred']) or 'nothing'}; "
                              f"buffer {j['buffer']['size']} bytes; size {j['output_size'] / j['input_size'] - 1:+.2%}")
    except (ValueError, KeyError, TypeError, ZeroDivisionError):
        BATCH_REPORTS[out] = "(report not read)"
    return out


def alternate(a, n, fn, floor=False):
    """Calls fn(variant) n times per variant, alternating (ABBA order)."""
    variants = ["original"] if a.no_batch else ["original", "batched"] + (["floor"] if floor else [])
    res = {v: [] for v in variants}
    for i in range(n):
        for v in (variants if i % 2 == 0 else variants[::-1]):
            res[v].append(fn(v))
    return res


FLOOR_OK = set(PROGRAMS)
PROFILE_OK = set(PROGRAMS)


def floor_companion(tmp):
    path = os.path.join(tmp, "floor-companion.cjs")
    with open(path, "w") as f:
        f.write("// Drops every batch: measures the Go side of a batched module alone (not equal work).\n"
                "exports.enableBatching = (go) => { go.importObject.gowasm = { flush() {} }; return go; };\n")
    return path


def bench_go(a, name, tmp):
    prog, pargs = PROGRAMS.get(name, (name, []))
    orig = build_go(a, prog, tmp)
    mods = {"original": orig}
    if not a.no_batch:
        mods["batched"] = batch(a, orig)
    args = pargs + ([repr(a.scale)] if a.scale != 1.0 else [])
    comp = {"original": None, "batched": a.companion}
    # Only where the Go side does the same work whatever JS holds (no
    # read-back steers it): there dropping the batches isolates it.
    if a.floor and "batched" in mods and name in FLOOR_OK:
        # The batched module with every batch dropped: what the Go side
        # costs alone, so original/floor bounds what any replay could give.
        mods["floor"] = mods["batched"]
        comp["floor"] = floor_companion(tmp)
    ref = {}
    mismatch = []

    def one(v):
        if v == "floor":
            # Dropped writes may make a program that reads them back fail:
            # then there is no floor to report for it.
            try:
                _, out, err, _ = run_node(a, mods[v], args, comp[v], a.glue)
            except Failure:
                return None, {}
            nsop, info, work = parse_go_output(out)
            return nsop, {}
        _, out, err, _ = run_node(a, mods[v], args, comp[v], a.glue)
        nsop, info, work = parse_go_output(out)
        if nsop is None:
            raise Failure(f"{name} ({v}) printed no ns/op line:\n{out}{err}")
        if "work" not in ref:
            ref["work"] = work
        elif work != ref["work"] and not mismatch:
            mismatch.append(f"{v} run printed {work!r}, the first original run {ref['work']!r}")
        return nsop, info

    alternate(a, 1, one, "floor" in mods)  # untimed pair: page cache, and the output check
    res = alternate(a, a.runs, one, "floor" in mods)
    row = {"work": ref["work"], "mismatch": mismatch[0] if mismatch else None,
           "gowasm-batch": BATCH_REPORTS.get(mods.get("batched"))}
    for v, runs in res.items():
        if v == "floor":
            if all(r[0] is not None for r in runs):
                row[v] = statistics.median(r[0] for r in runs)
            continue
        row[v] = statistics.median(r[0] for r in runs)
        for k in runs[0][1]:
            row[f"{v} {k}"] = statistics.median(r[1][k] for r in runs)
        row[f"{v} runs"] = [r[0] for r in runs]
        row[f"{v} min"] = min(r[0] for r in runs)
    if a.profile and name in PROFILE_OK:
        for v in ("original", "batched"):
            if v in mods:
                row[f"{v} profile"] = profile(a, tmp, name, v, mods[v], pargs, comp[v])
    return row


def profile(a, tmp, name, variant, module, pargs, companion):
    """One run under node --cpu-prof: the share of the samples (idle ones
    left out) in each group, and the heaviest functions of each group."""
    d = os.path.join(tmp, f"profile-{name}-{variant}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    run_node(a, module, pargs + [repr(a.scale * a.profile_scale)], companion, a.glue,
             node_flags=["--cpu-prof", "--cpu-prof-dir", d, "--cpu-prof-interval", "100"])
    files = [f for f in os.listdir(d) if f.endswith(".cpuprofile")]
    if len(files) != 1:
        raise Failure(f"node --cpu-prof wrote {len(files)} profiles for {name} ({variant})")
    with open(os.path.join(d, files[0])) as f:
        p = json.load(f)
    nodes = {n["id"]: n["callFrame"] for n in p["nodes"]}
    glue = os.path.realpath(a.glue)
    comp = os.path.realpath(companion) if companion else None

    def group(cf):
        url, fn = cf.get("url", ""), cf.get("functionName", "")
        path = url[len("file://"):] if url.startswith("file://") else url
        if fn == "(idle)":
            return None
        if url.startswith("wasm://"):
            return "wasm"
        if path and os.path.realpath(path) == glue:
            return "glue"
        if comp and path and os.path.realpath(path) == comp:
            return "companion"
        if fn == "(garbage collector)":
            return "gc"
        if fn == "(program)":
            return "v8"
        if path and os.path.realpath(path) == os.path.realpath(a.runner_path):
            return "runner"
        return "other"
    groups, funcs = {}, {}
    for sid in p["samples"]:
        cf = nodes[sid]
        g = group(cf)
        if g is None:
            continue
        groups[g] = groups.get(g, 0) + 1
        key = (g, cf.get("functionName") or "(anonymous)")
        funcs[key] = funcs.get(key, 0) + 1
    total = sum(groups.values()) or 1
    out = {"samples": total, "groups": {g: n / total for g, n in groups.items()}, "top": {}}
    for (g, fn), n in sorted(funcs.items(), key=lambda kv: -kv[1]):
        top = out["top"].setdefault(g, [])
        if len(top) < 4 and n / total >= 0.01:
            top.append([fn, n / total])
    return out


PROFILE_GROUPS = ("wasm", "glue", "companion", "v8", "gc", "runner", "other")


def profile_text(prof):
    parts = []
    for g in PROFILE_GROUPS:
        share = prof["groups"].get(g)
        if share is None:
            continue
        top = ", ".join(f"{fn} {x * 100:.0f}%" for fn, x in prof["top"].get(g, []) if g in ("wasm", "glue", "companion"))
        parts.append(f"{g} {share * 100:.0f}%" + (f" ({top})" if top else ""))
    return "; ".join(parts) + f"; {prof['samples']} samples"


def esbuild_input(tmp):
    """1-3 MB of real JavaScript: the CommonJS files of the pinned
    esbuild-wasm packages in the npm cache (all five releases) and of Go's
    misc/ folder, each wrapped in a function so they concatenate."""
    files = []
    cache = npm_cache()
    bases = [os.path.join(cache, d) for d in sorted(os.listdir(cache)) if d.startswith("esbuild-wasm@")] \
        if os.path.isdir(cache) else []
    for base in bases + [os.path.dirname(os.path.dirname(os.path.realpath(GO_GLUE)))]:
        for d, _, names in os.walk(base, followlinks=True):
            files += [os.path.join(d, n) for n in names if n.endswith(".js")]
    parts = []
    for p in sorted(set(files)):
        with open(p, encoding="utf-8", errors="replace") as f:
            src = f.read()
        if f"{os.sep}esm{os.sep}" in p or re.search(r"(^|[;}]\s*)(import\s*[\w{*'\"]|export\s*[\w{*])", src, re.M):
            continue  # ES modules cannot be wrapped in a function
        if src.startswith("#!"):
            src = src.split("\n", 1)[1]
        parts.append((p, src))
    if not parts:
        raise Failure("no JavaScript files found for the esbuild input")
    out, size, copy = [], 0, 0
    while size < 1_000_000 and copy < 4:
        for p, src in parts:
            chunk = (";(function (module, exports, require) { // " + os.path.basename(p) + " copy " + str(copy) +
                     "\n" + src + "\n})();\n")
            out.append(chunk)
            size += len(chunk.encode())
        copy += 1
    path = os.path.join(tmp, "esbuild-input.js")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))
    return path, size, len(parts), copy


def bench_esbuild(a, tmp, name):
    pkg = os.path.join(a.esbuild_dir)
    wasm, glue = os.path.join(pkg, "esbuild.wasm"), os.path.join(pkg, "wasm_exec.js")
    for p in (wasm, glue):
        if not os.path.exists(p):
            raise Failure(f"{p} is missing: tests/npm/fetch.sh installs the pinned npm fixtures")
    mods = {"original": wasm}
    local = os.path.join(tmp, "esbuild.wasm")
    if not a.no_batch:
        if not os.path.exists(local):
            shutil.copyfile(wasm, local)
            batch(a, local)
        mods["batched"] = local[:-len(".wasm")] + ".batched.wasm"
    comp = {"original": None, "batched": a.companion}
    flags = ESBUILD_NODE_FLAGS[name]
    src, size, nfiles, copies = esbuild_input(tmp)
    timesfile = os.path.join(tmp, "times.json")
    ref = {}
    mismatch = []

    def minify(v):
        outfile = os.path.join(tmp, f"esbuild-out-{v}.js")
        if os.path.exists(outfile):
            os.unlink(outfile)
        wall, out, err, times = run_node(a, mods[v], [src, "--minify", "--outfile=" + outfile], comp[v], glue, timesfile,
                                         flags)
        m = re.search(r"Done in ([0-9.]+)\s*ms", err)
        with open(outfile, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        msgs = re.sub(r"Done in [0-9.]+\s*ms", "Done in N ms", err).replace(v, "VARIANT")
        work = (digest, os.path.getsize(outfile), out, msgs)
        if "work" not in ref:
            ref["work"] = work
        elif work != ref["work"] and not mismatch:
            mismatch.append(f"{v} run: output {work[0][:16]} ({work[1]} bytes), first original run "
                            f"{ref['work'][0][:16]} ({ref['work'][1]} bytes); messages {work[2:]!r} vs {ref['work'][2:]!r}")
        return wall, times["run_ms"] if times else None, float(m.group(1)) if m else None

    def version(v):
        wall, out, _, times = run_node(a, mods[v], ["--version"], comp[v], glue, timesfile, flags)
        if "version" not in ref:
            ref["version"] = out
        elif out != ref["version"] and not mismatch:
            mismatch.append(f"--version printed {out!r} ({v}), {ref['version']!r} first")
        return wall, times["run_ms"] if times else None, None

    alternate(a, 1, minify)
    alternate(a, 1, version)
    res = alternate(a, a.runs, minify)
    ver = alternate(a, a.runs, version)
    row = {"input_bytes": size, "input_files": nfiles, "input_copies": copies, "output_bytes": ref["work"][1],
           "output_sha256": ref["work"][0], "mismatch": mismatch[0] if mismatch else None,
           "measure": "in-process" if a.own_runner else "wall", "node_flags": flags,
           "gowasm-batch": BATCH_REPORTS.get(mods.get("batched"))}
    for v in res:
        idx = 1 if a.own_runner else 0
        scale = 1.0 if a.own_runner else 1000.0
        minify_t = statistics.median(r[idx] for r in res[v]) * scale
        version_t = statistics.median(r[idx] for r in ver[v]) * scale
        row[v] = minify_t - version_t
        row[f"{v} minify"] = minify_t
        row[f"{v} version"] = version_t
        row[f"{v} wall"] = statistics.median(r[0] for r in res[v]) * 1000
        row[f"{v} version wall"] = statistics.median(r[0] for r in ver[v]) * 1000
        row[f"{v} runs"] = [r[idx] * scale for r in res[v]]
        row[f"{v} version runs"] = [r[idx] * scale for r in ver[v]]
        row[f"{v} min"] = min(row[f"{v} runs"]) - min(row[f"{v} version runs"])
        done = [r[2] for r in res[v] if r[2] is not None]
        row[f"{v} done-in"] = statistics.median(done) if done else None
    return row


def spread_text(runs):
    m = statistics.median(runs)
    return f"{(max(runs) - min(runs)) / m * 100:.0f}%" if m else "-"


def goal_text(kind, goal):
    if kind == "speedup":
        return f"speed-up >= {goal:.2f}"
    if kind == "slowdown":
        return f"batched/original <= {goal:.2f}"
    return "reported only"


def verdict(row, kind, goal):
    """(ratio, met: True/False/None)."""
    if row.get("error"):
        return None, (False if kind else None)
    if "batched" not in row:
        return None, None
    if kind == "slowdown":
        ratio = row["batched"] / row["original"]
        met = ratio <= goal
    else:
        ratio = row["original"] / row["batched"]
        met = None if kind is None else ratio >= goal
    if row.get("mismatch"):
        met = False if kind else None
    return ratio, met


GO_GLUE = "/usr/lib/go-1.19/misc/wasm/wasm_exec.js"
LOAD = []


def main():
    global GO_GLUE
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each variant (default 7)")
    ap.add_argument("--only", default="", help="comma-separated workloads: set,setindex-array,setindex-objects,"
                    "setindex-typed,setindex-intkeys,finalizers,dom,esbuild,esbuild-opt; setindex means all four")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies the work of the Go programs (not esbuild)")
    ap.add_argument("--go", default=os.environ.get("GOWASM_GO", "/usr/lib/go-1.19/bin/go"))
    ap.add_argument("--glue", default=None, help="wasm_exec.js for the Go programs (default: the Go's misc/wasm)")
    ap.add_argument("--node", default=shutil.which("node") or "/usr/bin/node")
    ap.add_argument("--batch", default=os.environ.get("GOWASM_BATCH", os.path.join(root, "build", "tools", "gowasm-batch")))
    ap.add_argument("--floor", action="store_true",
                    help="also run the batched setindex modules with their batches dropped (the Go side alone)")
    ap.add_argument("--profile", action="store_true",
                    help="also profile each setindex row once per variant (node --cpu-prof) and print where the time goes")
    ap.add_argument("--profile-scale", type=float, default=3.0, help="work of a profiled run, times --scale (default 3)")
    ap.add_argument("--companion", default=None,
                    help="the CommonJS companion (default: gowasm-batch.cjs next to build/tools, in build/js)")
    ap.add_argument("--runner", default=None, help="another Node runner with the same command line, e.g. tests/js/run-go.cjs")
    ap.add_argument("--esbuild-dir", default=os.path.join(npm_cache(), "esbuild-wasm@0.28.2", "node_modules", "esbuild-wasm"))
    ap.add_argument("--no-batch", action="store_true", help="run the original modules only")
    ap.add_argument("--timeout", type=float, default=300, help="seconds allowed to one run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder and say where it is")
    ap.add_argument("--json", action="store_true", help="also print one JSON line with every number")
    ap.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    a = ap.parse_args()

    if a.glue is None:
        a.glue = os.path.join(os.path.dirname(os.path.dirname(a.go)), "misc", "wasm", "wasm_exec.js")
    GO_GLUE = a.glue
    if a.companion is None:
        a.companion = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.batch))), "js", "gowasm-batch.cjs")
    names = [b[0] for b in GO_BENCHES + ESBUILDS]
    only = [n for n in a.only.split(",") if n] or names
    only = [m for n in only for m in ([k for k in PROGRAMS if k.startswith("setindex-")] if n == "setindex" else [n])]
    for n in only:
        if n not in names:
            ap.error(f"unknown workload {n} (one of {', '.join(names)})")
    for p, what in ((a.go, "Go 1.19 (Debian package golang-1.19-go)"), (a.glue, "Go's wasm_exec.js"), (a.node, "Node.js")):
        if not os.path.exists(p):
            sys.exit(f"bench: {p} not found: {what}")
    if not a.no_batch:
        if not os.path.exists(a.batch):
            sys.exit(f"bench: {a.batch} not built (ninja -C build builds it; --no-batch runs the originals only)")
        if not os.path.exists(a.companion):
            sys.exit(f"bench: {a.companion} not built (ninja -C build builds it)")
        a.companion = os.path.abspath(a.companion)

    LOAD[:] = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="gowasm-bench-batch-")
    try:
        a.own_runner = a.runner is None
        a.runner_path = os.path.abspath(a.runner) if a.runner else os.path.join(tmp, "runner.cjs")
        if a.own_runner:
            with open(a.runner_path, "w") as f:
                f.write(RUNNER)
        rows = {}
        for name, unit, _, kind, goal in GO_BENCHES + ESBUILDS:
            if name not in only:
                continue
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            try:
                rows[name] = bench_esbuild(a, tmp, name) if name.startswith("esbuild") else bench_go(a, name, tmp)
            except (Failure, subprocess.TimeoutExpired) as e:
                rows[name] = {"error": str(e)}
        report(a, rows)
    finally:
        if a.keep:
            print(f"bench: temporary files kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(a, rows):
    missed = broken = False
    print(f"runs:      {a.runs} of each variant, alternating, after one untimed pair; medians")
    print(f"go:        {a.go} (glue {a.glue})")
    if not a.no_batch:
        print(f"batch:     {a.batch}\ncompanion: {a.companion}")
    print(f"load:      {' '.join(f'{x:.2f}' for x in LOAD)} before, {' '.join(f'{x:.2f}' for x in os.getloadavg())} after "
          f"(1, 5, 15 min; {os.cpu_count()} CPUs): medians of a loaded machine are noisy, see min and spread")
    print(f"node:      {a.node} ({subprocess.run([a.node, '--version'], capture_output=True, text=True).stdout.strip()})"
          f"{'' if a.own_runner else ', runner ' + a.runner_path}")
    print()
    print(f"{'workload':<16} {'original':>18} {'batched':>18} {'ratio':>8}  goal")
    out = {"schema": "gowasm-bench-batch/1", "runs": a.runs, "scale": a.scale, "batched": not a.no_batch,
           "workloads": {}}
    for name, unit, div, kind, goal in GO_BENCHES + ESBUILDS:
        if name not in rows:
            continue
        row = rows[name]
        ratio, met = verdict(row, kind, goal)
        j = {k: v for k, v in row.items() if k != "work"}
        j.update({"unit": "ms" if name.startswith("esbuild") else "ns/op", "ratio": ratio, "goal": goal_text(kind, goal),
                  "met": met})
        out["workloads"][name] = j
        if row.get("error"):
            broken = True
            missed |= kind is not None
            print(f"{name:<16} {'-':>18} {'-':>18} {'-':>8}  {goal_text(kind, goal)}: NOT MEASURED")
            for line in row["error"].splitlines()[:12]:
                print(f"                 {line}")
            continue
        o = f"{row['original'] / div:.1f} {unit}"
        b = f"{row['batched'] / div:.1f} {unit}" if "batched" in row else "-"
        r = "-" if ratio is None else (f"{ratio:.3f}" if kind == "slowdown" else f"{ratio:.2f}x")
        state = "" if met is None else (": met" if met else ": MISSED")
        print(f"{name:<16} {o:>18} {b:>18} {r:>8}  {goal_text(kind, goal)}{state}")
        if met is False:
            missed = True
        if row.get("mismatch"):
            broken = True
            print(f"                 OUTPUT DIFFERS: {row['mismatch']}")
        spread = "; ".join(f"{v} {spread_text(row[f'{v} runs'])}" for v in ("original", "batched") if f"{v} runs" in row)
        line = f"                 spread (min-max/median): {spread}"
        if "batched min" in row:
            rmin = (row["batched min"] / row["original min"] if kind == "slowdown"
                    else row["original min"] / row["batched min"])
            j["ratio of minima"] = rmin
            line += f"; ratio of minima {rmin:.3f}" if kind == "slowdown" else f"; ratio of minima {rmin:.2f}x"
        print(line)
        variants = ["original"] + ([] if a.no_batch else ["batched"])
        if a.floor and "floor" not in row and "batched" in row and name in FLOOR_OK:
            print("                 Go side alone: not measurable (the program reads back what the dropped batches wrote)")
        if "floor" in row:
            print(f"                 Go side alone (batches dropped): {row['floor'] / div:.1f} {unit}; "
                  f"original/floor {row['original'] / row['floor']:.2f}x is the most any replay could give; "
                  f"replay costs {(row['batched'] - row['floor']) / div:.1f}, the original's JS side "
                  f"{(row['original'] - row['floor']) / div:.1f} {unit}")
        for v in variants:
            if f"{v} profile" in row:
                print(f"                 profile {v}: {profile_text(row[f'{v} profile'])}")
        if row.get("gowasm-batch"):
            print(f"                 gowasm-batch: {row['gowasm-batch']}")
        if name.startswith("esbuild"):
            how = ("in-process, go.run() to exit" if row["measure"] == "in-process" else "whole-process wall")
            print(f"                 {how}: minify - --version; node {' '.join(row['node_flags']) or '(V8 defaults)'}; "
                  f"input {row['input_bytes']} bytes ({row['input_files']} files x{row['input_copies']}), "
                  f"output {row['output_bytes']} bytes")
            for v in variants:
                d = row[f"{v} done-in"]
                print(f"                 {v:<9} minify {row[f'{v} minify']:.0f} ms, --version {row[f'{v} version']:.0f} ms; "
                      f"esbuild's Done in {'-' if d is None else f'{d:.0f} ms'}; "
                      f"wall {row[f'{v} wall']:.0f} ms (--version {row[f'{v} version wall']:.0f} ms)")
            if "batched" in row:
                d0, d1 = row["original done-in"], row["batched done-in"]
                extra = f"; Done in {d1 / d0:.3f}" if d0 and d1 else ""
                print(f"                 batched/original: wall {row['batched wall'] / row['original wall']:.3f}{extra}")
        else:
            print(f"                 work: {' | '.join(row['work'])}")
            for k in sorted(k for k in row if k.startswith("original ") and k.endswith("ns/op")):
                info = k.split(" ", 1)[1]
                line = f"                 {info}: original {row[k]:.1f}"
                if f"batched {info}" in row:
                    line += f", batched {row[f'batched {info}']:.1f}, ratio {row[k] / row[f'batched {info}']:.2f}x"
                print(line)
    if a.json:
        print(json.dumps(out, sort_keys=True))
    if broken:
        sys.exit(1)
    if a.check and missed:
        sys.exit(1)


main()
