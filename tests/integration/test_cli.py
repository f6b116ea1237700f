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
