# SPDX-License-Identifier: MIT
"""Truncated and corrupted modules never crash gowasm-inspect or
gowasm-check: every fixture cut at up to 64 evenly spaced lengths, and
with bytes flipped at up to 256 positions, exits 0 or 2 (with a one-line
message) and nothing else (on esbuild.wasm gowasm-check runs on every
eighth flip only). gowasm-batch runs on the same cuts and flips of a few
small fixtures (BATCH_FIXTURES): as a dry run with -o, and for real on
the intact module and on the first flipped ones it accepts; exit 0 or 2
with one line, and no output file (nor temporary file) unless it exits 0
and writes. tests/run.sh runs this suite in the ASan+UBSan build, where a
memory error, undefined behaviour or a leak changes the exit status.

The work is sized by a time budget, GOWASM_TEST_BUDGET seconds (default
DEFAULT_BUDGET), so that the suite ends in time on a slow or loaded
machine (issue 10, item 24): every fixture first gets MIN_CUTS cuts and
MIN_FLIPS flips whatever the budget; then rounds of more cuts and flips,
each round over every fixture, run while the budget lasts. Positions are
taken in a fixed coarse-to-fine order (evenly spread at every stage), so
a run is deterministic for a given amount of work. What the budget cut is
printed as a TAP comment ("# cut: ..."), which tests/summary.py repeats."""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, all_fixtures, run, env_path, INSPECT, CHECK  # noqa: E402

ARGS = ["--json", "--functions", "--segments", "--calls", "syscall/js.Value.Set"]
BATCH = env_path("GOWASM_BATCH")
BATCH_FIXTURES = ("hello", "hello-stripped", "bridge")
BATCH_WRITES = 2  # real rewrites of flipped modules per fixture, besides the intact one
CUTS, FLIPS = 64, 256          # the full work per fixture
MIN_CUTS, MIN_FLIPS = 2, 8     # done whatever the budget
ROUND_CUTS, ROUND_FLIPS = 2, 8
DEFAULT_BUDGET = 300
budget = float(os.environ.get("GOWASM_TEST_BUDGET") or DEFAULT_BUDGET)
started = time.monotonic()
tmpdir = tempfile.mkdtemp(prefix="gowasm-robust-")
batch_dir = os.path.join(tmpdir, "batch-out")
os.mkdir(batch_dir)


def check(path, what, failures, with_check=False):
    r = run([INSPECT] + ARGS + [path], timeout=300)
    err = r.stderr.decode(errors="replace")
    good = r.returncode == 0 or (r.returncode == 2 and err.count("\n") == 1 and err.startswith("gowasm-inspect: "))
    if not good:
        failures.append(f"{what}: exit {r.returncode}: {err[:600]}")
    if with_check:
        # gowasm-check: 0 or 1 with a report, or 2 with one line.
        c = run([CHECK, "--format", "sarif", "--target", "browser", path], timeout=300)
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
    r = run(args, timeout=600)
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


def coarse_to_fine(items):
    """items reordered so that every prefix is spread over the whole list:
    0, n/2, n/4, 3n/4, ... (bit-reversed indices), duplicates dropped."""
    n = len(items)
    bits = max(1, (n - 1).bit_length())
    order = sorted(range(1 << bits), key=lambda i: int(format(i, f"0{bits}b")[::-1], 2))
    seen, out = set(), []
    for i in order:
        if i < n and items[i] not in seen:
            seen.add(items[i])
            out.append(items[i])
    return out


class Fixture:
    def __init__(self, name, src):
        self.name, self.src = name, src
        self.data = open(src, "rb").read()
        self.size = len(self.data)
        self.work = os.path.join(tmpdir, name + ".wasm")
        secs = sections(src)
        # A cut exactly at the end of a section (after the custom and data
        # sections Go writes last) can leave a valid module; any other cut
        # is malformed.
        self.boundaries = {s["payload_offset"] + s["size"] for s in secs}
        self.cuts = coarse_to_fine(sorted({k * self.size // CUTS for k in range(CUTS)}))
        # Byte flips: spread over the file, over the header area, and on
        # the section boundaries where the structure lives.
        starts = [s["offset"] for s in secs]
        positions = [k * self.size // 128 for k in range(128)]
        positions += [8 + k * min(self.size - 8, 0x400) // 64 for k in range(64)]
        near = [s + d for s in starts for d in range(-2, 6) if 0 <= s + d < self.size]
        positions += [near[k * len(near) // 64] for k in range(64)] if near else []
        # (index in the full list, position): the index chooses the mask
        # and whether gowasm-check runs, as in a full run.
        self.flips = coarse_to_fine(list(enumerate(positions[:FLIPS])))
        self.batch = name in BATCH_FIXTURES
        self.done_cuts = self.done_flips = 0
        self.failures, self.wrong, self.bfailures = [], [], []
        self.codes, self.bcodes, self.writes = {}, {}, 0

    def cut(self, n):
        with open(self.work, "wb") as f:
            f.write(self.data[:n])
        c = check(self.work, f"truncated to {n}", self.failures, with_check=self.name != "esbuild")
        if c == 0 and n not in self.boundaries:
            self.wrong.append(f"truncated to {n}: accepted")
        if self.batch:
            check_batch(self.work, f"truncated to {n}", self.bfailures)
        self.done_cuts += 1

    def flip(self, i, pos):
        b = bytearray(self.data)
        b[pos] ^= (0xff, 0x80, 0x01, 0x7f)[i % 4]
        with open(self.work, "wb") as f:
            f.write(b)
        c = check(self.work, f"byte {pos} flipped", self.failures, with_check=self.name != "esbuild" or i % 8 == 0)
        self.codes[c] = self.codes.get(c, 0) + 1
        if self.batch:
            r = check_batch(self.work, f"byte {pos} flipped", self.bfailures)
            self.bcodes[r] = self.bcodes.get(r, 0) + 1
            if r == 0 and self.writes < BATCH_WRITES:
                self.writes += 1
                check_batch(self.work, f"byte {pos} flipped", self.bfailures, write=True)
        self.done_flips += 1

    def step(self, cuts, flips):
        for n in self.cuts[self.done_cuts:self.done_cuts + cuts]:
            self.cut(n)
        for i, pos in self.flips[self.done_flips:self.done_flips + flips]:
            self.flip(i, pos)

    def complete(self):
        return self.done_cuts == len(self.cuts) and self.done_flips == len(self.flips)


fixtures = [Fixture(n, s) for n, s in all_fixtures()]
for fx in fixtures:
    eq(len(fx.cuts), CUTS, f"{fx.name}: {CUTS} distinct truncation lengths planned")
    eq(len(fx.flips), FLIPS, f"{fx.name}: {FLIPS} flip positions planned")
    if fx.batch:
        shutil.copyfile(fx.src, fx.work)
        eq(check_batch(fx.work, "intact", fx.bfailures, write=True), 0,
           f"{fx.name}: gowasm-batch rewrites the intact module")

# The minimum for every fixture, then rounds while the budget lasts. A
# round is only started when the slowest round so far still fits.
for fx in fixtures:
    fx.step(MIN_CUTS, MIN_FLIPS)
slowest = time.monotonic() - started
rounds = 0
while not all(fx.complete() for fx in fixtures):
    t0 = time.monotonic()
    if t0 - started + slowest > budget:
        break
    for fx in fixtures:
        fx.step(ROUND_CUTS, ROUND_FLIPS)
    rounds += 1
    slowest = max(slowest, time.monotonic() - t0)

for fx in fixtures:
    name = fx.name
    ok(fx.done_cuts >= MIN_CUTS and fx.done_flips >= MIN_FLIPS,
       f"{name}: at least {MIN_CUTS} truncations and {MIN_FLIPS} flips ran", (fx.done_cuts, fx.done_flips))
    ok(not fx.failures, f"{name}: truncations and flipped bytes exit 0 or 2 with one line",
       "\n".join(fx.failures[:5]))
    ok(not fx.wrong, f"{name}: every truncation inside a section is reported as malformed", "\n".join(fx.wrong[:5]))
    ok(fx.codes.get(2, 0) > 0, f"{name}: some flips are detected as malformed", fx.codes)
    print(f"# {name}: {fx.done_cuts} truncations, {fx.done_flips} flips, exit codes {fx.codes}")
    if fx.batch:
        ok(not fx.bfailures, f"{name}: gowasm-batch on truncations and flips exits 0 or 2 with one line, "
           "no partial output", "\n".join(fx.bfailures[:5]))
        ok(fx.bcodes.get(2, 0) > 0, f"{name}: gowasm-batch refuses some flipped modules", fx.bcodes)
        print(f"# {name}: gowasm-batch flips exit codes {fx.bcodes}, {fx.writes} rewritten")

elapsed = time.monotonic() - started
cut = [f"{fx.name} {len(fx.cuts) - fx.done_cuts} truncations and {len(fx.flips) - fx.done_flips} flips"
       for fx in fixtures if not fx.complete()]
print(f"# budget {budget:.0f} s (GOWASM_TEST_BUDGET), used {elapsed:.0f} s: minimum plus {rounds} rounds")
if cut:
    print(f"# cut: robust: {'; '.join(cut)} not run within the {budget:.0f} s budget")
else:
    print("# cut: robust: nothing, every fixture fully covered")
shutil.rmtree(tmpdir, ignore_errors=True)
