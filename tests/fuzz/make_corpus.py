# SPDX-License-Identifier: MIT
"""Writes a seed corpus for the reader fuzzer into DIR: small synthetic
modules shaped like Go's output (gc js/wasm with wrappers, Go call
sequences, modinfo and producers; wasip1; TinyGo), plus prefixes of the
real fixtures cut at section boundaries (at most 64 KiB each)."""
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import pclnsynth  # noqa: E402
from pclnsynth import name, sleb, uleb, vec  # noqa: E402


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def custom(n, payload):
    return section(0, name(n) + payload)


MODINFO = (bytes.fromhex("3077af0c92740802" "41e1c107e6d618e6") +
           b"path\texample.com/seed\nmod\texample.com/seed\t(devel)\t\n"
           b"dep\texample.com/dep\tv1.0.0\th1:abc=\n=>\t./dep\t(devel)\t\n"
           b"build\t-compiler=gc\nbuild\tGOOS=js\n" +
           bytes.fromhex("f932433186182072" "008242104116d8f2"))


def go_js_module(abi="go", version="go1.19.8"):
    imports = ["runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet", "syscall/js.valueSet",
               "syscall/js.finalizeRef", "runtime.getRandomData"]
    types = vec([b"\x60\x01\x7f\x01\x7f", b"\x60\x01\x7f\x00", b"\x60\x00\x00", b"\x60\x00\x01\x7f",
                 b"\x60\x02\x7f\x7f\x00"])
    imp = vec([name(abi) + name(f) + b"\x00" + uleb(1) for f in imports])
    ni = len(imports)
    # Wrappers, one per import, then a caller with Go call sequences and a loop.
    bodies = []
    for k in range(ni):
        code = (b"\x23\x00\x21\x01\x20\x01\x10" + uleb(k) + b"\x23\x00\x21\x01\x20\x01\x41\x08\x6a\x22\x01"
                b"\x24\x00\x41\x00\x0f\x00\x0b")
        bodies.append(b"\x01\x01\x7f" + code)
    caller = ni + ni  # function index of the caller
    me = 0x1000 + ni  # its entry PC base
    seq = b""
    for k in range(ni):
        retpc = (me << 16) | (k + 1)
        seq += (b"\x20\x01\x41\x08\x6b\x22\x01\x24\x00\x20\x01\x42" + sleb(retpc) + b"\x37\x03\x00"
                b"\x41\x00\x10" + uleb(ni + k) + b"\x1a")
    loop = b"\x03\x40" + seq[:len(seq) // 2] + b"\x0b"
    ind = (b"\x20\x01\x42" + sleb((me << 16) | 99) + b"\x37\x03\x00\xa7\x41\x10\x76\x21\x00\x41\x00\x20\x00"
           b"\x11\x00\x00\x1a")
    body = b"\x01\x01\x7f" + b"\x02\x40" + loop + seq + ind + b"\x0b" + b"\x41\x00\x0b"
    bodies.append(body)
    funcs = vec([uleb(0)] * (ni + 1))
    code = vec([uleb(len(b)) + b for b in bodies])
    table = vec([b"\x70\x00" + uleb(0x1000 + ni + 1)])
    mem = vec([b"\x00\x10"])
    glob = vec([b"\x7f\x01\x41\x00\x0b"] + [b"\x7e\x01\x42\x00\x0b"] * 6 + [b"\x7f\x01\x41\x00\x0b"])
    exp = vec([name("run") + b"\x00" + uleb(caller), name("resume") + b"\x00" + uleb(caller),
               name("getsp") + b"\x00" + uleb(ni), name("mem") + b"\x02\x00"])
    elem = vec([b"\x00\x41" + sleb(0x1000) + b"\x0b" + vec([uleb(ni + k) for k in range(ni + 1)])])
    data = vec([b"\x00\x41" + sleb(12288) + b"\x0b" + name(b"go1.19.8\x00hello"),
                b"\x00\x41" + sleb(16384) + b"\x0b" + name(MODINFO),
                b"\x01" + name(b"passive")])
    producers = vec([name("language") + vec([name("Go") + name(version)]),
                     name("processed-by") + vec([name("Go cmd/compile") + name(version)])])
    names = bytes([1]) + uleb(len(vec([uleb(ni + k) + name(f"syscall_js.w{k}") for k in range(ni)])))
    names += vec([uleb(ni + k) + name(f"syscall_js.w{k}") for k in range(ni)])
    return (b"\0asm\x01\0\0\0" +
            custom("go:buildid" if abi == "gojs" else "go.buildid", b'\xff Go build ID: "a/b/c/d"\n \xff') +
            section(1, types) + section(2, imp) + section(3, funcs) + section(4, table) + section(5, mem) +
            section(6, glob) + section(7, exp) + section(9, elem) + section(12, uleb(3)) + section(10, code) +
            section(11, data) + custom("producers", producers) + custom("name", names))


def wasip1_module():
    types = vec([b"\x60\x04\x7f\x7f\x7f\x7f\x01\x7f", b"\x60\x00\x00"])
    imp = vec([name("wasi_snapshot_preview1") + name("fd_write") + b"\x00\x00"])
    body = b"\x00\x41\x01\x41\x00\x41\x00\x41\x00\x10\x00\x1a\x0b"
    producers = vec([name("language") + vec([name("Go") + name("go1.21.0")])])
    return (b"\0asm\x01\0\0\0" + section(1, types) + section(2, imp) + section(3, vec([uleb(1)])) +
            section(5, vec([b"\x00\x01"])) + section(7, vec([name("_start") + b"\x00\x01", name("memory") + b"\x02\x00"])) +
            section(10, vec([uleb(len(body)) + body])) + custom("producers", producers))


def tinygo_module():
    types = vec([b"\x60\x03\x7f\x7f\x7f\x00", b"\x60\x00\x00"])
    imp = vec([name("gojs") + name("syscall/js.valueGet") + b"\x00\x00",
               name("wasi_snapshot_preview1") + name("fd_write") + b"\x00\x00"])
    body = b"\x00\xfc\x00\x1a\x41\x00\x41\x00\x41\x00\xfc\x0b\x00\x41\x00\xc0\x1a\x0b"
    body = b"\x00\x43\x00\x00\x80\x3f\xfc\x00\x1a\x41\x00\x41\x00\x41\x00\xfc\x0b\x00\x41\x00\xc0\x1a\x0b"
    return (b"\0asm\x01\0\0\0" + section(1, types) + section(2, imp) + section(3, vec([uleb(1)])) +
            section(5, vec([b"\x00\x01"])) +
            section(7, vec([name("_start") + b"\x00\x02", name("asyncify_start_unwind") + b"\x00\x02"])) +
            section(10, vec([uleb(len(body)) + body])))


def fixture_prefixes(path, inspect):
    out = []
    r = subprocess.run([inspect, "--json", path], capture_output=True)
    if r.returncode != 0:
        return out
    data = open(path, "rb").read()
    for s in json.loads(r.stdout)["sections"]:
        end = s["payload_offset"] + s["size"]
        if end <= 65536:
            out.append(data[:end])
        else:
            out.append(data[:s["payload_offset"] + min(s["size"], 4096)])
    return out


def pclntab_modules():
    """Synthetic Go modules with a pclntab in each format, intact and with
    single fields broken (see tests/integration/pclnsynth.py)."""
    out = []
    for fmt in ("1.2", "1.16", "1.18", "1.20"):
        m = pclnsynth.build(fmt)
        out.append(m.data)
        out.append(pclnsynth.patch(m, "inl0.parentPc", "i", 2))
        out.append(pclnsynth.patch(m, "func1.pcln", "I", 0x7FFFFFF0))
        out.append(pclnsynth.patch(m, "magic", "I", 0xFFFFFFFB if fmt != "1.2" else 0xFFFFFFF1))
    # Decoy headers before the real table, one with a consistent moduledata.
    out.append(pclnsynth.build("1.20", decoys=3, decoy_moduledata=True).data)
    out.append(pclnsynth.build("1.2", decoys=3, decoy_moduledata=True).data)
    return out


def bundles(tmp):
    """Small bundles written by gowasm-pack around the synthetic modules,
    for the verify harness (GOWASM_FUZZ_SEEDS=bundles)."""
    pack = os.environ.get("GOWASM_PACK")
    cache = os.environ.get("GOWASM_NPM_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "gowasm", "npm")
    glues = ["/usr/lib/go-1.19/misc/wasm/wasm_exec.js",
             os.path.join(cache, "esbuild-wasm@0.28.2", "node_modules", "esbuild-wasm", "wasm_exec.js")]
    out = []
    for i, m in enumerate([go_js_module(), go_js_module("gojs", "go1.22.3")]):
        glue = glues[i]
        src = os.path.join(tmp, f"seed{i}.wasm")
        with open(src, "wb") as f:
            f.write(m)
        for extra in ([], ["--gzip"], ["--no-check"], ["--brotli", "--brotli-quality", "1"], ["--target", "node"],
                      ["--name", "@scope/seed", "--pkg-version", "1.2.3-rc.1"], ["--gzip", "--brotli-quality", "0"]):
            dst = os.path.join(tmp, f"seed{i}.zip")
            r = subprocess.run([pack, "-q", "--allow-findings", src, "--glue", glue, "-o", dst] + extra,
                               capture_output=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
            if r.returncode == 0:
                out.append(open(dst, "rb").read())
            else:
                print(r.stderr.decode(errors="replace"), file=sys.stderr)
        # The .tgz of an npm package folder, laid out as npm pack does
        # (ustar, files under package/).
        npm = os.path.join(tmp, f"seed{i}-npm")
        r = subprocess.run([pack, "-q", src, "--glue", glue, "--npm", npm], capture_output=True,
                           env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        if r.returncode == 0:
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.USTAR_FORMAT) as tf:
                for name_ in sorted(os.listdir(npm)):
                    tf.add(os.path.join(npm, name_), arcname="package/" + name_)
            out.append(buf.getvalue())
            shutil.rmtree(npm)
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    if os.environ.get("GOWASM_FUZZ_SEEDS") == "bundles":
        seeds = bundles(outdir)
        for name_ in os.listdir(outdir):
            if name_.startswith("seed"):
                os.unlink(os.path.join(outdir, name_))
        for s in seeds:
            with open(os.path.join(outdir, hashlib.sha1(s).hexdigest()), "wb") as f:
                f.write(s)
        print(f"{len(seeds)} seeds")
        return
    seeds = [go_js_module(), go_js_module("gojs", "go1.22.3"), wasip1_module(), tinygo_module()]
    seeds += pclntab_modules()
    inspect = os.environ.get("GOWASM_INSPECT")
    fixtures = os.environ.get("GOWASM_FIXTURES")
    paths = sys.argv[2:]
    if fixtures:
        paths += [os.path.join(fixtures, f) for f in sorted(os.listdir(fixtures)) if f.endswith(".wasm")]
    for p in paths:
        if inspect and os.path.exists(p):
            seeds += fixture_prefixes(p, inspect)
    for s in seeds:
        with open(os.path.join(outdir, hashlib.sha1(s).hexdigest()), "wb") as f:
            f.write(s)
    print(f"{len(seeds)} seeds")


main()
