"""Truncated and corrupted modules never crash gowasm-inspect or
gowasm-check (on esbuild.wasm, every eighth flip only, for time): every
fixture cut at 64 evenly spaced lengths, and with bytes flipped at 256
positions, exits 0 or 2 (with a one-line message) and nothing else.
gowasm-batch runs on the same cuts and flips of a few small fixtures
(BATCH_FIXTURES): as a dry run with -o, and for real on the intact module
and on the first flipped ones it accepts; exit 0 or 2 with one line, and
no output file (nor temporary file) unless it exits 0 and writes.
tests/run.sh runs this suite in the ASan+UBSan build, where a memory
error, undefined behaviour or a leak changes the exit status."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, all_fixtures, run, env_path, INSPECT, CHECK  # noqa: E402

ARGS = ["--json", "--functions", "--segments", "--calls", "syscall/js.Value.Set"]
BATCH = env_path("GOWASM_BATCH")
BATCH_FIXTURES = ("hello", "hello-stripped", "bridge")
BATCH_WRITES = 2  # real rewrites of flipped modules per fixture, besides the intact one
tmpdir = tempfile.mkdtemp(prefix="gowasm-robust-")
batch_dir = os.path.join(tmpdir, "batch-out")
os.mkdir(batch_dir)


def check(path, what, failures, with_check=False):
    r = run([INSPECT] + ARGS + [path], timeout=120)
    err = r.stderr.decode(errors="replace")
    good = r.returncode == 0 or (r.returncode == 2 and err.count("\n") == 1 and err.startswith("gowasm-inspect: "))
    if not good:
        failures.append(f"{what}: exit {r.returncode}: {err[:600]}")
    if with_check:
        # gowasm-check: 0 or 1 with a report, or 2 with one line.
        c = run([CHECK, "--format", "sarif", "--target", "browser", path], timeout=120)
        cerr = c.stderr.decode(errors="replace")
        if not (c.returncode in (0, 1) or (c.returncode == 2 and cerr.count("\n") == 1 and cerr.startswith("gowasm-check: "))):
            failures.append(f"{what}: gowasm-check exit {c.returncode}: {cerr[:600]}")
    return r.returncode


def check_batch(path, what, failures, write=False):
    """gowasm-batch: 0, or 2 with one line; a file in batch_dir only after
    a real write that exits 0."""
    out = os.path.join(batch_dir, "out.wasm")
    if os.path.exists(out):
        os.unlink(out)
    args = [BATCH, "-q", path, "-o", out] if write else [BATCH, "-n", "-q", path, "-o", out]
    r = run(args, timeout=300)
    err = r.stderr.decode(errors="replace")
    mode = "write" if write else "dry run"
    if not (r.returncode == 0 or (r.returncode == 2 and err.count("\n") == 1 and err.startswith("gowasm-batch: "))):
        failures.append(f"{what}: gowasm-batch ({mode}) exit {r.returncode}: {err[:600]}")
    elif "a bug" in err:
        failures.append(f"{what}: gowasm-batch ({mode}) reports a bug of its own: {err[:600]}")
    elif r.returncode == 0 and err:
        failures.append(f"{what}: gowasm-batch ({mode}) exit 0 with a message: {err[:600]}")
    left = sorted(os.listdir(batch_dir))
    want = ["out.wasm"] if write and r.returncode == 0 else []
    if left != want:
        failures.append(f"{what}: gowasm-batch ({mode}) exit {r.returncode} left {left}, expected {want}")
    elif want and not open(out, "rb").read(8) == b"\0asm\x01\0\0\0":
        failures.append(f"{what}: gowasm-batch wrote something that is not a module")
    if os.path.exists(out):
        os.unlink(out)
    return r.returncode


def sections(path):
    r = run([INSPECT, "--json", path])
    if r.returncode != 0:
        return []
    return json.loads(r.stdout)["sections"]


for name, src in all_fixtures():
    size = os.path.getsize(src)
    work = os.path.join(tmpdir, name + ".wasm")
    shutil.copyfile(src, work)

    # Truncations, longest first, so one copy can be cut shorter each time.
    secs = sections(src)
    # A cut exactly at the end of a section (after the custom and data
    # sections Go writes last) can leave a valid module; any other cut is
    # malformed.
    boundaries = {s["payload_offset"] + s["size"] for s in secs}
    failures, wrong, bfailures = [], [], []
    with_batch = name in BATCH_FIXTURES
    if with_batch:
        eq(check_batch(work, "intact", bfailures, write=True), 0, f"{name}: gowasm-batch rewrites the intact module")
    lengths = sorted({k * size // 64 for k in range(64)}, reverse=True)
    for n in lengths:
        os.truncate(work, n)
        c = check(work, f"truncated to {n}", failures, with_check=name != "esbuild")
        if c == 0 and n not in boundaries:
            wrong.append(f"truncated to {n}: accepted")
        if with_batch:
            check_batch(work, f"truncated to {n}", bfailures)
    eq(len(lengths), 64, f"{name}: 64 distinct truncation lengths")
    ok(not failures, f"{name}: truncations exit 0 or 2 with one line", "\n".join(failures[:5]))
    ok(not wrong, f"{name}: every truncation inside a section is reported as malformed", "\n".join(wrong[:5]))
    if with_batch:
        ok(not bfailures, f"{name}: gowasm-batch on truncations exits 0 or 2 with one line, no partial output",
           "\n".join(bfailures[:5]))

    # Byte flips: spread over the file, over the header area, and on the
    # section boundaries where the structure lives.
    shutil.copyfile(src, work)
    starts = [s["offset"] for s in secs]
    positions = [k * size // 128 for k in range(128)]
    positions += [8 + k * min(size - 8, 0x400) // 64 for k in range(64)]
    near = [s + d for s in starts for d in range(-2, 6) if 0 <= s + d < size]
    positions += [near[k * len(near) // 64] for k in range(64)] if near else []
    positions = positions[:256]
    failures, codes, bfailures, bcodes, writes = [], {}, [], {}, 0
    with open(work, "r+b") as f:
        for i, pos in enumerate(positions):
            f.seek(pos)
            orig = f.read(1)
            flip = bytes([orig[0] ^ (0xff, 0x80, 0x01, 0x7f)[i % 4]])
            f.seek(pos)
            f.write(flip)
            f.flush()
            c = check(work, f"byte {pos} flipped", failures, with_check=name != "esbuild" or i % 8 == 0)
            codes[c] = codes.get(c, 0) + 1
            if with_batch:
                b = check_batch(work, f"byte {pos} flipped", bfailures)
                bcodes[b] = bcodes.get(b, 0) + 1
                if b == 0 and writes < BATCH_WRITES:
                    writes += 1
                    check_batch(work, f"byte {pos} flipped", bfailures, write=True)
            f.seek(pos)
            f.write(orig)
            f.flush()
    eq(len(positions), 256, f"{name}: 256 flip positions")
    ok(not failures, f"{name}: flipped bytes exit 0 or 2 with one line", "\n".join(failures[:5]))
    ok(codes.get(2, 0) > 0, f"{name}: some flips are detected as malformed", codes)
    print(f"# {name}: flips exit codes {codes}")
    if with_batch:
        ok(not bfailures, f"{name}: gowasm-batch on flipped bytes exits 0 or 2 with one line, no partial output",
           "\n".join(bfailures[:5]))
        ok(bcodes.get(2, 0) > 0, f"{name}: gowasm-batch refuses some flipped modules", bcodes)
        print(f"# {name}: gowasm-batch flips exit codes {bcodes}, {writes} rewritten")

shutil.rmtree(tmpdir, ignore_errors=True)
