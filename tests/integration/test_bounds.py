# SPDX-License-Identifier: MIT
"""Resource bounds of the reader (issue 10, item 22), on synthetic
modules: memory is bounded by the input size with the factor the man
pages document (gowasm-inspect(1), FILES AND LIMITS), time stays
proportional, and no allocation comes from a count the module declares
beyond what its bytes could hold. Peak RSS is the child's own
(ru_maxrss from wait4)."""
import os
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import pclnsynth  # noqa: E402
from tap import ok, eq, env_path, INSPECT, CHECK  # noqa: E402

# The documented bound: peak RSS <= FACTOR * input size + BASE.
FACTOR = 96
BASE = 32 << 20
BATCH = env_path("GOWASM_BATCH")
tmp = tempfile.mkdtemp(prefix="gowasm-bounds-")


leb = pclnsynth.uleb


def sec(i, payload):
    return bytes([i]) + leb(len(payload)) + payload


def vec(items):
    return leb(len(items)) + b"".join(items)


def name(s):
    return leb(len(s)) + s


HDR = b"\0asm\x01\0\0\0"
TYPES = sec(1, vec([b"\x60\x00\x00", b"\x60\x01\x7f\x00"]))
GO_MARKS = sec(0, name(b"producers") + vec([name(b"language") + vec([name(b"Go") + name(b"go1.19.8")])]))
GO_IMPORTS = sec(2, vec([name(b"go") + name(b"runtime.wasmExit") + b"\x00\x01",
                         name(b"go") + name(b"syscall/js.valueGet") + b"\x00\x01"]))


def many_funcs(n):
    return HDR + TYPES + sec(3, vec([b"\x00"] * n)) + sec(10, vec([b"\x02\x00\x0b"] * n))


def many_imports(n):
    return HDR + TYPES + sec(2, vec([name(b"a") + name(b"b") + b"\x00\x00"] * n))


def many_exports(n):
    return (HDR + TYPES + sec(3, vec([b"\x00"])) + sec(7, vec([name(str(i).encode()) + b"\x00\x00" for i in range(n)])) +
            sec(10, vec([b"\x02\x00\x0b"])))


def many_datas(n):
    return HDR + sec(5, vec([b"\x00\x01"])) + sec(11, vec([b"\x00\x41" + pclnsynth.sleb(i * 2 % 60000) + b"\x0b\x01\x07"
                                                            for i in range(n)]))


def many_calls(n):
    body = b"\x00" + b"\x10\x00" * n + b"\x0b"
    return HDR + TYPES + sec(3, vec([b"\x00"])) + sec(10, vec([leb(len(body)) + body]))


def many_names(n):
    sub = vec([leb(i) + name(b"f") for i in range(n)])
    return many_funcs(n) + sec(0, name(b"name") + b"\x01" + leb(len(sub)) + sub)


def go_funcs(n):
    """Go-looking (producers, go imports): the Go analyses run too."""
    body = b"\x00\x41\x00\x10\x01\x0b"  # i32.const 0; call syscall/js.valueGet
    return (HDR + TYPES + GO_IMPORTS + sec(3, vec([b"\x00"] * n)) + sec(5, vec([b"\x00\x01"])) +
            sec(10, vec([leb(len(body)) + body] * n)) + GO_MARKS)


def peak(argv):
    """Exit status, peak RSS in bytes and seconds of one run. Measured by
    GNU time, which forks the tool from its own small process: a child of
    this Python process would inherit Python's peak in ru_maxrss."""
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "\n%M %x", "-o", os.path.join(tmp, "time.out")] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    secs = time.monotonic() - t0
    kib, code = open(os.path.join(tmp, "time.out")).read().split()[-2:]
    return int(code) if r.returncode == int(code) else r.returncode, int(kib) * 1024, secs, r.stderr


# Item 22: memory bounded by the input size, on modules made of the
# smallest entries each kind of record allows (1-2 MB each).
N = int(os.environ.get("GOWASM_BOUNDS_N", "200000"))
for kind, make in (("functions", many_funcs), ("imports", many_imports), ("exports", many_exports),
                   ("data segments", many_datas), ("call instructions", many_calls), ("function names", many_names),
                   ("Go-looking functions", go_funcs)):
    path = os.path.join(tmp, kind.replace(" ", "-") + ".wasm")
    with open(path, "wb") as f:
        f.write(make(N))
    size = os.path.getsize(path)
    for tool, argv in (("inspect", [INSPECT, "--functions", path]),
                       ("inspect --json", [INSPECT, "--json", "--functions", "--segments", path]),
                       ("check", [CHECK, "--format", "sarif", path])):
        rc, rss, secs, err = peak(argv)
        ok(rc in (0, 1, 2), f"item 22: {tool} on {N} {kind} ({size} bytes) exits 0, 1 or 2", err[:300])
        ok(rss <= FACTOR * size + BASE,
           f"item 22: {tool} on {N} {kind}: peak RSS within {FACTOR} x input + {BASE >> 20} MiB",
           f"{rss >> 20} MiB for {size} bytes ({rss / size:.1f} x)")
        print(f"# {tool}, {kind}: {size} bytes, exit {rc}, peak RSS {rss / 2**20:.1f} MiB ({rss / size:.1f} x), {secs:.2f} s")

# 16M empty custom sections took 3.5 GB and 46 s: sections are capped.
path = os.path.join(tmp, "custom.wasm")
with open(path, "wb") as f:
    f.write(HDR + b"\x00\x01\x00" * 1000000)
for tool in (INSPECT, CHECK):
    rc, rss, secs, err = peak([tool, path])
    ok(rc == 2 and b"more than 4096 sections" in err and err.count(b"\n") == 1,
       f"item 22: {os.path.basename(tool)}: 1M empty custom sections refused with one line", err)
    ok(rss < 64 << 20 and secs < 10, f"item 22: {os.path.basename(tool)}: ... under 64 MiB and 10 s",
       f"{rss >> 20} MiB, {secs:.1f} s")
with open(path, "wb") as f:
    f.write(HDR + b"\x00\x01\x00" * 4096)
rc, rss, secs, err = peak([INSPECT, path])
eq(rc, 0, "item 22: 4096 custom sections are still read", err)

# A 1 KiB Go-shaped module whose runtime.firstmoduledata claims a
# pclntab of 255 MiB (and whose memory is large enough to hold it) made
# every tool allocate and clear 257 MB: never allocate more than the
# module's data could hold.
m = pclnsynth.build("1.20")
b = bytearray(m.data)
for word in (14, 15):  # the pclntable slice's length and capacity
    struct.pack_into("<Q", b, m.at["moduledata"] + word * 8, 255 << 20)


def with_memory_pages(data, pages):
    """The module with its memory section's minimum set to pages."""
    out, pos = bytearray(data[:8]), 8
    while pos < len(data):
        sid = data[pos]
        size, k, shift = 0, pos + 1, 0
        while True:
            byte = data[k]
            size |= (byte & 0x7F) << shift
            k += 1
            shift += 7
            if not byte & 0x80:
                break
        payload = data[k:k + size]
        if sid == 5:
            payload = vec([b"\x00" + leb(pages)])
        out += sec(sid, bytes(payload))
        pos = k + size
    return bytes(out)


liar = os.path.join(tmp, "pclntab-liar.wasm")
with open(liar, "wb") as f:
    f.write(with_memory_pages(bytes(b), 8192))
size = os.path.getsize(liar)
for tool, argv in (("inspect", [INSPECT, liar]), ("check", [CHECK, liar]), ("batch", [BATCH, "-n", liar])):
    rc, rss, secs, err = peak(argv)
    ok(rc in (0, 1, 2), f"item 22: {tool} on a {size}-byte module claiming a 255 MiB pclntab exits 0, 1 or 2", err)
    ok(rss < 64 << 20, f"item 22: {tool} on a {size}-byte module claiming a 255 MiB pclntab stays under 64 MiB",
       f"{rss >> 20} MiB")
r = subprocess.run([INSPECT, liar], capture_output=True)
ok(b"larger than the module's" in r.stdout + r.stderr, "item 22: the lie is reported", r.stdout + r.stderr)
