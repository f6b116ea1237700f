"""gowasm-batch in a real browser: a Go 1.19 program
(tests/browser/go/batch, built by meson as the browser-batch fixture) and
its batched twin run in headless Chromium with Go's own wasm_exec.js, the
batched one after enableBatching(go) from the ES module companion. Both must
print exactly what the original prints under Node (and what the program is
known to print), set the same last global, and the batched module must fail
to instantiate without the companion.

The page (tests/browser/index.html, page.mjs) is served from a temporary
folder by Python's http.server on 127.0.0.1; it POSTs its result to /result.
Chromium (Debian package chromium, ./setup.sh installs it) is required: its
absence is a failure, not a skip."""
import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, bail, env_path, go_fixture, run, SOURCE_ROOT  # noqa: E402

PAGE_TIMEOUT = 60
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")

# What the program prints (tests/browser/go/batch/main.go), the same in Node
# and in a browser.
EXPECTED = [
    "BEGIN gowasm-batch-browser",
    'set: {"a":1999,"b":3998,"name":"n1999","flag":false} 5997',
    "read-after-write: 4950",
    "setter-order: x=1,y=two,z=3.5,x=4 4",
    'setindex: [0,1,4,9,16,25,36,49,64,81,null,null,"twelve"] [44,255,7,0] [0.25,1.25,2.25] 13',
    'delete: {"keep":1,"again":4} false',
    "temporaries: 299 s299 300",
    "finalizers: 100 of 100",
    "dom: main box big 10px bar true true hello world 1",
    "event-visible: clicked 1/clicked 2/2",
    'callback-visible: [{"fromGo":42},["first"]]',
    "setter-callback: 1 3 3 one@0,two@1,three@2 three",
    "yield-visible: written-before-blocking,undefined",
    "END gowasm-batch-browser",
]
EXPECTED_RESULT = "done 100"

# A runner for Node when tests/js/run-go.cjs is not there (same command line).
NODE_RUNNER = r"""'use strict';
const fs = require('fs'), path = require('path'), os = require('os');
let glue = null, companion = null;
const argv = process.argv.slice(2);
while (argv.length && argv[0].startsWith('--')) {
  const opt = argv.shift();
  if (opt === '--glue') glue = argv.shift();
  else if (opt === '--companion') companion = argv.shift();
  else { console.error('unknown option ' + opt); process.exit(2); }
}
const wasm = argv.shift();
Object.assign(globalThis, { require, fs, path, TextEncoder: require('util').TextEncoder, TextDecoder: require('util').TextDecoder });
globalThis.performance ??= require('perf_hooks').performance;
globalThis.crypto ??= require('crypto');
require(path.resolve(glue));
const go = new Go();
if (companion) require(path.resolve(companion)).enableBatching(go);
go.argv = [path.basename(wasm), ...argv];
go.env = { TMPDIR: os.tmpdir() };
go.exit = process.exit;
process.on('exit', (code) => { if (code === 0 && !go.exited) { go._pendingEvent = { id: 0 }; go._resume(); } });
WebAssembly.instantiate(fs.readFileSync(wasm), go.importObject).then((r) => go.run(r.instance))
  .catch((err) => { console.error(err); process.exit(1); });
"""


class Server:
    """http.server on 127.0.0.1 (a free port) in a thread, serving `root`
    with the right MIME types and taking POST /result."""

    def __init__(self, root):
        self.results = {}
        self.cond = threading.Condition()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                              ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                              ".html": "text/html; charset=utf-8"}

            def end_headers(self):
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

            def do_POST(self):
                if self.path != "/result":
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    data = json.loads(body)
                except ValueError:
                    data = {"ok": False, "error": "unparsable POST body", "raw": body[:500].decode("utf-8", "replace")}
                with server.cond:
                    server.results[data.get("case")] = data
                    server.cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, fmt, *args):
                server.log.append(fmt % args)

        self.log = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, case, timeout, alive):
        end = time.monotonic() + timeout
        with self.cond:
            while case not in self.results:
                left = end - time.monotonic()
                if left <= 0 or not alive():
                    return None
                self.cond.wait(min(left, 0.25))
            return self.results[case]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def kill_group(p):
    """Ends chromium and every process it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        try:
            p.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # stragglers of the group, once the leader is gone
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


HEADLESS = ["--headless=new"]


def browse(chromium, server, tmp, case, query):
    """Loads the page for one case in a fresh headless Chromium; returns
    (the page's report or None, chromium's log)."""
    url = f"http://127.0.0.1:{server.port}/index.html?case={case}&{query}"
    for attempt in range(2):
        profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
        logpath = os.path.join(tmp, f"chromium-{case}-{attempt}.log")
        with open(logpath, "wb") as log:
            p = subprocess.Popen([chromium, *HEADLESS, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                  "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                                  "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}", url],
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            started = time.monotonic()
            try:
                res = server.wait(case, PAGE_TIMEOUT, lambda: p.poll() is None)
            finally:
                kill_group(p)
        with open(logpath, errors="replace") as f:
            text = f.read()
        # An old Chromium may not know --headless=new: it exits at once. Try plain --headless.
        if res is None and HEADLESS == ["--headless=new"] and time.monotonic() - started < 10 and p.returncode not in (None, 0):
            HEADLESS[:] = ["--headless"]
            continue
        return res, text
    return None, text


def node_output(module, companion, tmp):
    runner = os.path.join(SOURCE_ROOT, "tests", "js", "run-go.cjs")
    if not os.path.exists(runner):
        runner = os.path.join(tmp, "run-go-fallback.cjs")
        with open(runner, "w") as f:
            f.write(NODE_RUNNER)
    argv = ["node", runner, "--glue", GO_GLUE]
    if companion:
        argv += ["--companion", companion]
    return run(argv + [module], timeout=120)


def lines(s):
    return (s or "").splitlines()


def main():
    batch_tool = env_path("GOWASM_BATCH")
    companion_dir = env_path("GOWASM_COMPANION_DIR")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        bail("chromium is not installed (Debian package chromium; ./setup.sh --deps-only installs it): "
             "the browser test of gowasm-batch cannot run")
    if not shutil.which("node"):
        bail("node is not installed")
    for p in (batch_tool, os.path.join(companion_dir, "gowasm-batch.mjs"), os.path.join(companion_dir, "gowasm-batch.cjs"),
              GO_GLUE):
        if not os.path.exists(p):
            bail(f"{p} is missing (ninja -C build builds gowasm-batch and its companion)")
    original = go_fixture("browser-batch")
    tmp = tempfile.mkdtemp(prefix="gowasm-batch-browser-")
    try:
        run_all(chromium, batch_tool, companion_dir, original, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_all(chromium, batch_tool, companion_dir, original, tmp):
    site = os.path.join(tmp, "site")
    os.mkdir(site)
    for name in ("index.html", "page.mjs"):
        shutil.copyfile(os.path.join(SOURCE_ROOT, "tests", "browser", name), os.path.join(site, name))
    shutil.copyfile(GO_GLUE, os.path.join(site, "wasm_exec.js"))
    shutil.copyfile(os.path.join(companion_dir, "gowasm-batch.mjs"), os.path.join(site, "gowasm-batch.mjs"))
    shutil.copyfile(original, os.path.join(site, "original.wasm"))
    batched = os.path.join(site, "batched.wasm")
    r = run([batch_tool, original, "-o", batched])
    if not eq(r.returncode, 0, "gowasm-batch rewrites the browser-batch fixture (exit 0)", r.stderr.decode(errors="replace")):
        return
    ok(os.path.exists(batched) and os.path.getsize(batched) > 0, "the batched module was written")

    # Node first: the reference outputs.
    n_orig = node_output(original, None, tmp)
    eq(n_orig.returncode, 0, "node: the original runs", n_orig.stderr.decode(errors="replace"))
    eq(lines(n_orig.stdout.decode()), EXPECTED, "node: the original prints what the program is known to print")
    n_batch = node_output(batched, os.path.join(companion_dir, "gowasm-batch.cjs"), tmp)
    eq(n_batch.returncode, 0, "node: the batched module runs with the CommonJS companion", n_batch.stderr.decode(errors="replace"))

    server = Server(site)
    try:
        cases = [("original", "module=original.wasm"),
                 ("batched", "module=batched.wasm&companion=gowasm-batch.mjs"),
                 ("batched-no-companion", "module=batched.wasm")]
        got = {}
        for case, query in cases:
            res, log = browse(chromium, server, tmp, case, query)
            if not ok(res is not None, f"chromium: the page reports for {case} within {PAGE_TIMEOUT} s",
                      f"chromium {HEADLESS[0]} log (last lines):\n" + "\n".join(log.splitlines()[-25:]) +
                      "\nserver log:\n" + "\n".join(server.log[-10:])):
                got[case] = None
                continue
            got[case] = res
    finally:
        server.close()

    o, b, nc = got.get("original"), got.get("batched"), got.get("batched-no-companion")
    if o:
        ok(o.get("ok"), "chromium: the original runs", o)
        print(f"# {o.get('userAgent')}")
        eq(o.get("exitCode"), 0, "chromium: the original exits 0", o.get("stderr"))
        eq(lines(o.get("stdout")), EXPECTED, "chromium: the original prints the expected lines (markers included)")
        eq(lines(o.get("stdout")), lines(n_orig.stdout.decode()), "chromium: the original prints what it prints under Node")
        eq(o.get("result"), EXPECTED_RESULT, "chromium: the original's last global is set when go.run() resolves")
    if b:
        ok(b.get("ok"), "chromium: the batched module runs with enableBatching(go)", b)
        eq(b.get("exitCode"), 0, "chromium: the batched module exits 0", b.get("stderr"))
        got_lines = lines(b.get("stdout"))
        # One assertion per behaviour, so a failure names what batching changed.
        for want_line in EXPECTED:
            key = want_line.split(":", 1)[0]
            eq([x for x in got_lines if x.split(":", 1)[0] == key], [want_line],
               f"chromium: batched prints the original's '{key}' line")
        eq(got_lines, lines(o.get("stdout")) if o else EXPECTED, "chromium: batched output identical to the original's")
        ok("BEGIN gowasm-batch-browser" in got_lines and "END gowasm-batch-browser" in got_lines,
           "chromium: batched output has both markers")
        eq(got_lines, lines(n_orig.stdout.decode()), "chromium: batched output identical to the original's under Node")
        eq(got_lines, lines(n_batch.stdout.decode()), "chromium: batched output identical to the batched module's under Node")
        eq(b.get("stderr"), o.get("stderr") if o else "", "chromium: batched stderr identical to the original's")
        print(f"# live JS references after the storms: original {(o or {}).get('liveRefs')}, batched {b.get('liveRefs')}")
        ok(isinstance(b.get("liveRefs"), int) and b.get("liveRefs") == (o or {}).get("liveRefs"),
           "chromium: after the finalizer storms, as many live JS references as in the original "
           "(every finalizeRef applied)", f"batched {b.get('liveRefs')}, original {(o or {}).get('liveRefs')}")
        eq(b.get("result"), EXPECTED_RESULT,
           "chromium: the batched module's last write (a global set right before exit) is applied when go.run() resolves")
    eq(lines(n_batch.stdout.decode()), lines(n_orig.stdout.decode()), "node: batched output identical to the original's")
    if nc:
        ok(nc.get("ok") is False, "chromium: the batched module without the companion does not run", nc)
        eq(nc.get("phase"), "instantiate", "chromium: ... it fails at instantiation", nc.get("error"))
        ok(str(nc.get("error", "")).split(":", 1)[0] in ("LinkError", "TypeError"),
           "chromium: ... with a LinkError or TypeError for the missing import", nc.get("error"))
        eq(nc.get("stdout"), "", "chromium: ... and nothing of the program ran")


main()
