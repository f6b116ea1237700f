# SPDX-License-Identifier: MIT
"""The npm package gowasm-pack --npm writes, in the built output of real
bundlers and in Node, unchanged (item: the npm package in real bundlers).

Two Go 1.19 fixtures are packed with Go's own wasm_exec.js and `npm pack`ed:
pack-args (prints its name, arguments, environment, writes to stderr, exits
with the code asked) and browser-batch rewritten by gowasm-batch (its
package carries gowasm-batch.mjs, which the loader must find too). Each
tarball is installed (npm install --offline) into a fresh project per
bundler, with a tiny app that imports the package by name and run()s it:
  - vite 8 (`vite build`), webpack 5 (its Node API, mode production),
    rollup 4 with @rollup/plugin-node-resolve and
    @web/rollup-plugin-import-meta-assets (rollup emits no asset for
    `new URL("./x.wasm", import.meta.url)` by itself), esbuild (--bundle,
    its own file loader for the .wasm, whose URL the app passes to run()).
The built output alone is served on 127.0.0.1 and run in headless
Chromium; the page must report the program's output lines and exit code,
and the server must have served the .wasm and answered no request with a
404. Node: the package by name from an ES module and, through require(),
from CommonJS; load() given the module as a URL string, bytes (ArrayBuffer
and Uint8Array), a Response, a Promise of one and a WebAssembly.Module;
bytes of another module are refused by the integrity check.

Bundlers are the pins of tests/npm/pins.txt (tests/npm/fetch.sh)."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from browser import HEADLESS, Server, browse  # noqa: E402
from tap import ok, eq, bail, env_path, go_fixture, run, npm_file, need_chromium  # noqa: E402

GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
PAGE_TIMEOUT = 60
VITE = ("vite@8.4.0", "bin/vite.js")
WEBPACK = ("webpack@5.112.2", "lib/index.js")
ROLLUP = ("rollup@4.68.8", "dist/bin/rollup")
NODE_RESOLVE = ("@rollup/plugin-node-resolve@16.0.3", "dist/es/index.js")
META_ASSETS = ("@web/rollup-plugin-import-meta-assets@2.3.3", "index.mjs")
ESBUILD = ("esbuild@0.28.2", "bin/esbuild")

ARGV = ["one", "two words", "exit=3"]
ENV = {"GOWASM_PACK_TEST": "bundled"}
# What pack-args prints through the browser glue's console stub (stdout and
# stderr alike, one console.log per line), and its exit code.
ARGS_LINES = ["BEGIN pack-args", "name: bundled-args.wasm", 'args: 3 ["one" "two words" "exit=3"]',
              'env: GOWASM_PACK_TEST="bundled"', "stderr: ключ 名前", "END pack-args, exit 3"]
ARGS_EXIT = 3
BATCH_FIRST, BATCH_LAST, BATCH_LINES = "BEGIN gowasm-batch-browser", "END gowasm-batch-browser", 14


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")


def npm_env(tmp):
    return {**os.environ, "npm_config_cache": os.path.join(tmp, "npm-cache"), "npm_config_update_notifier": "false",
            "npm_config_fund": "false", "npm_config_audit": "false"}


def pack_tarball(tool, tmp, key, name, source):
    """gowasm-pack --npm, then npm pack: the .tgz path, or None."""
    folder = os.path.join(tmp, "npm-" + key)
    r = run([tool, source, "--glue", GO_GLUE, "--name", name, "--version", "1.0.0", "--npm", folder, "-q"], timeout=120)
    if not eq(r.returncode, 0, f"{key}: gowasm-pack --npm {name} exits 0", text(r.stderr)):
        return None
    dest = os.path.join(tmp, "tarballs")
    os.makedirs(dest, exist_ok=True)
    r = run(["npm", "pack", "--json", "--pack-destination", dest], cwd=folder, env=npm_env(tmp), timeout=300)
    if not eq(r.returncode, 0, f"{key}: npm pack of the folder succeeds", text(r.stderr)):
        return None
    try:
        return os.path.join(dest, json.loads(r.stdout)[0]["filename"])
    except (ValueError, LookupError, TypeError) as e:
        ok(False, f"{key}: npm pack --json names the tarball", f"{e}: {text(r.stdout)[:300]}")
        return None


def new_project(tmp, label, tarball):
    """A fresh project with the tarball installed: its folder, or None."""
    project = os.path.join(tmp, label)
    os.makedirs(project)
    with open(os.path.join(project, "package.json"), "w") as f:
        json.dump({"name": "app-" + label, "version": "1.0.0", "private": True, "type": "module"}, f)
    r = run(["npm", "install", "--offline", "--no-audit", "--no-fund", tarball], cwd=project, env=npm_env(tmp),
            timeout=300)
    if not eq(r.returncode, 0, f"{label}: npm install --offline of the tarball into a fresh project", text(r.stderr)):
        return None
    return project


# The app: imports the package by name, captures what Go prints (the
# browser glue writes each line with console.log), runs it and POSTs the
# outcome to /result. @IMPORT@ and @MODULE@ are empty but for esbuild.
APP_JS = r"""import { run } from "@PKG@";
@IMPORT@
const caseName = new URLSearchParams(location.search).get("case");
const lines = [];
const log = console.log.bind(console);
console.log = (...a) => { lines.push(a.map(String).join(" ")); log(...a); };
function report(body) {
  return fetch("/result", { method: "POST", headers: { "Content-Type": "application/json" },
                            body: JSON.stringify({ case: caseName, lines, ...body }) });
}
run({ argv: @ARGV@, env: @ENV@@MODULE@ }).then(
  (exitCode) => report({ ok: true, exitCode }),
  (e) => report({ ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
"""

HTML = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>gowasm bundled</title></head>
<body><script @TYPE@src="@SRC@"></script></body></html>
"""


def write_app(project, pkg, module, bundler):
    esbuild = bundler == "esbuild"
    app = (APP_JS.replace("@PKG@", pkg).replace("@ARGV@", json.dumps(ARGV)).replace("@ENV@", json.dumps(ENV))
           .replace("@IMPORT@", f'import moduleFile from "{pkg}/{module}";' if esbuild else "")
           .replace("@MODULE@", ", module: new URL(moduleFile, import.meta.url)" if esbuild else ""))
    with open(os.path.join(project, "main.js"), "w") as f:
        f.write(app)
    # vite builds from index.html at the root; the others' page is written
    # into their output folder, beside the bundle.
    html = os.path.join(project, "index.html") if bundler == "vite" else os.path.join(project, "dist", "index.html")
    os.makedirs(os.path.dirname(html), exist_ok=True)
    src = {"vite": "/main.js", "webpack": "main.js", "rollup": "main.js", "esbuild": "main.js"}[bundler]
    with open(html, "w") as f:
        f.write(HTML.replace("@SRC@", src).replace("@TYPE@", "" if bundler == "webpack" else 'type="module" '))


WEBPACK_BUILD = """const webpack = require(@WEBPACK@);
const path = require("path");
// performance hints off: a Go module is megabytes, over webpack's 244 KiB hint.
webpack({ mode: "production", context: __dirname, entry: "./main.js", performance: { hints: false },
          output: { path: path.join(__dirname, "dist"), filename: "main.js" } }, (err, stats) => {
  if (err) { console.error(err); process.exit(1); }
  if (stats.hasErrors() || stats.hasWarnings()) console.error(stats.toString("errors-warnings"));
  process.exit(stats.hasErrors() ? 1 : 0);
});
"""

ROLLUP_CONFIG = """import { nodeResolve } from @RESOLVE@;
import { importMetaAssets } from @ASSETS@;
export default { input: "main.js", output: { dir: "dist", format: "es" },
                 plugins: [nodeResolve({ browser: true }), importMetaAssets()] };
"""


def build(bundler, project):
    """Runs the bundler in the project; the CompletedProcess."""
    if bundler == "vite":
        return run(["node", npm_file(*VITE), "build", "--logLevel", "warn"], cwd=project, timeout=300)
    if bundler == "webpack":
        with open(os.path.join(project, "build.cjs"), "w") as f:
            f.write(WEBPACK_BUILD.replace("@WEBPACK@", json.dumps(npm_file(*WEBPACK))))
        return run(["node", "build.cjs"], cwd=project, timeout=300)
    if bundler == "rollup":
        with open(os.path.join(project, "rollup.config.mjs"), "w") as f:
            f.write(ROLLUP_CONFIG.replace("@RESOLVE@", json.dumps(npm_file(*NODE_RESOLVE)))
                    .replace("@ASSETS@", json.dumps(npm_file(*META_ASSETS))))
        return run(["node", npm_file(*ROLLUP), "-c", "rollup.config.mjs"], cwd=project, timeout=300)
    return run([npm_file(*ESBUILD), "main.js", "--bundle", "--format=esm", "--outdir=dist", "--loader:.wasm=file",
                "--log-level=warning"], cwd=project, timeout=300)


def served(server):
    """(paths answered 404, .wasm paths answered 200) from the server's log."""
    missing, wasm = [], []
    for line in server.log:
        parts = line.split('"')
        if len(parts) < 3:
            continue
        request, status = parts[1].split(" "), parts[2].split()
        path = request[1] if len(request) > 1 else "?"
        if status and status[0] == "404":
            missing.append(path)
        if status and status[0] == "200" and path.split("?")[0].endswith(".wasm"):
            wasm.append(path)
    return missing, wasm


def check_bundler(chromium, tmp, bundler, key, pkg, module, tarball):
    label = f"{bundler}-{key}"
    project = new_project(tmp, label, tarball)
    if not project:
        return
    write_app(project, pkg, module, bundler)
    r = build(bundler, project)
    if not eq(r.returncode, 0, f"{label}: the {bundler} build succeeds", text(r.stdout) + text(r.stderr)):
        return
    ok("warn" not in (text(r.stdout) + text(r.stderr)).lower(), f"{label}: the {bundler} build warns of nothing",
       text(r.stdout) + text(r.stderr))
    dist = os.path.join(project, "dist")
    built = sorted(os.path.relpath(os.path.join(d, n), dist) for d, _, ns in os.walk(dist) for n in ns)
    ok(any(n.endswith(".wasm") for n in built), f"{label}: the built output holds the .wasm", built)
    server = Server(dist)
    try:
        res, log = browse(chromium, server, tmp, label, "from=test", timeout=PAGE_TIMEOUT)
    finally:
        server.close()
    missing, wasm = served(server)
    eq(missing, [], f"{label}: chromium: no request of the built output is answered 404", "\n".join(server.log[-20:]))
    ok(wasm, f"{label}: chromium: the .wasm is fetched from the built output", "\n".join(server.log[-20:]))
    if not ok(res is not None, f"{label}: chromium: the page reports within {PAGE_TIMEOUT} s",
              f"chromium {HEADLESS[0]} log:\n" + "\n".join(log.splitlines()[-20:])):
        return
    ok(res.get("ok"), f"{label}: chromium: run() of the bundled package resolves", res.get("error"))
    lines = res.get("lines") or []
    if key == "args":
        eq(lines, ARGS_LINES, f"{label}: chromium: the Go program's output")
        eq(res.get("exitCode"), ARGS_EXIT, f"{label}: chromium: run() resolves with the exit code os.Exit gave")
    else:
        ok(lines[:1] == [BATCH_FIRST] and lines[-1:] == [BATCH_LAST] and len(lines) == BATCH_LINES,
           f"{label}: chromium: the batched Go program's output, first to last line (the companion was found)", lines)
        eq(res.get("exitCode"), 0, f"{label}: chromium: run() resolves with exit code 0")


# ---------------------------------------------------------------- Node

NODE_SOURCES = r"""import { load, run, bundle } from "@PKG@";
import { copyFileSync, readFileSync, unlinkSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
// The package's own module is removed: what loads must be what is passed.
const installed = require.resolve("@PKG@/" + bundle.module);
const file = new URL("copy.wasm", import.meta.url).pathname;
copyFileSync(installed, file);
unlinkSync(installed);
const bytes = readFileSync(file);
const results = {};
async function exitOf(module) {
  const { go, instance } = await load({ module, argv: ["exit=4"] });
  let code = null;
  go.exit = (c) => { code = c; };
  await go.run(instance);
  return code;
}
const sources = {
  "a file: URL string": () => new URL("file://" + file).href,
  "a URL": () => new URL("file://" + file),
  "an ArrayBuffer": () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
  "a Uint8Array": () => new Uint8Array(bytes),
  "a Response": () => new Response(bytes),
  "a Promise of a Response": () => Promise.resolve(new Response(bytes)),
  "a WebAssembly.Module": () => new WebAssembly.Module(bytes),
};
for (const [name, make] of Object.entries(sources)) {
  try { results[name] = await exitOf(make()); } catch (e) { results[name] = "error: " + e.message; }
}
const other = new Uint8Array(bytes); other[other.length >> 1] ^= 0x20;
try { await load({ module: other }); results.tampered = "loaded"; } catch (e) { results.tampered = e.message; }
try { await load(); results.default = "loaded"; } catch (e) { results.default = e.message; }
copyFileSync(file, installed);
console.log(JSON.stringify(results));
"""

NODE_CJS = """const { run, bundle } = require("@PKG@");
run({ argv: ["exit=6"] }).then((code) => { console.log(JSON.stringify({ code, module: bundle.module })); });
"""


def check_node(tmp, tarball, pkg):
    project = new_project(tmp, "node-args", tarball)
    if not project:
        return
    with open(os.path.join(project, "sources.mjs"), "w") as f:
        f.write(NODE_SOURCES.replace("@PKG@", pkg))
    r = run(["node", "sources.mjs"], cwd=project, timeout=120)
    lines = text(r.stdout).splitlines()
    try:
        got = json.loads(lines[-1]) if lines else {}
    except ValueError:
        got = {}
    eq(r.returncode, 0, "node: load({ module }) with every kind of module source runs", text(r.stderr))
    for name in ("a file: URL string", "a URL", "an ArrayBuffer", "a Uint8Array", "a Response",
                 "a Promise of a Response", "a WebAssembly.Module"):
        eq(got.get(name), 4, f"node: load({{ module: {name} }}) instantiates the module; it runs and exits 4")
    ok(str(got.get("tampered", "")).startswith("gowasm: integrity check failed for bundled-args.wasm"),
       "node: load({ module: bytes }) of changed bytes rejects with the integrity error", got.get("tampered"))
    ok("bundled-args.wasm" in str(got.get("default", "")) and got.get("default") != "loaded",
       "node: load() without a module option reads the package's own module (here removed: it fails)", got.get("default"))
    with open(os.path.join(project, "use.cjs"), "w") as f:
        f.write(NODE_CJS.replace("@PKG@", pkg))
    r = run(["node", "use.cjs"], cwd=project, timeout=120)
    out = text(r.stdout).splitlines()
    eq(out[-1:], ['{"code":6,"module":"bundled-args.wasm"}'],
       "node: CommonJS require() of the package runs the program (exit code 6)", text(r.stdout) + text(r.stderr))
    eq(out[:1], ["BEGIN pack-args"], "node: CommonJS: Go writes to the process's stdout through Node's fs")


# ---------------------------------------------------------------- main


def main():
    tool = env_path("GOWASM_PACK")
    batch_tool = env_path("GOWASM_BATCH")
    chromium = need_chromium()
    if not shutil.which("node") or not shutil.which("npm"):
        bail("node and npm are required")
    for spec in (VITE, WEBPACK, ROLLUP, NODE_RESOLVE, META_ASSETS, ESBUILD):
        npm_file(*spec)
    tmp = tempfile.mkdtemp(prefix="gowasm-bundlers-")
    try:
        batched = os.path.join(tmp, "bundled-batch.wasm")
        r = run([batch_tool, go_fixture("browser-batch"), "-o", batched, "--quiet"], timeout=300)
        eq(r.returncode, 0, "gowasm-batch rewrites the browser-batch fixture", text(r.stderr))
        fixtures = [("args", "@gowasm-test/bundled-args", go_fixture("pack-args"))]
        if r.returncode == 0:
            fixtures.append(("batch", "@gowasm-test/bundled-batch", batched))
        tarballs = {}
        for key, pkg, source in fixtures:
            tarballs[key] = pack_tarball(tool, tmp, key, pkg, source)
        for key, pkg, _ in fixtures:
            if not tarballs[key]:
                continue
            module = pkg.rsplit("/", 1)[-1] + ".wasm"
            for bundler in ("vite", "webpack", "rollup", "esbuild"):
                check_bundler(chromium, tmp, bundler, key, pkg, module, tarballs[key])
        if tarballs.get("args"):
            check_node(tmp, tarballs["args"], "@gowasm-test/bundled-args")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
