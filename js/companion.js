/* gowasm-batch companion @VERSION@ (batch protocol 1).
 *
 * A module rewritten by gowasm-batch records some bridge calls
 * (syscall/js.finalizeRef, valueSet, valueSetIndex, valueDelete) into a
 * buffer in its own memory and hands them over in batches through one
 * import, gowasm.flush(start, end). This file provides that import on top
 * of the user's own, unmodified wasm_exec.js (Go 1.14 to 1.26):
 *
 *     const go = new Go();
 *     enableBatching(go);
 *     const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
 *     go.run(instance);
 *
 * Each record is a copy of the import's argument frame, laid out so that
 * its address can stand for the Go stack pointer; replaying a record is
 * calling the glue's own import function with that address, in order.
 * Property names that live in the module's read-only data are decoded once
 * and reused (kinds 2 and 4), which needs the glue's value table
 * (go._values, present in every wasm_exec.js from Go 1.14 on); without it
 * the glue's own functions are used for those too.
 *
 * Semantics: identical to the unbatched module, except that a JS setter
 * which calls back into Go runs at the next flush (before the next other
 * bridge call, or before Go returns to JS) instead of at once. Enabling
 * batching for a module that was not rewritten changes nothing. */

const GOWASM_BATCH_PROTOCOL = 1;
const GOWASM_BATCH_VERSION = "@VERSION@";

const gowasmBatchStats = new WeakMap();

function enableBatching(go) {
	if (go === null || typeof go !== "object" || go.importObject === null || typeof go.importObject !== "object") {
		throw new TypeError("enableBatching: expected a Go instance (new Go() from wasm_exec.js)");
	}
	const io = go.importObject;
	if (io.gowasm && typeof io.gowasm.flush === "function") {
		return go; /* already enabled */
	}
	const abi = io.gojs ? "gojs" : io.go ? "go" : null;
	if (abi === null) {
		throw new Error("enableBatching: go.importObject has no \"go\" or \"gojs\" module: is this wasm_exec.js's Go?");
	}
	const glue = io[abi];
	for (const name of ["finalizeRef", "valueSet", "valueSetIndex", "valueDelete"]) {
		if (typeof glue["syscall/js." + name] !== "function") {
			throw new Error("enableBatching: this wasm_exec.js has no syscall/js." + name + " (Go 1.14 or later needed)");
		}
	}

	const stats = { flushes: 0, records: 0, namesDecoded: 0, namesReused: 0 };
	gowasmBatchStats.set(go, stats);
	const decoder = new TextDecoder("utf-8");
	const names = new Map();
	let buffer = null;
	let dv = null;
	let u8 = null;

	const view = () => {
		const b = go._inst.exports.mem.buffer;
		if (b !== buffer) {
			buffer = b;
			dv = new DataView(b);
			u8 = new Uint8Array(b);
		}
	};
	/* As the glue's loadValue: 0 is undefined, a number is itself, a
	 * NaN-boxed id indexes the value table. */
	const loadValue = (addr) => {
		const f = dv.getFloat64(addr, true);
		if (f === 0) {
			return undefined;
		}
		if (!isNaN(f)) {
			return f;
		}
		return go._values[dv.getUint32(addr, true)];
	};
	/* A name in read-only data: the same address always holds the same bytes. */
	const roName = (addr) => {
		const p = dv.getUint32(addr, true);
		const n = dv.getUint32(addr + 8, true);
		const key = n * 4294967296 + p;
		let s = names.get(key);
		if (s === undefined) {
			s = decoder.decode(u8.subarray(p, p + n));
			names.set(key, s);
			stats.namesDecoded++;
		} else {
			stats.namesReused++;
		}
		return s;
	};

	io.gowasm = {
		flush(start, end) {
			start >>>= 0;
			end >>>= 0;
			if (!go._inst) {
				return; /* the program has exited */
			}
			stats.flushes++;
			const fast = Array.isArray(go._values);
			let at = start;
			while (at < end) {
				view();
				const kind = dv.getUint32(at, true);
				const size = dv.getUint32(at + 4, true);
				if (size < 16 || size % 8 !== 0 || at + size > end) {
					throw new Error("gowasm: corrupt batch record at " + at + " (kind " + kind + ", size " + size + ")");
				}
				stats.records++;
				switch (kind) {
				case 1:
					glue["syscall/js.finalizeRef"](at);
					break;
				case 2:
					if (fast) {
						Reflect.set(loadValue(at + 8), roName(at + 16), loadValue(at + 32));
					} else {
						glue["syscall/js.valueSet"](at);
					}
					break;
				case 3:
					glue["syscall/js.valueSet"](at);
					break;
				case 4:
					if (fast) {
						Reflect.deleteProperty(loadValue(at + 8), roName(at + 16));
					} else {
						glue["syscall/js.valueDelete"](at);
					}
					break;
				case 5:
					glue["syscall/js.valueDelete"](at);
					break;
				case 6:
					glue["syscall/js.valueSetIndex"](at);
					break;
				default:
					throw new Error("gowasm: unknown batch record kind " + kind + " at " + at +
						" (module batched by a newer gowasm-batch? companion protocol " + GOWASM_BATCH_PROTOCOL + ")");
				}
				at += size;
			}
		},
	};
	return go;
}

/* Counters of a Go instance's batching (flushes, records replayed, names
 * decoded and reused), or undefined when batching was not enabled. */
function batchingStats(go) {
	const s = gowasmBatchStats.get(go);
	return s === undefined ? undefined : Object.assign({}, s);
}
