# SPDX-License-Identifier: MIT
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
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from browser import HEADLESS, Server, browse  # noqa: E402
from tap import ok, eq, bail, env_path, go_fixture, run, SOURCE_ROOT, need_chromium  # noqa: E402

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
def node_output(module, companion, tmp):
    runner = os.path.join(SOURCE_ROOT, "tests", "js", "run-go.cjs")
    argv = ["node", runner, "--glue", GO_GLUE]
    if companion:
        argv += ["--companion", companion]
    return run(argv + [module], timeout=120)


def lines(s):
    return (s or "").splitlines()


def main():
    batch_tool = env_path("GOWASM_BATCH")
    companion_dir = env_path("GOWASM_COMPANION_DIR")
    chromium = need_chromium("the browser test of gowasm-batch cannot run")
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
            res, log = browse(chromium, server, tmp, case, query, timeout=PAGE_TIMEOUT)
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
