/* gowasm-batch companion @VERSION@ (batch protocol @PROTOCOL@).
 * SPDX-License-Identifier: MIT
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
 * and reused (records SET_RO and DELETE_RO), which needs the glue's value table
 * (go._values, present in every wasm_exec.js from Go 1.14 on); without it
 * the glue's own functions are used for those too.
 *
 * Semantics: identical to the unbatched module, except that a JS setter
 * which calls back into Go runs at the next flush (before the next other
 * bridge call, or before Go returns to JS) instead of at once. Enabling
 * batching for a module that was not rewritten changes nothing. */

/* @BATCH_PROTOCOL_CONSTANTS@: GOWASM_BATCH_PROTOCOL, GOWASM_RECORD_*, GOWASM_AT_* (js/wrap.py) */
const GOWASM_BATCH_VERSION = "@VERSION@";

const gowasmBatchStats = new WeakMap();

/* The glue's valueSetIndex is Reflect.set(target, index, value) with its
 * result ignored. An assignment in sloppy-mode code is exactly that for an
 * object target (PutValue: the target's [[Set]](key, value, target); a
 * false result is ignored, only strict code throws on it), for any object:
 * frozen, sealed, with setters or proxies anywhere, a Proxy itself. V8 runs
 * it through its inline caches instead of a call into the runtime, which
 * is what makes Reflect.set slow. This function is sloppy where the file
 * is not strict (the CommonJS form; the rest of the code is strict by the
 * directive of each function); gowasmLooseSetter checks that it really is
 * (it must not throw on a frozen array) before using it. */
function gowasmLooseStore(o, k, v) {
	o[k] = v;
}

/* A sloppy-mode store, or null: gowasmLooseStore in the CommonJS form;
 * in an ES module (always strict) one made by new Function, except in
 * browsers and workers, where that would break a Content Security Policy
 * without 'unsafe-eval' (and report it), and wherever code generation
 * from strings is forbidden. */
let gowasmLoose;

/* %TypedArray%.prototype[@@toStringTag]'s getter: the name of a typed
 * array, undefined for anything else. A brand check that runs no user code
 * (instanceof would walk a prototype chain, which may hold a Proxy). */
const gowasmTypedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype),
	Symbol.toStringTag).get;

function gowasmLooseSetter() {
	"use strict";
	if (gowasmLoose !== undefined) {
		return gowasmLoose;
	}
	/* Index 0 is the probe's own read-only element: [[Set]] returns false
	 * without looking at the prototypes (whose setters must not run). */
	const sloppy = (f) => {
		try {
			const probe = Object.freeze([0]);
			f(probe, 0, 1);
			return probe[0] === 0;
		} catch (e) {
			return false;
		}
	};
	gowasmLoose = null;
	if (sloppy(gowasmLooseStore)) {
		gowasmLoose = gowasmLooseStore;
	} else if (typeof document === "undefined" && typeof WorkerGlobalScope === "undefined") {
		try {
			const f = new Function("o", "k", "v", "o[k] = v;");
			if (sloppy(f)) {
				gowasmLoose = f;
			}
		} catch (e) {
			/* code generation from strings is not allowed: Reflect.set */
		}
	}
	return gowasmLoose;
}

function enableBatching(go) {
	"use strict";
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

	/* setIndex*: runs of SetIndex records replayed by assignment to a
	 * typed array, by the sloppy-mode store, by Reflect.set. */
	const stats = { flushes: 0, records: 0, namesDecoded: 0, namesReused: 0, setIndexTyped: 0, setIndexLoose: 0,
		setIndexReflect: 0 };
	gowasmBatchStats.set(go, stats);
	const decoder = new TextDecoder("utf-8");
	const glueFinalizeRef = glue["syscall/js.finalizeRef"];
	const glueValueSet = glue["syscall/js.valueSet"];
	const glueValueSetIndex = glue["syscall/js.valueSetIndex"];
	const glueValueDelete = glue["syscall/js.valueDelete"];
	const glueValueGet = glue["syscall/js.valueGet"];
	const glueValueCall = glue["syscall/js.valueCall"];

	/* Views of the module's memory, renewed when it grows (growing
	 * detaches the old buffer, whose views then read as empty). */
	let dv = null;
	let u8 = new Uint8Array(0);
	const view = () => {
		if (u8.length === 0) {
			const b = go._inst.exports.mem.buffer;
			dv = new DataView(b);
			u8 = new Uint8Array(b);
			/* The glue's own view too: a flush runs just before the
			 * runtime.resetMemoryDataView call that would renew it after
			 * Go grew its memory, and the replay uses the glue's functions. */
			if (go.mem instanceof DataView && go.mem.buffer !== b) {
				go.mem = new DataView(b);
			}
		}
	};

	/* The glue's value table, when it has the layout every wasm_exec.js
	 * from Go 1.14 to 1.26 has; otherwise the glue's own functions are
	 * used for everything. */
	const tableOK = () => Array.isArray(go._values) && Array.isArray(go._goRefCounts) &&
		go._ids instanceof Map && Array.isArray(go._idPool);
	/* storeValue below is that of Go 1.15 to 1.26, whose run() maps null,
	 * true and false to ids 2, 3, 4 with type flag 0; Go 1.14's glue stores
	 * them without ids (its own storeValue is used then). */
	const storeOK = () => tableOK() && go._ids.get(null) === 2 && go._ids.get(false) === 4;
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
	/* As the glue's storeValue (same ids, reference counts, type flags). */
	const storeValue = (addr, v) => {
		const nanHead = 0x7FF80000;
		if (typeof v === "number" && v !== 0) {
			if (isNaN(v)) {
				dv.setUint32(addr + 4, nanHead, true);
				dv.setUint32(addr, 0, true);
				return;
			}
			dv.setFloat64(addr, v, true);
			return;
		}
		if (v === undefined) {
			dv.setFloat64(addr, 0, true);
			return;
		}
		let id = go._ids.get(v);
		if (id === undefined) {
			id = go._idPool.pop();
			if (id === undefined) {
				id = go._values.length;
			}
			go._values[id] = v;
			go._goRefCounts[id] = 0;
			go._ids.set(v, id);
		}
		go._goRefCounts[id]++;
		let typeFlag = 0;
		switch (typeof v) {
		case "object":
			if (v !== null) {
				typeFlag = 1;
			}
			break;
		case "string":
			typeFlag = 2;
			break;
		case "symbol":
			typeFlag = 3;
			break;
		case "function":
			typeFlag = 4;
			break;
		}
		dv.setUint32(addr + 4, nanHead | typeFlag, true);
		dv.setUint32(addr, id, true);
	};

	/* Names in read-only data, decoded once: an address always holds the
	 * same bytes there. Keyed by address, checked by length (a literal's
	 * prefix shares its address). */
	const names = new Map();
	const roName = (p, n) => {
		const e = names.get(p);
		if (e !== undefined && e.n === n) {
			stats.namesReused++;
			return e.s;
		}
		const s = decoder.decode(u8.subarray(p, p + n));
		names.set(p, { n, s });
		stats.namesDecoded++;
		return s;
	};
	/* The read-only range the rewritten module exports (absent: none). */
	let roStart = -1;
	let roEnd = 0;
	const readOnly = (p, n) => {
		if (roStart < 0) {
			const ex = go._inst.exports;
			const s = ex["gowasm.ro_start"];
			const e = ex["gowasm.ro_end"];
			roStart = s instanceof WebAssembly.Global ? s.value >>> 0 : 0;
			roEnd = e instanceof WebAssembly.Global ? e.value >>> 0 : 0;
		}
		return p >= roStart && p + n <= roEnd;
	};

	/* valueGet and valueCall are not deferred (they return values), but
	 * their names are decoded once when they are read-only. */
	glue["syscall/js.valueGet"] = function (sp) {
		sp >>>= 0;
		view();
		const p = dv.getUint32(sp + 16, true);
		const n = dv.getUint32(sp + 24, true);
		if (!readOnly(p, n) || !storeOK()) {
			return Reflect.apply(glueValueGet, this, arguments);
		}
		const result = Reflect.get(loadValue(sp + 8), roName(p, n));
		sp = go._inst.exports.getsp() >>> 0; /* a getter may have moved the stack */
		view();
		storeValue(sp + 32, result);
	};
	glue["syscall/js.valueCall"] = function (sp) {
		sp >>>= 0;
		view();
		const p = dv.getUint32(sp + 16, true);
		const n = dv.getUint32(sp + 24, true);
		if (!readOnly(p, n) || !storeOK()) {
			return Reflect.apply(glueValueCall, this, arguments);
		}
		try {
			const v = loadValue(sp + 8);
			const m = Reflect.get(v, roName(p, n));
			view(); /* a getter may have run Go, which may have grown memory */
			const array = dv.getUint32(sp + 32, true) + dv.getInt32(sp + 36, true) * 4294967296;
			const len = dv.getUint32(sp + 40, true) + dv.getInt32(sp + 44, true) * 4294967296;
			const args = new Array(len);
			for (let i = 0; i < len; i++) {
				args[i] = loadValue(array + i * 8);
			}
			const result = Reflect.apply(m, v, args);
			sp = go._inst.exports.getsp() >>> 0;
			view();
			storeValue(sp + 56, result);
			dv.setUint8(sp + 64, 1);
		} catch (err) {
			sp = go._inst.exports.getsp() >>> 0;
			view();
			storeValue(sp + 56, err);
			dv.setUint8(sp + 64, 0);
		}
	};

	/* The batch buffer sits above 12288, where the glue of Go 1.18 and
	 * later stops writing argv and environment (it throws past it); older
	 * glues do not check, so the same limit is enforced here. */
	const run = go.run;
	go.run = function (instance) {
		/* Every argument and `this` go through: glues add their own
		 * (@cdktf/hcl2json's `run(instance, thing = {})`). */
		if (!(instance && instance.exports && instance.exports["gowasm.ro_start"] instanceof WebAssembly.Global)) {
			return Reflect.apply(run, this, arguments); /* not batched: nothing to protect */
		}
		const enc = new TextEncoder();
		let offset = 4096;
		const strings = [...go.argv, ...Object.keys(go.env).map((k) => k + "=" + go.env[k])];
		for (const str of strings) {
			offset += enc.encode(str + "\0").length;
			if (offset % 8 !== 0) {
				offset += 8 - (offset % 8);
			}
		}
		offset += (strings.length + 2) * 8;
		if (offset >= 12288) {
			throw new Error("gowasm: total length of command line and environment variables exceeds limit " +
				"(8 KiB, as in wasm_exec.js of Go 1.18 and later; the batch buffer lies above it)");
		}
		return Reflect.apply(run, this, arguments);
	};

	/* While a batch is replayed, JS it runs (a setter) may call back into
	 * Go, whose garbage collector may then finalize a js.Value that a
	 * later record of the outer batch still names: Go let go of it after
	 * recording. Releases are therefore held until the outermost replay
	 * is over, so no id is freed (and reused) under a pending record. */
	let depth = 0;
	const held = [];
	const release = (id) => {
		go._goRefCounts[id]--;
		if (go._goRefCounts[id] === 0) { /* as the glue's finalizeRef */
			const v = go._values[id];
			go._values[id] = null;
			go._ids.delete(v);
			go._idPool.push(id);
		}
	};
	glue["syscall/js.finalizeRef"] = function (sp) {
		if (depth > 0 && tableOK()) {
			view();
			held.push(dv.getUint32((sp >>> 0) + 8, true));
		} else {
			return Reflect.apply(glueFinalizeRef, this, arguments);
		}
	};

	io.gowasm = {
		flush(start, end) {
			start >>>= 0;
			end >>>= 0;
			if (!go._inst) {
				return; /* the program has exited */
			}
			depth++;
			try {
				replay(start, end);
			} finally {
				depth--;
			}
			if (depth === 0 && held.length > 0 && go._inst) {
				for (let i = 0; i < held.length; i++) {
					release(held[i]);
				}
				held.length = 0;
			}
		},
	};

	/* Replays a run of SetIndex records on one target: the record at at
	 * (of size bytes) and the 32-byte ones on the same target that follow
	 * it before end; returns where the run stopped. The target is
	 * looked up once. The value is decoded in place, as the glue's
	 * loadValue does (0 is undefined, another number is itself, a NaN-boxed
	 * id indexes the value table), so a number costs no call. How each
	 * element is stored is chosen once per run, and each way is exactly the
	 * glue's Reflect.set(target, index, value) with its result ignored:
	 * - a typed array: assignment. [[Set]] of a number key on a typed array
	 *   always succeeds (out-of-range writes are dropped), so strict
	 *   assignment never throws where Reflect.set would not.
	 * - any other object (Array, ordinary object, function, Proxy, frozen,
	 *   with setters...): the sloppy-mode store (gowasmLooseSetter), whose
	 *   assignment ignores a false [[Set]] as Reflect.set's caller does.
	 * - otherwise (no sloppy store in this host, or not an object):
	 *   Reflect.set itself.
	 * A setter, trap or valueOf run by a store may call Go, which may grow
	 * the memory: the view is renewed after every store. */
	const setIndexRun = (at, size, end) => {
		const lo = dv.getUint32(at + GOWASM_AT_REF, true);
		const hi = dv.getUint32(at + GOWASM_AT_REF + 4, true);
		const target = loadValue(at + GOWASM_AT_REF);
		const typed = gowasmTypedArrayName.call(target) !== undefined;
		const loose = !typed && target !== null && (typeof target === "object" || typeof target === "function") ?
			gowasmLooseSetter() : null;
		if (typed) {
			stats.setIndexTyped++;
		} else if (loose !== null) {
			stats.setIndexLoose++;
		} else {
			stats.setIndexReflect++;
		}
		for (;;) {
			const index = dv.getUint32(at + GOWASM_AT_INDEX, true) + dv.getInt32(at + GOWASM_AT_INDEX + 4, true) * 4294967296;
			const f = dv.getFloat64(at + GOWASM_AT_INDEX_VALUE, true);
			const value = f === 0 ? undefined : f === f ? f : go._values[dv.getUint32(at + GOWASM_AT_INDEX_VALUE, true)];
			if (typed) {
				target[index] = value;
			} else if (loose !== null) {
				loose(target, index, value);
			} else {
				Reflect.set(target, index, value);
			}
			if (u8.length === 0) {
				view();
			}
			at += size;
			size = GOWASM_RECORD_SET_INDEX_SIZE;
			if (at + size > end || dv.getUint32(at + GOWASM_AT_KIND, true) !== GOWASM_RECORD_SET_INDEX ||
				dv.getUint32(at + GOWASM_AT_SIZE, true) !== size ||
				dv.getUint32(at + GOWASM_AT_REF, true) !== lo || dv.getUint32(at + GOWASM_AT_REF + 4, true) !== hi) {
				break;
			}
			stats.records++;
		}
		return at;
	};

	/* Replays the records in [start, end), in order. */
	const replay = (start, end) => {
			stats.flushes++;
			const fast = tableOK();
			let at = start;
			while (at < end) {
				view();
				const kind = dv.getUint32(at + GOWASM_AT_KIND, true);
				const size = dv.getUint32(at + GOWASM_AT_SIZE, true);
				/* Each kind's frame, at least. */
				const least = kind < GOWASM_RECORD_LEAST.length ? GOWASM_RECORD_LEAST[kind] : GOWASM_RECORD_LEAST[0];
				if (size < least || (size & 7) !== 0 || at + size > end) {
					throw new Error("gowasm: corrupt batch record at " + at + " (kind " + kind + ", size " + size + ")");
				}
				stats.records++;
				switch (kind) {
				case GOWASM_RECORD_FINALIZE_REF:
					if (fast && depth > 1) {
						held.push(dv.getUint32(at + GOWASM_AT_REF, true));
					} else {
						glueFinalizeRef(at);
					}
					break;
				case GOWASM_RECORD_SET_RO:
					if (fast) {
						Reflect.set(loadValue(at + GOWASM_AT_REF),
							roName(dv.getUint32(at + GOWASM_AT_NAME, true), dv.getUint32(at + GOWASM_AT_NAME_LEN, true)),
							loadValue(at + GOWASM_AT_SET_VALUE));
					} else {
						glueValueSet(at);
					}
					break;
				case GOWASM_RECORD_SET_COPY:
					glueValueSet(at);
					break;
				case GOWASM_RECORD_DELETE_RO:
					if (fast) {
						Reflect.deleteProperty(loadValue(at + GOWASM_AT_REF),
							roName(dv.getUint32(at + GOWASM_AT_NAME, true), dv.getUint32(at + GOWASM_AT_NAME_LEN, true)));
					} else {
						glueValueDelete(at);
					}
					break;
				case GOWASM_RECORD_DELETE_COPY:
					glueValueDelete(at);
					break;
				case GOWASM_RECORD_SET_INDEX:
					if (fast) {
						at = setIndexRun(at, size, end);
						continue;
					}
					glueValueSetIndex(at);
					break;
				default:
					throw new Error("gowasm: unknown batch record kind " + kind + " at " + at +
						" (module batched by a newer gowasm-batch? companion protocol " + GOWASM_BATCH_PROTOCOL + ")");
				}
				at += size;
			}
	};
	return go;
}

/* Counters of a Go instance's batching (flushes, records replayed, names
 * decoded and reused, runs of SetIndex records by the way they were
 * stored), or undefined when batching was not enabled. */
function batchingStats(go) {
	"use strict";
	const s = gowasmBatchStats.get(go);
	return s === undefined ? undefined : Object.assign({}, s);
}
