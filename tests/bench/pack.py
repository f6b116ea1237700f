#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: gowasm-pack against zip -9 on the same module, in one
invocation, alternating runs so all see the same machine.

    tests/bench/pack.py [--runs N] [--brotli-runs N] [--low-quality Q] [--json] [--check]
                        [--pack PATH] [--glue wasm_exec.js] [MODULE.wasm]

The module is esbuild.wasm of the pinned npm package esbuild-wasm@0.28.2
(tests/npm/fetch.sh puts it in ~/.cache/gowasm/npm; 14 MB, Go 1.26.5), packed
with the wasm_exec.js of the same package. Measured, each run writing a new
OUT.zip in a temporary folder (removed before the run, outside the timing):

  zip -9             `zip -9 -q OUT.zip esbuild.wasm`: the reference
  pack --gzip        `gowasm-pack esbuild.wasm --glue wasm_exec.js --gzip -o OUT.zip`
                     goal: median wall time <= 1.2 x zip -9's
  pack --brotli      the same with --brotli (quality 11, the default)
  pack --brotli=Q    the same with --brotli-quality Q (--low-quality, default 5)
  verify             `gowasm-verify` on the --gzip bundle, and on the largest
                     bundle (with the brotli copy)

and the module's entry in both zips (Python's zipfile compress_size):
gowasm-pack's deflate (libdeflate level 10) against zip -9's
                     goal: gowasm-pack's entry <= zip -9's

gowasm-pack does more than zip: it reads and checks the whole module, runs
gowasm-check's rules for the manifest, hashes every file (SHA-256, SHA-384),
writes the loader, declarations and manifest, the .gz copy (from the same
deflate stream, not compressed again), and syncs the zip to disk (zip does
not). Brotli's cost is reported apart: the difference between the medians of
the --brotli and --gzip variants, as seconds and as a multiple of zip -9's
time, and the time the tool itself reports for the compression (brotli_ms of
its --json report). Quality 11 takes tens of seconds on this module, so it
runs --brotli-runs times (default 3; 0 skips it), in the first rounds.

Also shown: CPU time (user + system, from wait4) next to the wall times
(less sensitive to other load on the machine; the load average is printed),
the minimum of each variant, and gowasm-pack's peak RSS (ru_maxrss) against
the module's size. Every bundle must verify (gowasm-verify exit 0) and every
run must exit 0, else the script says so and exits 1. Not a test: it asserts
nothing about time; it exits 1 on a missed goal only with --check. --json
adds one JSON line with every number."""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import zipfile

from benchlib import Failure, default_module, measure, root

TIME_GOAL = 1.2   # gowasm-pack --gzip / zip -9, median wall time
SIZE_GOAL = 1.0   # gowasm-pack's compressed module entry / zip -9's


def entry_size(path, name):
    with zipfile.ZipFile(path) as z:
        i = z.getinfo(name)
        return i.compress_size, i.file_size, i.compress_type


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("module", nargs="?", default=default_module())
    ap.add_argument("--glue", default=None, help="wasm_exec.js (default: the one beside the module)")
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each variant (default 7)")
    ap.add_argument("--brotli-runs", type=int, default=3,
                    help="timed runs of --brotli at quality 11 (default 3; 0 skips it)")
    ap.add_argument("--low-quality", type=int, default=5,
                    help="the cheaper brotli quality also measured (default 5; -1 skips it)")
    ap.add_argument("--pack", default=os.environ.get("GOWASM_PACK", os.path.join(root, "build", "tools", "gowasm-pack")))
    ap.add_argument("--verify", default=None, help="gowasm-verify (default: beside --pack)")
    ap.add_argument("--zip", default=shutil.which("zip") or "/usr/bin/zip")
    ap.add_argument("--json", action="store_true", help="also print one JSON line with every number")
    ap.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if not -1 <= a.low_quality <= 11:
        ap.error("--low-quality: 0 to 11, or -1")
    a.module = os.path.abspath(a.module)
    if a.glue is None:
        a.glue = os.path.join(os.path.dirname(a.module), "wasm_exec.js")
    a.verify = a.verify or os.path.join(os.path.dirname(os.path.abspath(a.pack)), "gowasm-verify")
    for p, what in ((a.module, "the module (tests/npm/fetch.sh installs esbuild-wasm@0.28.2)"),
                    (a.glue, "its wasm_exec.js"), (a.zip, "zip (Debian package zip)"),
                    (a.pack, "gowasm-pack (ninja -C build builds it)"), (a.verify, "gowasm-verify (ninja -C build)")):
        if not os.path.exists(p):
            sys.exit(f"bench: {p} not found: {what}")

    moddir, modname = os.path.dirname(a.module), os.path.basename(a.module)
    load_before = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="gowasm-bench-pack-")
    try:
        out = {n: os.path.join(tmp, n + ".zip") for n in ("zip", "gzip", "br11", "brlow")}
        pack = [a.pack, modname, "--glue", os.path.abspath(a.glue), "--json"]
        variants = [("zip", "zip -9", [a.zip, "-9", "-q", out["zip"], modname], out["zip"], a.runs),
                    ("gzip", "gowasm-pack --gzip", pack + ["--gzip", "-o", out["gzip"]], out["gzip"], a.runs)]
        if a.brotli_runs > 0:
            variants.append(("br11", "gowasm-pack --gzip --brotli", pack + ["--gzip", "--brotli", "-o", out["br11"]],
                             out["br11"], min(a.brotli_runs, a.runs)))
        if a.low_quality >= 0:
            variants.append(("brlow", f"gowasm-pack --gzip --brotli-quality {a.low_quality}",
                             pack + ["--gzip", "--brotli-quality", str(a.low_quality), "-o", out["brlow"]],
                             out["brlow"], a.runs))
        full = "br11" if a.brotli_runs > 0 else ("brlow" if a.low_quality >= 0 else "gzip")
        variants.append(("verify", "gowasm-verify (--gzip bundle)", [a.verify, "-q", out["gzip"]], None, a.runs))
        if full != "gzip":
            variants.append(("verify-full", f"gowasm-verify ({'--brotli' if full == 'br11' else '--brotli-quality'} "
                             "bundle)", [a.verify, "-q", out[full]], None, a.runs))
        runs = {k: [] for k, *_ in variants}
        try:
            # One untimed round (page cache; the bundles the verify rows read),
            # then rounds in alternating order (ABC..., ...CBA).
            print("bench: untimed round ...", file=sys.stderr, flush=True)
            for k, _, argv, o, n in variants:
                measure(argv, moddir, o, capture=True)
            for i in range(a.runs):
                print(f"bench: round {i + 1} of {a.runs} ...", file=sys.stderr, flush=True)
                order = variants if i % 2 == 0 else variants[::-1]
                for k, _, argv, o, n in order:
                    if i < n:
                        runs[k].append(measure(argv, moddir, o, capture=True))
        except Failure as e:
            sys.exit(f"bench: {e}")
        # The bundles of the last runs: all verified (the verify rows exit 0 only
        # on a valid bundle); the module's entry in each zip.
        entries = {k: entry_size(out[k], modname) for k in out if os.path.exists(out[k])}
        archives = {k: os.path.getsize(out[k]) for k in out if os.path.exists(out[k])}
        copies = {}
        for k in ("gzip", "br11", "brlow"):
            if runs.get(k):
                rep = json.loads(runs[k][-1]["stdout"])
                copies[k] = {f["role"]: f["size"] for f in rep["files"]}
                copies[k]["zip"] = rep["size"]
        report(a, variants, runs, entries, archives, copies, load_before)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def med(rs, key):
    return statistics.median(r[key] for r in rs)


def report(a, variants, runs, entries, archives, copies, load_before):
    size = os.path.getsize(a.module)
    zwall = med(runs["zip"], "wall")
    zcpu = med(runs["zip"], "cpu")
    print(f"module:  {a.module} ({size} bytes)")
    print(f"glue:    {a.glue}")
    print(f"tools:   {a.pack}, {a.verify}, {a.zip}")
    print(f"runs:    {a.runs} of each variant ({min(a.brotli_runs, a.runs)} of --brotli at quality 11), "
          "alternating, after one untimed round; medians")
    print(f"load:    {' '.join(f'{x:.2f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} after (1, 5, 15 min; {os.cpu_count()} CPUs)")
    print()
    print(f"{'variant':<42} {'wall s':>8} {'min s':>8} {'cpu s':>8} {'wall/zip':>9} {'cpu/zip':>8} {'peak RSS':>10}")
    j = {"schema": "gowasm-bench-pack/1", "module": a.module, "module_bytes": size, "runs": a.runs,
         "brotli_runs": min(a.brotli_runs, a.runs), "low_quality": a.low_quality, "variants": {}}
    for k, label, argv, _, _ in variants:
        rs = runs[k]
        if not rs:
            continue
        w, c = med(rs, "wall"), med(rs, "cpu")
        peak = max(r["rss_kib"] for r in rs) * 1024
        row = {"label": label, "argv": argv, "runs": len(rs), "wall_median": w, "wall_min": min(r["wall"] for r in rs),
               "cpu_median": c, "wall_runs": [r["wall"] for r in rs], "peak_rss_bytes": peak,
               "wall_ratio_to_zip": w / zwall, "cpu_ratio_to_zip": c / zcpu if zcpu else None}
        if k in ("gzip", "br11", "brlow"):
            ms = [json.loads(r["stdout"]).get("brotli_ms") for r in rs]
            if ms[0] is not None:
                row["brotli_ms_median"] = statistics.median(ms)
        j["variants"][k] = row
        cr = f"{c / zcpu:.3f}" if zcpu else "-"
        print(f"{label:<42} {w:8.3f} {row['wall_min']:8.3f} {c:8.3f} {w / zwall:9.3f} {cr:>8} "
              f"{peak / 1048576:8.1f} MiB")
    print()

    missed = False
    v = j["variants"]
    ratio = v["gzip"]["wall_median"] / zwall
    met = ratio <= TIME_GOAL
    missed |= not met
    print(f"time:    gowasm-pack --gzip / zip -9 = {ratio:.3f} (median wall); goal <= {TIME_GOAL}: "
          f"{'met' if met else 'MISSED'}; ratio of minima {v['gzip']['wall_min'] / v['zip']['wall_min']:.3f}, "
          f"of CPU medians {v['gzip']['cpu_ratio_to_zip']:.3f}")
    zc, zs, _ = entries["zip"]
    pc, ps, _ = entries["gzip"]
    sratio = pc / zc
    smet = sratio <= SIZE_GOAL
    missed |= not smet
    print(f"size:    {os.path.basename(a.module)} entry: zip -9 {zc} bytes, gowasm-pack {pc} bytes "
          f"(ratio {sratio:.4f}, {zc - pc:+d} bytes for gowasm-pack); goal <= zip -9's: {'met' if smet else 'MISSED'}")
    j["entry"] = {"zip_compress_size": zc, "pack_compress_size": pc, "file_size": zs, "ratio": sratio, "met": smet}
    j["time_goal"] = {"ratio": ratio, "goal": TIME_GOAL, "met": met}
    gz = copies["gzip"]
    print(f"bundle:  zip -9 wrote {archives['zip']} bytes; gowasm-pack --gzip {archives['gzip']} bytes "
          f"(its .gz copy {gz['module-gzip']} bytes, stored, and the glue, loader, declarations and manifest)")
    j["bundles"] = copies
    j["archive_bytes"] = archives
    for k, q in (("br11", 11), ("brlow", a.low_quality)):
        if k not in v:
            continue
        extra = v[k]["wall_median"] - v["gzip"]["wall_median"]
        extra_cpu = v[k]["cpu_median"] - v["gzip"]["cpu_median"]
        ms = v[k].get("brotli_ms_median")
        br = copies[k]["module-brotli"]
        v[k]["brotli_extra_wall"] = extra
        v[k]["brotli_extra_cpu"] = extra_cpu
        v[k]["brotli_extra_ratio_to_zip"] = extra / zwall
        print(f"brotli:  quality {q}: +{extra:.2f} s wall over --gzip (= {extra / zwall:.2f} x zip -9's time; "
              f"+{extra_cpu:.2f} s CPU), {ms / 1000:.2f} s in the tool (brotli_ms); "
              f"total {v[k]['wall_ratio_to_zip']:.2f} x zip -9; "
              f".br {br} bytes = {br / gz['module-gzip']:.3f} of the .gz")
    peak = v["gzip"]["peak_rss_bytes"]
    peak_all = max(v[k]["peak_rss_bytes"] for k in ("gzip", "br11", "brlow") if k in v)
    print(f"memory:  gowasm-pack peak RSS {peak / 1048576:.1f} MiB with --gzip, {peak_all / 1048576:.1f} MiB at most "
          f"with brotli; module {size / 1048576:.1f} MiB ({peak / size:.1f}x, {peak_all / size:.1f}x)")
    line = f"verify:  {v['verify']['wall_median']:.3f} s on the --gzip bundle " \
           f"({v['verify']['wall_median'] / v['gzip']['wall_median']:.2f} x its packing), " \
           f"peak RSS {v['verify']['peak_rss_bytes'] / 1048576:.1f} MiB"
    if "verify-full" in v:
        line += f"; {v['verify-full']['wall_median']:.3f} s with the brotli copy too"
    print(line)
    j["missed"] = missed
    if a.json:
        print(json.dumps(j, sort_keys=True))
    if a.check and missed:
        sys.exit(1)


main()
