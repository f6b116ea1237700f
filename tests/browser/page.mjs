// The page of the browser test of gowasm-batch
// (tests/integration/test_batch_browser.py). It runs the Go module named in
// the query string with Go's own wasm_exec.js, after enableBatching(go) from
// the ES module companion when one is named:
//
//   index.html?case=NAME&module=MODULE.wasm[&companion=gowasm-batch.mjs]
//
// and POSTs to /result, as JSON: the case, whether it ran, the phase it
// reached or failed in, the error, what the program wrote to stdout and
// stderr, its exit code, the global gowasmBatchResult it sets last, and
// gowasmBatchLiveRefs, the count of live JS references it reads from its Go
// instance (exposed as globalThis.gowasmBatchGo) after its finalizer storms.

const params = new URLSearchParams(location.search);
const caseName = params.get("case");
const moduleURL = params.get("module");
const companionURL = params.get("companion");
const status = document.getElementById("status");

const written = { 1: [], 2: [] };
let phase = "load";
let exitCode = null;
let reported = false;

function text(fd) {
  const parts = written[fd] || [];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(all);
}

async function report(body) {
  if (reported) return;
  reported = true;
  status.textContent = JSON.stringify(body, null, 1);
  const payload = { case: caseName, phase, exitCode, stdout: text(1), stderr: text(2),
                    result: globalThis.gowasmBatchResult ?? null, liveRefs: globalThis.gowasmBatchLiveRefs ?? null, userAgent: navigator.userAgent, ...body };
  await fetch("/result", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
}

function describe(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

addEventListener("error", (ev) => report({ ok: false, error: describe(ev.error ?? ev.message) }));
addEventListener("unhandledrejection", (ev) => report({ ok: false, error: describe(ev.reason) }));

async function main() {
  if (typeof globalThis.Go !== "function") throw new Error("wasm_exec.js did not define Go");
  // Capture what Go writes (runtime prints and os.Stdout/os.Stderr both end in fs.writeSync).
  const fs = globalThis.fs;
  const writeSync = fs.writeSync.bind(fs);
  fs.writeSync = function (fd, buf) {
    (written[fd] ||= []).push(buf.slice());
    return writeSync(fd, buf);
  };
  const go = new Go();
  go.argv = ["batch.wasm"];
  go.exit = (code) => { exitCode = code; };
  globalThis.gowasmBatchGo = go;  // the program counts the live JS references through it
  if (companionURL) {
    phase = "companion";
    const { enableBatching } = await import(new URL(companionURL, location.href).href);
    enableBatching(go);
  }
  phase = "fetch";
  const response = await fetch(moduleURL);
  if (!response.ok) throw new Error(`fetch ${moduleURL}: ${response.status}`);
  const bytes = await response.arrayBuffer();
  phase = "instantiate";
  const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
  phase = "run";
  await go.run(instance);
  phase = "done";
  await report({ ok: true });
}

main().catch((e) => report({ ok: false, error: describe(e) }));
