// Runs a Go js/wasm module under Node 20 with the user's own wasm_exec.js,
// batched through the gowasm companion when one is given:
//     node run.cjs GLUE/wasm_exec.js MODULE.wasm [COMPANION.cjs]
"use strict";
const fs = require("fs");
const [glue, wasm, companion] = process.argv.slice(2);

globalThis.fs ??= fs;              // the glue writes stdout through fs.writeSync
require(require("path").resolve(glue)); // defines globalThis.Go

const go = new Go();
if (companion) {
	require(require("path").resolve(companion)).enableBatching(go); // before instantiating
}
go.exit = process.exit;
WebAssembly.instantiate(fs.readFileSync(wasm), go.importObject)
	.then(({ instance }) => go.run(instance))
	.catch((err) => { console.error(err); process.exit(1); });
