# SPDX-License-Identifier: MIT
"""gowasm-inspect as a Makefile sees it: options, exit codes, one-line
errors naming the file, atomic output, inputs never modified."""
import os
import stat
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, run, sha256, INSPECT  # noqa: E402

r = run([INSPECT, "--help"])
eq(r.returncode, 0, "--help exits 0")
out = r.stdout.decode()
ok(out.startswith("Usage: gowasm-inspect"), "--help starts with usage", out[:200])
ok("Examples:" in out and "--json" in out and "Exit status" in out, "--help lists options, exit status, examples")

r = run([INSPECT, "--version"])
eq(r.returncode, 0, "--version exits 0")
ok(r.stdout.decode().startswith("gowasm-inspect (gowasm) "), "--version banner", r.stdout)

for args, what in (([], "no input file"), (["--bogus", "x.wasm"], "unknown option"),
                   (["a.wasm", "b.wasm"], "only one input file"), (["-o"], "needs an argument")):
    r = run([INSPECT] + args)
    eq(r.returncode, 2, f"usage error exits 2: {what}")
    ok(what in r.stderr.decode() and r.stdout == b"", f"usage error says {what!r} on stderr", r.stderr)

tmp = tempfile.mkdtemp(prefix="gowasm-cli-")


def one_line_error(path, what, name):
    r = run([INSPECT, path])
    eq(r.returncode, 2, f"{name}: exit 2")
    err = r.stderr.decode()
    ok(err.count("\n") == 1 and err.startswith(f"gowasm-inspect: {path}: ") and what in err,
       f"{name}: one line naming the file and saying {what!r}", err)
    eq(r.stdout, b"", f"{name}: nothing on stdout")


one_line_error(os.path.join(tmp, "missing.wasm"), "cannot open", "missing file")
one_line_error(tmp, "is a directory", "directory")
empty = os.path.join(tmp, "empty.wasm")
open(empty, "wb").close()
one_line_error(empty, "not a WebAssembly module", "empty file")
text = os.path.join(tmp, "text.wasm")
with open(text, "w") as f:
    f.write("this is not wasm\n")
one_line_error(text, "not a WebAssembly module", "text file")
badver = os.path.join(tmp, "badver.wasm")
with open(badver, "wb") as f:
    f.write(b"\0asm\x02\0\0\0")
one_line_error(badver, "version 2", "wrong version")

# A hostile name with a terminal escape sequence is escaped in diagnostics.
hostile = os.path.join(tmp, "hostile.wasm")
name = b"\x1b[31mred"
# export section referencing a function that does not exist
with open(hostile, "wb") as f:
    body = bytes([1]) + bytes([len(name)]) + name + bytes([0, 5])
    f.write(b"\0asm\x01\0\0\0" + bytes([7, len(body)]) + body)
r = run([INSPECT, hostile])
eq(r.returncode, 2, "hostile export: exit 2")
ok(b"\x1b" not in r.stderr and b"\\x1b[31mred" in r.stderr, "control bytes are escaped in the message", r.stderr)

# -o writes atomically; the input is never modified.
src = go_fixture("hello")
before = sha256(src)
mode_before = os.stat(src).st_mode
out_json = os.path.join(tmp, "report.json")
r = run([INSPECT, "--json", "-o", out_json, src])
eq(r.returncode, 0, "-o: exit 0")
eq(r.stdout, b"", "-o: nothing on stdout")
ok(os.path.exists(out_json) and open(out_json).read().startswith("{"), "-o: report written")
eq(sorted(os.listdir(tmp)).count("report.json"), 1, "-o: no temporary file left behind")
ok(not [n for n in os.listdir(tmp) if ".tmp." in n], "-o: no .tmp. files left")
eq(sha256(src), before, "input unchanged after inspect")
eq(os.stat(src).st_mode, mode_before, "input mode unchanged")

# A failing run never replaces an existing output.
with open(out_json, "w") as f:
    f.write("previous")
r = run([INSPECT, "--json", "-o", out_json, text])
eq(r.returncode, 2, "-o with bad input: exit 2")
eq(open(out_json).read(), "previous", "-o with bad input: existing output kept")
r = run([INSPECT, "-o", os.path.join(tmp, "no", "such", "dir.txt"), src])
eq(r.returncode, 2, "-o into a missing folder: exit 2")
ok("cannot create" in r.stderr.decode(), "-o into a missing folder: says so", r.stderr)

# Output permissions follow the umask like any ordinary file.
m = stat.S_IMODE(os.stat(out_json).st_mode)
r = run([INSPECT, "-o", out_json, src])
m2 = stat.S_IMODE(os.stat(out_json).st_mode)
ok(m2 & 0o044 == 0o044 or m2 == m, "-o output is not left 0600", oct(m2))

# Text and JSON agree on the basics.
r1 = run([INSPECT, src])
r2 = run([INSPECT, "--json", src])
ok(r1.returncode == 0 and r2.returncode == 0, "text and json both exit 0")
ok(b"go1.19.8" in r1.stdout and b'"go_version": "go1.19.8"' in r2.stdout, "both report go1.19.8")

# ---------------------------------------------------------------------------
# Every tool: hostile paths and signals (issue 10, items 16-21).
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from tap import env_path, esbuild_wasm  # noqa: E402

CHECK = env_path("GOWASM_CHECK")
BATCH = env_path("GOWASM_BATCH")
PACK = env_path("GOWASM_PACK")
VERIFY = env_path("GOWASM_VERIFY")
GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
work = tempfile.mkdtemp(prefix="gowasm-cli-items-")
app = os.path.join(work, "app.wasm")
with open(src, "rb") as f_in, open(app, "wb") as f_out:
    f_out.write(f_in.read())
glue = os.path.join(work, "wasm_exec.js")
with open(GLUE, "rb") as f_in, open(glue, "wb") as f_out:
    f_out.write(f_in.read())
bundle = os.path.join(work, "app.zip")
r = run([PACK, "-q", "--glue", glue, app, "-o", bundle])
eq(r.returncode, 0, "a bundle to verify", r.stderr)
app_sum = sha256(app)


def leftovers(folder):
    return sorted(n for n in os.listdir(folder) if ".tmp." in n or ".tmp-" in n)


# Item 16: outputs that are not regular files are written in place, never
# replaced; a symbolic link stays a link and its target is replaced.
def writers(out):
    """Every tool and option that writes a file, writing to `out`."""
    return [("inspect -o", [INSPECT, "-o", out, app]),
            ("check -o", [CHECK, "--format", "json", "-o", out, app]),
            ("check --write-baseline", [CHECK, "--write-baseline", out, app]),
            ("batch -o", [BATCH, "-q", app, "-o", out]),
            ("pack -o", [PACK, "-q", "--glue", glue, app, "-o", out])]


devdir = os.path.join(work, "dev")
os.mkdir(devdir)
if os.geteuid() == 0:
    null = os.path.join(devdir, "null")
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    for what, argv in writers(null):
        r = run(argv)
        eq(r.returncode, 0, f"item 16: {what} /dev/null: exit 0", r.stderr)
        st = os.lstat(null)
        ok(stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3),
           f"item 16: {what} /dev/null leaves the device a device", oct(st.st_mode))
    ok(not leftovers(devdir), "item 16: no temporary file beside the device", leftovers(devdir))
else:
    print("# item 16: not root: the device-node part is covered by the FIFO and symlink parts")

fifo_out = os.path.join(devdir, "out.fifo")
os.mkfifo(fifo_out)
for what, argv in writers(fifo_out):
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo_out, "rb").read()))
    reader.start()
    r = run(argv, timeout=120)
    reader.join(30)
    eq(r.returncode, 0, f"item 16: {what} FIFO: exit 0", r.stderr)
    ok(stat.S_ISFIFO(os.lstat(fifo_out).st_mode), f"item 16: {what} FIFO stays a FIFO")
    ok(got and len(got[0]) > 0, f"item 16: {what} FIFO: the reader got the output")
ok(not leftovers(devdir), "item 16: no temporary file beside the FIFO", leftovers(devdir))

for what, argv in writers(os.path.join(devdir, "link")):
    target = os.path.join(devdir, "target")
    link = os.path.join(devdir, "link")
    for p in (target, link):
        if os.path.lexists(p):
            os.unlink(p)
    os.symlink("target", link)  # dangling: the target is created
    r = run(argv)
    eq(r.returncode, 0, f"item 16: {what} through a dangling symlink: exit 0", r.stderr)
    ok(os.path.islink(link) and os.readlink(link) == "target" and os.path.getsize(target) > 0,
       f"item 16: {what} keeps the symlink and writes its target")
    with open(target, "wb") as f:
        f.write(b"old")
    r = run(argv)
    ok(r.returncode == 0 and os.path.islink(link) and open(target, "rb").read() != b"old",
       f"item 16: {what} through a symlink replaces the target, not the link", r.stderr)
ok(not leftovers(devdir), "item 16: no temporary file beside the symlink", leftovers(devdir))
for p in (os.path.join(devdir, "target"), os.path.join(devdir, "link")):
    os.unlink(p)

# /dev/stdout: whatever standard output is (a pipe here) gets the report.
# (A link of our own to /proc/self/fd/1, like /dev/stdout: a tool without
# the fix would replace the machine's /dev/stdout.)
dev_stdout = os.path.join(devdir, "stdout")
os.symlink("/proc/self/fd/1", dev_stdout)
for what, argv in ((w, a) for w, a in writers(dev_stdout) if w in ("inspect -o", "check -o")):
    r = run(argv)
    ok(r.returncode == 0 and r.stdout.lstrip().startswith((b"/", b"{")), f"item 16: {what} /dev/stdout writes to the pipe",
       r.stdout[:100] + r.stderr)
# ... and when standard output is a file opened for appending, it is
# appended to, not replaced.
log = os.path.join(work, "log.txt")
with open(log, "wb") as f:
    f.write(b"first line\n")
with open(log, "ab") as f:
    r = subprocess.run([INSPECT, "-o", dev_stdout, app], stdout=f, stderr=subprocess.PIPE)
data = open(log, "rb").read()
ok(r.returncode == 0 and data.startswith(b"first line\n") and b"Go WebAssembly module" in data,
   "item 16: -o /dev/stdout appends to a file opened with >>", data[:100] + r.stderr)
ok(os.path.islink(dev_stdout) and sorted(os.listdir(devdir)) == sorted(["stdout", "out.fifo"] + (["null"] if os.geteuid() == 0 else [])),
   "item 16: the /dev/stdout link is still a link, nothing else appeared", os.listdir(devdir))

# Item 17: a FIFO as any input is refused at once, not waited on.
fifo_in = os.path.join(work, "in.fifo")
os.mkfifo(fifo_in)
for what, argv in (("inspect module", [INSPECT, fifo_in]),
                   ("check module", [CHECK, fifo_in]),
                   ("check --glue", [CHECK, "--glue", fifo_in, app]),
                   ("check --baseline", [CHECK, "--baseline", fifo_in, app]),
                   ("batch module", [BATCH, "-n", fifo_in]),
                   ("pack module", [PACK, "--glue", glue, fifo_in, "-o", os.path.join(work, "x.zip")]),
                   ("pack --glue", [PACK, "--glue", fifo_in, app, "-o", os.path.join(work, "x.zip")]),
                   ("verify bundle", [VERIFY, fifo_in])):
    try:
        r = run(argv, timeout=20)
        err = r.stderr.decode(errors="replace")
        ok(r.returncode == 2 and err.count("\n") == 1 and f"{fifo_in}: is a FIFO, not a regular file" in err,
           f"item 17: FIFO {what} refused (exit 2, one line)", f"exit {r.returncode}: {err}")
    except subprocess.TimeoutExpired:
        ok(False, f"item 17: FIFO {what} refused (exit 2, one line)", "hung for 20 s")
ok(not os.path.exists(os.path.join(work, "x.zip")), "item 17: nothing written after a refused FIFO")
r = run([INSPECT, "/dev/zero"], timeout=20)
ok(r.returncode == 2 and b"character device" in r.stderr, "item 17: a device as input is refused", r.stderr)

# Item 18: an output that names an input (directly, through a symlink or
# a hard link) is refused before anything runs; the input is unchanged.
os.symlink("app.wasm", os.path.join(work, "app-link.wasm"))
os.link(app, os.path.join(work, "app-hard.wasm"))
os.symlink("wasm_exec.js", os.path.join(work, "glue-link.js"))
baseline = os.path.join(work, "base.txt")
r = run([CHECK, "--write-baseline", baseline, app])
eq(r.returncode, 0, "item 18: a baseline to reuse", r.stderr)
base_sum = sha256(baseline)
glue_sum = sha256(glue)
for what, argv in (("inspect -o the module", [INSPECT, "-o", app, app]),
                   ("inspect -o a symlink to the module", [INSPECT, "-o", os.path.join(work, "app-link.wasm"), app]),
                   ("inspect -o a hard link to the module", [INSPECT, "-o", os.path.join(work, "app-hard.wasm"), app]),
                   ("check -o the module", [CHECK, "-o", app, app]),
                   ("check --write-baseline the glue", [CHECK, "--glue", glue, "--write-baseline", glue, app]),
                   ("check --write-baseline a symlink to the glue",
                    [CHECK, "--glue", glue, "--write-baseline", os.path.join(work, "glue-link.js"), app]),
                   ("check --write-baseline the baseline", [CHECK, "--baseline", baseline, "--write-baseline", baseline, app]),
                   ("check -o the baseline", [CHECK, "--baseline", baseline, "-o", baseline, app]),
                   ("check --write-baseline the module", [CHECK, "--write-baseline", app, app])):
    r = run(argv)
    err = r.stderr.decode(errors="replace")
    ok(r.returncode == 2 and "would replace the input" in err, f"item 18: {what} refused", f"exit {r.returncode}: {err}")
eq((sha256(app), sha256(glue), sha256(baseline)), (app_sum, glue_sum, base_sum), "item 18: inputs unchanged")
ok(os.path.islink(os.path.join(work, "app-link.wasm")), "item 18: the symlink is still a symlink")


# Item 19: SIGINT, SIGTERM and SIGHUP while a temporary file or folder
# exists remove it, and the tool dies of the signal. strace holds the tool
# for 1 s at the syscall that comes just before the rename into place
# (fsync of a file, rmdir of the empty npm folder it replaces), so the
# signal lands mid-write every time.
STRACE = shutil.which("strace")


def signalled_mid_write(argv, folder, held, sig):
    """Runs argv held at `held`; once a temporary shows in folder, sends
    sig to the tool. Returns (exit status as the shell sees it, seen)."""
    p = subprocess.Popen([STRACE, "-f", "-qq", "-o", "/dev/null", "-e", f"trace={held}", "-e",
                          f"inject={held}:delay_enter=1000000"] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    seen = False
    while p.poll() is None and time.monotonic() < deadline and not seen:
        seen = bool(leftovers(folder))
        if not seen:
            time.sleep(0.002)
    if seen:
        for task in os.listdir(f"/proc/{p.pid}/task"):
            for child in open(f"/proc/{p.pid}/task/{task}/children").read().split():
                os.kill(int(child), sig)
    rc = p.wait()
    return (128 - rc if rc < 0 else rc), seen


big = os.path.join(work, "big.wasm")
with open(esbuild_wasm(), "rb") as f_in, open(big, "wb") as f_out:
    f_out.write(f_in.read())
sigdir = os.path.join(work, "sig")
os.mkdir(sigdir)
if not STRACE:
    ok(False, "item 19: strace is installed (setup.sh --deps-only installs it)")
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    name = signal.Signals(sig).name
    for what, held, argv in (
            ("pack -o", "fsync", [PACK, "-q", "--no-check", "--glue", glue, app, "-o", os.path.join(sigdir, "b.zip")]),
            ("pack --npm", "rmdir", [PACK, "-q", "--no-check", "--glue", glue, app, "--npm", os.path.join(sigdir, "npm")]),
            ("inspect -o", "fsync", [INSPECT, "-o", os.path.join(sigdir, "r.txt"), app]),
            ("check --write-baseline", "fsync", [CHECK, "--write-baseline", os.path.join(sigdir, "b.txt"), app]),
            ("batch -o", "fsync", [BATCH, "-q", app, "-o", os.path.join(sigdir, "o.wasm")])):
        if not STRACE:
            break
        rc, seen = signalled_mid_write(argv, sigdir, held, sig)
        ok(seen and rc == 128 + sig, f"item 19: {what} stopped by {name} mid-write dies of {name}",
           f"temporary seen: {seen}, exit status {rc}")
        # A signal handled by another thread (gowasm-batch's Binaryen
        # workers, under strace) may come after the rename: the complete
        # output may then be there, but never a temporary.
        final = os.path.basename(argv[-1] if what != "inspect -o" and what != "check --write-baseline" else argv[2])
        eq([n for n in os.listdir(sigdir) if n != final], [],
           f"item 19: {what} stopped by {name} mid-write leaves no temporary file or folder")
        for n in os.listdir(sigdir):
            path = os.path.join(sigdir, n)
            shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)

# Item 20: a module truncated by another program while a tool reads it:
# exit 0 or 2 with one line, never SIGBUS. The truncation comes as soon
# as the file is seen open or mapped by the tool (gowasm-batch then reads
# it with wabt for about a second, so a mapping would be touched after).
trunc = os.path.join(work, "trunc.wasm")


def open_or_mapped(pid, path):
    try:
        if path in open(f"/proc/{pid}/maps").read():
            return True
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == path:
                return True
    except OSError:
        pass
    return False


for what, argv in (("batch --dry-run", [BATCH, "-n", "-q", trunc]), ("check", [CHECK, trunc]),
                   ("inspect", [INSPECT, "--functions", trunc])):
    with open(big, "rb") as f_in, open(trunc, "wb") as f_out:
        f_out.write(f_in.read())
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = False
    while p.poll() is None and not seen:
        seen = open_or_mapped(p.pid, trunc)
    os.truncate(trunc, 4096)
    err = p.communicate()[1].decode(errors="replace")
    ok(p.returncode == 0 or (p.returncode == 2 and err.count("\n") == 1),
       f"item 20: {what} on a module truncated while read: exit 0 or 2 with one line, no signal",
       f"exit {p.returncode} (seen open: {seen}): {err[:300]}")

# Item 21: C1 controls (U+009B CSI, U+009D OSC), ESC and CR from arguments,
# file names and module strings never reach the terminal raw.
RAW = (b"\x1b", b"\xc2\x9b", b"\xc2\x9d", b"\r", b"\x07")
hostile_dir = os.path.join(work, "h\x1b[2J\u009b31m\u009d0;x\x07\r")
os.mkdir(hostile_dir)
hostile_file = os.path.join(hostile_dir, "a\u009bm.wasm")
with open(hostile_file, "wb") as f:
    f.write(b"\0asm\x01\0\0\0\x01\x02")  # truncated
hostile_arg = "x\u009b2J\x1b]0;t\x07\r"


def clean(r):
    return not any(c in r.stdout + r.stderr for c in RAW)


for what, argv in (("inspect: malformed file", [INSPECT, hostile_file]),
                   ("check: malformed file", [CHECK, hostile_file]),
                   ("batch: malformed file", [BATCH, "-n", hostile_file]),
                   ("pack: malformed file", [PACK, "--glue", glue, hostile_file, "-o", os.path.join(work, "y.zip")]),
                   ("verify: malformed bundle", [VERIFY, hostile_file]),
                   ("inspect: unknown option", [INSPECT, "--" + hostile_arg, app]),
                   ("check: bad --target", [CHECK, "--target", hostile_arg, app]),
                   ("check: bad --allow", [CHECK, "--allow", hostile_arg, app]),
                   ("batch: bad --defer", [BATCH, "--defer", hostile_arg, app]),
                   ("pack: bad --name", [PACK, "--name", hostile_arg, app, "-o", "x.zip"]),
                   ("verify: missing file", [VERIFY, hostile_arg]),
                   ("inspect: --calls", [INSPECT, "--calls", hostile_arg, app]),
                   ("inspect: module and -o through a hostile folder", [INSPECT, "-o", os.path.join(hostile_dir, "out.txt"), app])):
    r = run(argv)
    ok(clean(r) and r.returncode in (0, 2), f"item 21: {what}: escaped (no raw ESC, C1, BEL or CR)",
       f"exit {r.returncode}: {(r.stdout + r.stderr)[:300]!r}")
r = run([INSPECT, "--calls", hostile_arg, app])
# --calls of a name the module lacks is a usage error: the name is echoed on stderr
ok(r.returncode == 2 and b"\\xc2\\x9b2J\\x1b]0;t\\x07\\x0d" in r.stderr, "item 21: the escapes show the original bytes",
   r.stderr[-200:])
out_txt = os.path.join(hostile_dir, "out.txt")
ok(os.path.exists(out_txt) and not any(c in open(out_txt, "rb").read() for c in RAW),
   "item 21: a text report written with -o is escaped too")

# Module strings: an export named with C1 controls and ESC, in text and JSON.
evil = "m\u009b31m\u009d0;t\x07\x1b[2J\u202e".encode()
mod = os.path.join(work, "evil.wasm")
exp = bytes([1, len(evil)]) + evil + bytes([2, 0])
with open(mod, "wb") as f:
    f.write(b"\0asm\x01\0\0\0" + bytes([5, 3, 1, 0, 1]) + bytes([7, len(exp)]) + exp)
r = run([INSPECT, mod])
ok(r.returncode == 0 and clean(r) and b"\xe2\x80\xae" not in r.stdout and b"\\xc2\\x9b31m" in r.stdout,
   "item 21: inspect text escapes C1, ESC and bidi controls in module strings", r.stdout + r.stderr)
r = run([INSPECT, "--json", mod])
j = json.loads(r.stdout) if r.returncode == 0 else {}
ok(clean(r) and b"\\u009b" in r.stdout and [e["name"] for e in j.get("exports", [])] == [evil.decode()],
   "item 21: inspect JSON escapes C1 as \\u009b and keeps the same string", r.stdout[-300:])
