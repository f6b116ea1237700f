#!/usr/bin/env node
// A DevTools protocol client for gowasm-sourcemap's browser test:
//
//   node --experimental-websocket cdp-wasm-pause.cjs PORT URL OFFSET
//
// Attaches to the Chromium listening on 127.0.0.1:PORT, opens URL (a page
// that stops at a `debugger;` statement once its module is compiled:
// tests/browser/trace.html with &debug=1), sets a breakpoint at byte OFFSET
// of the WebAssembly script there, resumes, and at the breakpoint records
// the call frames. Prints JSON: the wasm script's url and sourceMapURL as
// Debugger.scriptParsed reported them, the breakpoint's actual location,
// and the paused frames (function name, script url, line, column).
"use strict";

const [port, pageURL, offsetArg] = process.argv.slice(2);
if (!port || !pageURL || offsetArg === undefined) {
	console.error("usage: cdp-wasm-pause.cjs PORT URL OFFSET");
	process.exit(2);
}
const offset = Number(offsetArg);
const timer = setTimeout(() => { console.error("cdp-wasm-pause: timed out"); process.exit(1); }, 60000);

(async () => {
	const version = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
	const ws = new WebSocket(version.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
	let nextId = 1;
	const pending = new Map();
	const handlers = [];
	ws.onmessage = (ev) => {
		const msg = JSON.parse(ev.data);
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.error) reject(new Error(`${msg.error.message} (${msg.error.code})`));
			else resolve(msg.result);
		} else if (msg.method) {
			for (const h of handlers) h(msg);
		}
	};
	const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
		const id = nextId++;
		pending.set(id, { resolve, reject });
		ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
	});

	const { targetId } = await send("Target.createTarget", { url: "about:blank" });
	const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
	const scripts = new Map();
	const out = { script: null, breakpoint: null, frames: null, pauses: [] };
	let done;
	const finished = new Promise((resolve) => { done = resolve; });
	handlers.push(async (msg) => {
		if (msg.sessionId !== sessionId) return;
		if (msg.method === "Debugger.scriptParsed") {
			scripts.set(msg.params.scriptId, msg.params);
			return;
		}
		if (msg.method !== "Debugger.paused") return;
		const frames = msg.params.callFrames.map((f) => ({
			functionName: f.functionName,
			url: (scripts.get(f.location.scriptId) || {}).url || "",
			line: f.location.lineNumber,
			column: f.location.columnNumber,
		}));
		out.pauses.push({ reason: msg.params.reason, top: frames[0] });
		try {
			if (!out.breakpoint) {
				const wasm = [...scripts.values()].find((s) => s.scriptLanguage === "WebAssembly" || /\.wasm$/.test(s.url));
				if (!wasm) throw new Error("no WebAssembly script was parsed");
				out.script = { url: wasm.url, sourceMapURL: wasm.sourceMapURL, scriptLanguage: wasm.scriptLanguage };
				const r = await send("Debugger.setBreakpoint",
					{ location: { scriptId: wasm.scriptId, lineNumber: 0, columnNumber: offset } }, sessionId);
				out.breakpoint = r.actualLocation;
			} else if (!out.frames) {
				out.frames = frames;
				await send("Debugger.removeBreakpoint", { breakpointId: "" }, sessionId).catch(() => {});
				done();
			}
			await send("Debugger.resume", {}, sessionId);
		} catch (e) {
			out.error = String(e && e.stack || e);
			done();
		}
	});
	await send("Debugger.enable", {}, sessionId);
	await send("Runtime.enable", {}, sessionId);
	await send("Page.enable", {}, sessionId);
	await send("Page.navigate", { url: pageURL }, sessionId);
	await finished;
	clearTimeout(timer);
	console.log(JSON.stringify(out));
	ws.close();
	process.exit(0);
})().catch((e) => {
	console.error(`cdp-wasm-pause: ${e && e.stack || e}`);
	process.exit(1);
});
