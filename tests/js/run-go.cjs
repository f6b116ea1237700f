#!/usr/bin/env node
// Runs a Go js/wasm module under Node, like Go's go_js_wasm_exec (its
// wasm_exec_node.js), with a glue file of one's choice and, optionally, the
// gowasm-batch companion:
//
//   node run-go.cjs --glue PATH/wasm_exec.js [--companion PATH/gowasm-batch.cjs|.mjs]
//                   [--stats FILE] [--exit-stack FILE] MODULE.wasm [args...]
//
// Differences from wasm_exec_node.js, on purpose:
// - Node 20 already has globalThis.crypto (a getter-only property: Go 1.19's
//   runner crashes assigning it) and globalThis.performance; they are only
//   filled in when missing.
// - The glue is any wasm_exec.js (Go 1.19's imports module "go", Go 1.21+'s
//   "gojs"); it is loaded with require(), which defines globalThis.Go.
// - --companion loads the batching companion, CommonJS through require() and
//   an ES module (.mjs) through import(), and calls enableBatching(go) before
//   instantiation, as its documentation asks.
// - --stats FILE writes the companion's batchingStats(go) (flushes, records
//   replayed, ...) as JSON to FILE when the process exits, "null" without
//   batching: the tests use it to see that batching really happened.
// - --exit-stack FILE writes the JavaScript stack (new Error().stack, every
//   frame) at the module's runtime.wasmExit with a nonzero code: the wasm
//   frames of the Go code that is exiting, as a user's error report shows
//   them (gowasm-symbolize's tests).
"use strict";

const fs = require("fs");
const path = require("path");
const url = require("url");

function usage(msg) {
	if (msg) console.error(`run-go: ${msg}`);
	console.error("usage: run-go.cjs --glue wasm_exec.js [--companion gowasm-batch.cjs|.mjs] [--stats FILE] [--exit-stack FILE] module.wasm [args...]");
	process.exit(2);
}

// Our options come first; everything from the module path on belongs to Go.
const opts = { "--glue": null, "--companion": null, "--stats": null, "--exit-stack": null };
let i = 2;
for (; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a in opts) {
		if (i + 1 >= process.argv.length) usage(`${a} needs a path`);
		opts[a] = process.argv[++i];
	} else if (a === "--") { i++; break; } else if (a.startsWith("--")) usage(`unknown option ${a}`);
	else break;
}
const { "--glue": glue, "--companion": companion, "--stats": statsFile, "--exit-stack": exitStackFile } = opts;
if (!glue) usage("--glue is required");
if (i >= process.argv.length) usage("no module");
const modulePath = process.argv[i];
const goArgs = process.argv.slice(i + 1);

// What Go's node runner provides to the glue and to Go's syscall package.
globalThis.require = require;
globalThis.fs = fs;
globalThis.path = path;
globalThis.process = process;
globalThis.TextEncoder ??= require("util").TextEncoder;
globalThis.TextDecoder ??= require("util").TextDecoder;
globalThis.performance ??= require("perf_hooks").performance;
globalThis.crypto ??= require("crypto").webcrypto;

require(path.resolve(glue)); // defines globalThis.Go

async function loadCompanion(p) {
	const abs = path.resolve(p);
	const m = abs.endsWith(".mjs") ? await import(url.pathToFileURL(abs).href) : require(abs);
	if (typeof m.enableBatching !== "function") throw new Error(`${p} exports no enableBatching`);
	return m;
}

(async () => {
	const go = new Go();
	go.argv = [modulePath, ...goArgs];
	go.env = Object.assign({ TMPDIR: require("os").tmpdir() }, process.env);
	go.exit = process.exit; // the module's exit code is ours
	if (companion) {
		const m = await loadCompanion(companion);
		m.enableBatching(go);
		if (statsFile) {
			process.on("exit", () => {
				const st = typeof m.batchingStats === "function" ? m.batchingStats(go) : "no batchingStats export";
				fs.writeFileSync(statsFile, JSON.stringify(st ?? null) + "\n");
			});
		}
	} else if (statsFile) {
		fs.writeFileSync(statsFile, "null\n");
	}
	if (exitStackFile) {
		const imports = go.importObject.gojs || go.importObject.go;
		const wasmExit = imports["runtime.wasmExit"];
		imports["runtime.wasmExit"] = (sp) => {
			const code = new DataView(instance.exports.mem.buffer).getInt32((sp >>> 0) + 8, true);
			if (code !== 0) {
				Error.stackTraceLimit = Infinity;
				fs.writeFileSync(exitStackFile, new Error(`exit ${code}`).stack + "\n");
			}
			return wasmExit(sp);
		};
	}
	const { instance } = await WebAssembly.instantiate(fs.readFileSync(modulePath), go.importObject);
	process.on("exit", (code) => { // Node exits when no event is pending
		if (code === 0 && !go.exited) {
			// A deadlock: make Go print its error and stack traces, as Go's runner does.
			go._pendingEvent = { id: 0 };
			go._resume();
		}
	});
	await go.run(instance);
})().catch((err) => {
	console.error(err);
	process.exit(1);
});
