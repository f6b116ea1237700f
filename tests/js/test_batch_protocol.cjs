#!/usr/bin/env node
// The batch protocol's constants in the JS companion are generated from
// the C table the batching pass is compiled with
// (lib/analysis/batch_protocol.def): they must equal the C values, in both
// builds of the companion, and the companion must use them rather than
// numbers of its own.
//
//   node test_batch_protocol.cjs VALUES_PROGRAM COMPANION_DIR
//
// VALUES_PROGRAM (tests/unit/batch_protocol_values.c) prints the C values.
// Output is TAP.
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");
const { execFileSync } = require("child_process");

let count = 0;
let failures = 0;
function ok(cond, name, diag) {
	count++;
	console.log(`${cond ? "ok" : "not ok"} ${count} - ${name}`);
	if (!cond) {
		failures++;
		if (diag !== undefined) console.log("#   " + JSON.stringify(diag));
	}
}

const [valuesProgram, companionDir] = process.argv.slice(2);
const c = new Map();
for (const line of execFileSync(valuesProgram, { encoding: "utf8" }).trim().split("\n")) {
	const [name, value] = line.split(" ");
	c.set(name, Number(value));
}
ok(c.has("BATCH_PROTOCOL") && [...c.keys()].some((k) => k.startsWith("RECORD_")) &&
	[...c.keys()].some((k) => k.startsWith("AT_")),
	"issue 13 batch protocol: the C side has a protocol, records and fields", [...c.keys()]);

// The CommonJS build, run as a script whose last expression reads its constants.
const cjs = fs.readFileSync(path.join(companionDir, "gowasm-batch.cjs"), "utf8");
const names = [...c.keys()].map((k) => "GOWASM_" + k);
const sandbox = { module: { exports: {} }, require, WeakMap, Object, Symbol, Uint8Array, Reflect, globalThis: {} };
let js = { GOWASM_RECORD_LEAST: [] };
try {
	js = vm.runInNewContext(cjs + "\n;({" + names.map((n) => `${n}: ${n}`).join(", ") +
		", GOWASM_RECORD_LEAST: GOWASM_RECORD_LEAST});", sandbox);
	ok(true, "issue 13 batch protocol: the CommonJS build declares every constant");
} catch (e) {
	ok(false, "issue 13 batch protocol: the CommonJS build declares every constant", String(e));
}
for (const [name, value] of c) {
	ok(js["GOWASM_" + name] === value, `issue 13 batch protocol: GOWASM_${name} is ${value}, as in C`,
		{ js: js["GOWASM_" + name], c: value });
}
const records = [...c.keys()].filter((k) => /^RECORD_\w+$/.test(k) && !k.endsWith("_SIZE"));
ok(records.every((r) => js.GOWASM_RECORD_LEAST[c.get(r)] === c.get(r + "_SIZE")),
	"issue 13 batch protocol: GOWASM_RECORD_LEAST gives each kind its size", js.GOWASM_RECORD_LEAST);
ok(sandbox.module.exports.protocol === c.get("BATCH_PROTOCOL"),
	"issue 13 batch protocol: the CommonJS build exports protocol " + c.get("BATCH_PROTOCOL"));

// The ES module build declares the very same constants.
const decls = (text) => text.split("\n").filter((l) => /^const GOWASM_(BATCH_PROTOCOL|RECORD_|AT_)/.test(l));
const mjs = fs.readFileSync(path.join(companionDir, "gowasm-batch.mjs"), "utf8");
ok(decls(cjs).length === names.length + 1 && JSON.stringify(decls(mjs)) === JSON.stringify(decls(cjs)),
	"issue 13 batch protocol: the ES module build declares the same constants", decls(mjs));
for (const [build, text] of [["cjs", cjs], ["mjs", mjs]]) {
	const protocol = c.get("BATCH_PROTOCOL");
	ok(text.startsWith(`/* gowasm-batch companion `) && text.split("\n")[0].endsWith(`(batch protocol ${protocol}).`),
		`issue 13 batch protocol: ${build}: its first line names protocol ${protocol} (gowasm-pack reads it)`);
	// The replay reads records through the constants only.
	const replay = text.slice(text.indexOf("const setIndexRun"), text.indexOf("return go;\n}"));
	ok(replay.length > 1000 && !/case \d+:/.test(replay) && !/\bat \+ \d/.test(replay) &&
		!/kind (===|!==|>=|<=) \d/.test(replay),
		`issue 13 batch protocol: ${build}: no record kind or offset written as a number in the replay`);
}
console.log(`1..${count}`);
process.exit(failures ? 1 : 0);
