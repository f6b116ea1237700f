#!/usr/bin/env node
// Runs @cdktf/hcl2json's Go module the way its own lib/index.js does, with
// its own glue (lib/wasm_exec.js, whose run takes a second argument:
// run(instance, thing), the object the Go program registers its functions
// on), optionally with the gowasm-batch companion, and prints what it
// parses:
//
//   node run-hcl2json.cjs GLUE MODULE.wasm [COMPANION]
//
// Output: one line per input (the JSON, or ERR and the message), then a
// last line STATS and the companion's batchingStats (null without it).
"use strict";
const fs = require("fs");

const [glue, wasm, companion] = process.argv.slice(2);
const { Go } = require(glue);
const go = new Go();
const batching = companion ? require(companion) : null;
if (batching) batching.enableBatching(go);

function inputs() {
	const big = [];
	for (let i = 0; i < 300; i++) {
		big.push(`resource "aws_instance" "web${i}" {\n  ami = "ami-${i}"\n  count = ${i}\n` +
			`  tags = { Name = "n${i}", "ключ" = "значение ${i}" }\n  list = [${i}, ${i + 1}, "x${i}"]\n` +
			`  nested {\n    deep = true\n    value = ${i * 1.5}\n  }\n}\n`);
	}
	return [
		["main.tf", 'variable "x" {\n  default = "y"\n}\nresource "a" "b" {\n  n = 1\n  l = [1, 2, "three"]\n}\n'],
		["unicode.tf", 'locals {\n  名前 = "値 🙂"\n  esc = "tab\\there"\n  heredoc = <<EOT\nline one\nline two\nEOT\n}\n'],
		["big.tf", big.join("")],
		["bad.tf", "resource {"],
		["empty.tf", ""],
	];
}

const root = {};
WebAssembly.instantiate(fs.readFileSync(wasm), go.importObject).then(async (r) => {
	// As lib/index.js: the program's functions appear on `root`.
	void go.run(r.instance, { __parse_terraform_config_wasm__: root });
	for (const [file, src] of inputs()) {
		const out = await new Promise((resolve) => {
			root.parse(file, src, (err, msg) => resolve(err ? "ERR " + err : msg));
		});
		console.log(file + ": " + out);
	}
	console.log("STATS " + JSON.stringify(batching ? batching.batchingStats(go) : null));
	process.exit(0);
}).catch((e) => {
	console.log("ERROR " + (e && e.stack ? e.stack : e));
	process.exit(3);
});
