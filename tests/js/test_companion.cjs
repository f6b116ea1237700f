#!/usr/bin/env node
// Unit test of the gowasm-batch JS companion (js/companion.js, built into
// gowasm-batch.cjs and gowasm-batch.mjs), without Go:
//
//   node test_companion.cjs COMPANION_DIR
//
// A fake Go instance shaped like wasm_exec.js's (value table, ids, reference
// counts, a DataView `mem` over a WebAssembly.Memory, an `_inst` exporting
// mem, getsp and the gowasm.ro_start/ro_end globals) carries import
// functions written exactly like Go 1.19's misc/wasm/wasm_exec.js
// (loadValue, storeValue, loadString, finalizeRef, valueSet, valueSetIndex,
// valueDelete, valueGet, valueCall, reading `go.mem`). The test writes batch
// records (layout: passes/batch.c) into the memory, calls
// importObject.gowasm.flush(start, end), and compares the JS state with a
// twin fake Go driven by the plain glue functions one call at a time.
//
// The whole suite runs four times: CommonJS and ES module builds, each with
// the Go 1.19 import module "go" and the Go 1.21+ one "gojs"; then the
// SetIndex checks again in two child processes, a browser-like host and one
// where code generation from strings is forbidden. Output is TAP.
"use strict";

const path = require("path");
const url = require("url");
const assert = require("assert/strict");

const companionDir = path.resolve(process.argv[2] || path.join(__dirname, "..", "..", "build", "js"));

// ---------------------------------------------------------------- TAP

let count = 0;
let failures = 0;

function check(name, fn) {
	count++;
	let err = null;
	try {
		fn();
	} catch (e) {
		err = e;
	}
	if (err === null) {
		console.log(`ok ${count} - ${name}`);
		return;
	}
	failures++;
	console.log(`not ok ${count} - ${name}`);
	const text = err && err.stack ? String(err.stack) : String(err);
	const lines = text.split("\n");
	for (const line of lines.slice(0, 80)) console.log("#   " + line);
	if (lines.length > 80) console.log(`#   ... (${lines.length - 80} more lines)`);
}

// Runs a scenario once; several checks then read its result (or rethrow
// what made it fail).
function scenario(fn) {
	try {
		return { ok: true, r: fn() };
	} catch (e) {
		return { ok: false, e };
	}
}
function got(s) {
	if (!s.ok) throw s.e;
	return s.r;
}

// ---------------------------------------------------------------- memory layout

const PAGE = 65536;
const RO_START = 0x4000; // the module's read-only data [RO_START, RO_END)
const RO_END = 0x6000;
const RO_MANUAL = 0x5000; // read-only names placed by hand (below: allocated ones)
const HEAP = 0x8000; // names that are not read-only, argument slices
const HEAP_END = 0xC000;
const SP = 0xC000; // the Go stack pointer of the frames
const SP2 = 0xD000; // where a getter "moves the goroutine's stack" to
const SPF = 0xE000; // spare frame
const BATCH = 0x10000; // batch buffer
const NAN_HEAD = 0x7FF80000;

const encoder = new TextEncoder();

// ---------------------------------------------------------------- the fake Go

// Shaped like wasm_exec.js's Go after run() started; the import functions are
// Go 1.19's, with `this` being the fake go.
class FakeGo {
	constructor(abi) {
		const go = this;
		this.argv = ["js"];
		this.env = {};
		this.exited = false;
		this.memory = new WebAssembly.Memory({ initial: 4, maximum: 64 });
		this.sp = SP;
		this.glueCalls = Object.create(null); // calls of the glue's own import functions
		this.runCalls = []; // calls of the original run()
		this._values = [NaN, 0, null, true, false, globalThis, this];
		this._goRefCounts = new Array(this._values.length).fill(Infinity);
		this._ids = new Map([[0, 1], [null, 2], [true, 3], [false, 4], [globalThis, 5], [this, 6]]);
		this._idPool = [];
		this.mem = new DataView(this.memory.buffer);
		this._inst = {
			exports: {
				mem: this.memory,
				getsp: () => go.sp,
				run: () => {},
				resume: () => {},
				"gowasm.ro_start": new WebAssembly.Global({ value: "i32" }, RO_START),
				"gowasm.ro_end": new WebAssembly.Global({ value: "i32" }, RO_END),
			},
		};

		const decoder = new TextDecoder("utf-8");

		// ---- Go 1.19 wasm_exec.js, this -> go
		const setInt64 = (addr, v) => {
			go.mem.setUint32(addr + 0, v, true);
			go.mem.setUint32(addr + 4, Math.floor(v / 4294967296), true);
		};

		const getInt64 = (addr) => {
			const low = go.mem.getUint32(addr + 0, true);
			const high = go.mem.getInt32(addr + 4, true);
			return low + high * 4294967296;
		};

		const loadValue = (addr) => {
			const f = go.mem.getFloat64(addr, true);
			if (f === 0) {
				return undefined;
			}
			if (!isNaN(f)) {
				return f;
			}

			const id = go.mem.getUint32(addr, true);
			return go._values[id];
		};

		const storeValue = (addr, v) => {
			const nanHead = 0x7FF80000;

			if (typeof v === "number" && v !== 0) {
				if (isNaN(v)) {
					go.mem.setUint32(addr + 4, nanHead, true);
					go.mem.setUint32(addr, 0, true);
					return;
				}
				go.mem.setFloat64(addr, v, true);
				return;
			}

			if (v === undefined) {
				go.mem.setFloat64(addr, 0, true);
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
			go.mem.setUint32(addr + 4, nanHead | typeFlag, true);
			go.mem.setUint32(addr, id, true);
		};

		const loadSliceOfValues = (addr) => {
			const array = getInt64(addr + 0);
			const len = getInt64(addr + 8);
			const a = new Array(len);
			for (let i = 0; i < len; i++) {
				a[i] = loadValue(array + i * 8);
			}
			return a;
		};

		const loadString = (addr) => {
			const saddr = getInt64(addr + 0);
			const len = getInt64(addr + 8);
			return decoder.decode(new DataView(go._inst.exports.mem.buffer, saddr, len));
		};

		const counted = (name, f) => (sp) => {
			go.glueCalls[name] = (go.glueCalls[name] || 0) + 1;
			return f(sp);
		};

		const imports = {
			// func wasmExit(code int32)
			"runtime.wasmExit": (sp) => {
				sp >>>= 0;
				go.exited = true;
				delete go._inst;
				delete go._values;
				delete go._goRefCounts;
				delete go._ids;
				delete go._idPool;
			},

			// func resetMemoryDataView()
			"runtime.resetMemoryDataView": (sp) => {
				sp >>>= 0;
				go.mem = new DataView(go._inst.exports.mem.buffer);
			},

			// func finalizeRef(v ref)
			"syscall/js.finalizeRef": counted("finalizeRef", (sp) => {
				sp >>>= 0;
				const id = go.mem.getUint32(sp + 8, true);
				go._goRefCounts[id]--;
				if (go._goRefCounts[id] === 0) {
					const v = go._values[id];
					go._values[id] = null;
					go._ids.delete(v);
					go._idPool.push(id);
				}
			}),

			// func valueGet(v ref, p string) ref
			"syscall/js.valueGet": counted("valueGet", (sp) => {
				sp >>>= 0;
				const result = Reflect.get(loadValue(sp + 8), loadString(sp + 16));
				sp = go._inst.exports.getsp() >>> 0; // see comment above
				storeValue(sp + 32, result);
			}),

			// func valueSet(v ref, p string, x ref)
			"syscall/js.valueSet": counted("valueSet", (sp) => {
				sp >>>= 0;
				Reflect.set(loadValue(sp + 8), loadString(sp + 16), loadValue(sp + 32));
			}),

			// func valueDelete(v ref, p string)
			"syscall/js.valueDelete": counted("valueDelete", (sp) => {
				sp >>>= 0;
				Reflect.deleteProperty(loadValue(sp + 8), loadString(sp + 16));
			}),

			// valueSetIndex(v ref, i int, x ref)
			"syscall/js.valueSetIndex": counted("valueSetIndex", (sp) => {
				sp >>>= 0;
				Reflect.set(loadValue(sp + 8), getInt64(sp + 16), loadValue(sp + 24));
			}),

			// func valueCall(v ref, m string, args []ref) (ref, bool)
			"syscall/js.valueCall": counted("valueCall", (sp) => {
				sp >>>= 0;
				try {
					const v = loadValue(sp + 8);
					const m = Reflect.get(v, loadString(sp + 16));
					const args = loadSliceOfValues(sp + 32);
					const result = Reflect.apply(m, v, args);
					sp = go._inst.exports.getsp() >>> 0; // see comment above
					storeValue(sp + 56, result);
					go.mem.setUint8(sp + 64, 1);
				} catch (err) {
					sp = go._inst.exports.getsp() >>> 0; // see comment above
					storeValue(sp + 56, err);
					go.mem.setUint8(sp + 64, 0);
				}
			}),
		};
		if (abi === "go") {
			this.importObject = { go: imports };
		} else {
			this.importObject = { _gotest: { add: (a, b) => a + b }, gojs: imports };
		}
	}

	// Stands for wasm_exec.js's run (no argv/env limit of its own, as before Go 1.18).
	run(instance) {
		this.runCalls.push({ self: this, instance, args: [...arguments] });
		return "original run";
	}
}

// ---------------------------------------------------------------- values and records

const scratch = new DataView(new ArrayBuffer(8));

// Stores a JS value into the fake's tables as the glue's storeValue does and
// returns its 8-byte encoding { lo, hi }.
function storeJS(go, v) {
	if (typeof v === "number" && v !== 0) {
		if (isNaN(v)) return { lo: 0, hi: NAN_HEAD };
		scratch.setFloat64(0, v, true);
		return { lo: scratch.getUint32(0, true), hi: scratch.getUint32(4, true) };
	}
	if (v === undefined) return { lo: 0, hi: 0 };
	let id = go._ids.get(v);
	if (id === undefined) {
		id = go._idPool.pop();
		if (id === undefined) id = go._values.length;
		go._values[id] = v;
		go._goRefCounts[id] = 0;
		go._ids.set(v, id);
	}
	go._goRefCounts[id]++;
	let typeFlag = 0;
	switch (typeof v) {
	case "object": if (v !== null) typeFlag = 1; break;
	case "string": typeFlag = 2; break;
	case "symbol": typeFlag = 3; break;
	case "function": typeFlag = 4; break;
	}
	return { lo: id, hi: (NAN_HEAD | typeFlag) >>> 0 };
}

// A plain number's encoding (no table entry).
function num(v) {
	assert.ok(typeof v === "number" && v !== 0 && !isNaN(v));
	scratch.setFloat64(0, v, true);
	return { lo: scratch.getUint32(0, true), hi: scratch.getUint32(4, true) };
}

const dvOf = (go) => new DataView(go.memory.buffer);
const putWord = (dv, addr, w) => { dv.setUint32(addr, w.lo, true); dv.setUint32(addr + 4, w.hi, true); };
const putU64 = (dv, addr, n) => dv.setBigUint64(addr, BigInt(n), true);
const putI64 = (dv, addr, n) => dv.setBigInt64(addr, BigInt(n), true);
const getWord = (go, addr) => { const dv = dvOf(go); return { lo: dv.getUint32(addr, true), hi: dv.getUint32(addr + 4, true) }; };
const align8 = (n) => (n + 7) & ~7;

function putBytes(go, addr, bytes) {
	new Uint8Array(go.memory.buffer, addr, bytes.length).set(bytes);
}

// Writes batch records (passes/batch.c) into go's memory from `start` on.
class Records {
	constructor(go, start) {
		this.go = go;
		this.start = start;
		this.end = start;
		this.n = 0;
	}
	dv() { return dvOf(this.go); }
	head(kind, size) {
		const r = this.end;
		const dv = this.dv();
		dv.setUint32(r, kind, true);
		dv.setUint32(r + 4, size, true);
		this.end += size;
		this.n++;
		return r;
	}
	// kind 1, size 16: id @8
	fin(ref) {
		const r = this.head(1, 16);
		putWord(this.dv(), r + 8, ref);
		return r;
	}
	// kind 2, size 40: ref @8, name @16 (read-only), value @32
	setRO(target, p, n, value) {
		const r = this.head(2, 40);
		const dv = this.dv();
		putWord(dv, r + 8, target);
		putU64(dv, r + 16, p);
		putU64(dv, r + 24, n);
		putWord(dv, r + 32, value);
		return r;
	}
	// kind 3, size 40 + name: as 2, name copied at @40 (pointer redirected there)
	setCopy(target, name, value) {
		const bytes = encoder.encode(name);
		const size = 40 + align8(bytes.length);
		const r = this.head(3, size);
		const dv = this.dv();
		putWord(dv, r + 8, target);
		putU64(dv, r + 16, r + 40);
		putU64(dv, r + 24, bytes.length);
		putWord(dv, r + 32, value);
		new Uint8Array(this.go.memory.buffer, r + 40, size - 40).fill(0xA5); // padding: not part of the name
		putBytes(this.go, r + 40, bytes);
		return r;
	}
	// kind 4, size 32: ref @8, name @16 (read-only)
	delRO(target, p, n) {
		const r = this.head(4, 32);
		const dv = this.dv();
		putWord(dv, r + 8, target);
		putU64(dv, r + 16, p);
		putU64(dv, r + 24, n);
		return r;
	}
	// kind 5, size 32 + name: as 4, name copied at @32
	delCopy(target, name) {
		const bytes = encoder.encode(name);
		const size = 32 + align8(bytes.length);
		const r = this.head(5, size);
		const dv = this.dv();
		putWord(dv, r + 8, target);
		putU64(dv, r + 16, r + 32);
		putU64(dv, r + 24, bytes.length);
		new Uint8Array(this.go.memory.buffer, r + 32, size - 32).fill(0xA5);
		putBytes(this.go, r + 32, bytes);
		return r;
	}
	// kind 6, size 32: ref @8, i64 index @16, value @24
	setIndex(target, index, value) {
		const r = this.head(6, 32);
		const dv = this.dv();
		putWord(dv, r + 8, target);
		putI64(dv, r + 16, index);
		putWord(dv, r + 24, value);
		return r;
	}
	// A header only (the body is zeroed).
	raw(kind, size, bodyBytes = size) {
		const r = this.end;
		new Uint8Array(this.go.memory.buffer, r, Math.max(8, bodyBytes)).fill(0);
		const dv = this.dv();
		dv.setUint32(r, kind, true);
		dv.setUint32(r + 4, size, true);
		this.end += bodyBytes;
		this.n++;
		return r;
	}
	flush() {
		this.go.importObject.gowasm.flush(this.start, this.end);
	}
}

// ---------------------------------------------------------------- worlds

// The same JS objects, stored into a fake go's tables in the same order, so
// that a batched world and a glue-driven one have the same ids.
function buildWorld(go, abi, extra) {
	const w = {
		go, abi, log: [], objs: Object.create(null), labels: new Map(), refs: Object.create(null),
		tmps: new Map(), roNames: new Map(), roNext: RO_START, heapNext: HEAP,
	};
	const log = w.log;
	const d = (v) => ser(w, v);
	const add = (label, obj) => { w.objs[label] = obj; w.labels.set(obj, label); };
	const o1 = { a: 1, b: "bee", gone: true, alsoGone: 2, "ünï🙂": "unicode" };
	o1.me = o1;
	add("o1", o1);
	add("acc", {
		get watched() { return this._w; },
		set watched(v) { log.push(["acc.watched=", d(v)]); this._w = v; },
	});
	add("arr", [1, 2, 3]);
	add("f64", new Float64Array(4));
	add("u8", new Uint8Array(4));
	add("prox", new Proxy({ keep: 1, drop: 2 }, {
		set(t, k, v) { log.push(["prox.set", String(k), d(v)]); return Reflect.set(t, k, v); },
		deleteProperty(t, k) { log.push(["prox.del", String(k)]); return Reflect.deleteProperty(t, k); },
	}));
	add("idxSetter", Object.defineProperty({}, "2", {
		get() { return "got"; },
		set(v) { log.push(["idxSetter[2]=", d(v)]); },
		enumerable: true,
		configurable: true,
	}));
	add("frozen", Object.freeze({ k: 1, l: 2 }));
	add("proxArr", new Proxy([0, 0], {
		set(t, k, v) { log.push(["proxArr.set", String(k), d(v)]); return Reflect.set(t, k, v); },
	}));
	add("frozenU8", Object.freeze(new Uint8Array(0)));
	add("holder", { child: null });
	add("getters", {
		get moving() { w.go.sp = SP2; return "moved"; },
		get growing() {
			// Go code run by the getter grows its memory and, as Go does,
			// calls runtime.resetMemoryDataView.
			w.go.memory.grow(1);
			w.go.importObject[w.abi]["runtime.resetMemoryDataView"](0);
			return { grown: true };
		},
		get throwing() { throw new RangeError("getter failed"); },
		plain: 42,
	});
	add("calc", {
		add(a, b) { return a + b; },
		make(x) { return { made: x }; },
		self() { return this; },
		boom() { throw new RangeError("boom"); },
		get lazy() { w.go.sp = SP2; return function () { return "lazy"; }; },
		get grown() {
			w.go.memory.grow(1);
			w.go.importObject[w.abi]["runtime.resetMemoryDataView"](0);
			return function (a) { return a * 2; };
		},
		notFn: 5,
	});
	if (extra) extra(w, add);
	for (const label of Object.keys(w.objs)) w.refs[label] = storeJS(go, w.objs[label]);
	return w;
}

// A read-only name (allocated once per world, in the same order in twins).
function roAddr(w, name) {
	if (!w.roNames.has(name)) {
		const bytes = encoder.encode(name);
		assert.ok(w.roNext + bytes.length <= RO_MANUAL, "test: read-only allocation area full");
		putBytes(w.go, w.roNext, bytes);
		w.roNames.set(name, { p: w.roNext, n: bytes.length });
		w.roNext += bytes.length;
	}
	return w.roNames.get(name);
}

// A name on the heap (not read-only): a fresh copy each time.
function heapStr(w, name) {
	const bytes = encoder.encode(name);
	assert.ok(w.heapNext + bytes.length <= HEAP_END, "test: heap area full");
	const p = w.heapNext;
	putBytes(w.go, p, bytes);
	w.heapNext = align8(p + bytes.length + 1);
	return { p, n: bytes.length };
}

function heapWords(w, words) {
	const p = w.heapNext;
	assert.ok(p + words.length * 8 <= HEAP_END, "test: heap area full");
	const dv = dvOf(w.go);
	words.forEach((x, i) => putWord(dv, p + i * 8, x));
	w.heapNext = align8(p + words.length * 8);
	return p;
}

function ser(w, v, depth = 0) {
	switch (typeof v) {
	case "undefined": return "undefined";
	case "number": return Object.is(v, -0) ? "num:-0" : "num:" + v;
	case "string": return "str:" + JSON.stringify(v);
	case "boolean": return "bool:" + v;
	case "bigint": return "big:" + v;
	case "symbol": return "sym:" + String(v.description);
	}
	if (v === null) return "null";
	if (w.labels.has(v)) return "@" + w.labels.get(v);
	if (v === globalThis) return "@global";
	if (v === w.go) return "@go";
	if (v instanceof Error) return "err:" + v.name + ":" + v.message;
	if (typeof v === "function") return "fn:" + v.name;
	if (depth > 1) return "obj";
	return "anon{" + Reflect.ownKeys(v).map((k) => String(k) + "=" + ser(w, v[k], depth + 1)).join(",") + "}";
}

function dumpObj(w, o) {
	const out = [String(Object.getPrototypeOf(o) && Object.getPrototypeOf(o).constructor &&
		Object.getPrototypeOf(o).constructor.name)];
	for (const k of Reflect.ownKeys(o)) {
		const desc = Reflect.getOwnPropertyDescriptor(o, k);
		out.push([String(k), "value" in desc ? ser(w, desc.value) : "accessor", desc.writable, desc.enumerable,
			desc.configurable]);
	}
	return out;
}

// Everything a batch can change: the world's objects, its log, the tables.
function snapshot(w) {
	const go = w.go;
	const objs = {};
	for (const label of Object.keys(w.objs)) {
		try {
			objs[label] = dumpObj(w, w.objs[label]);
		} catch (e) { // a revoked Proxy
			objs[label] = "throws " + errSig(e);
		}
	}
	return {
		objs,
		log: w.log.slice(),
		values: go._values ? Array.from(go._values, (v) => ser(w, v)) : null,
		refCounts: go._goRefCounts ? go._goRefCounts.slice() : null,
		idPool: go._idPool ? go._idPool.slice() : null,
		ids: go._ids ? [...go._ids].map(([k, id]) => [ser(w, k), id]) : null,
	};
}

// ---------------------------------------------------------------- operations

// An operation, replayed either as a record (batched world) or as a call of
// the glue import with an equivalent frame (reference world):
//   { k: "fin", ref }   { k: "set", target, name, ro, value }
//   { k: "del", target, name, ro }   { k: "idx", target, index, value }
// Value specs: { obj: label } the world's stored ref; { tmp: key, val } a ref
// made once per key; { val } a new Go reference each time (val may be a
// function of the world).
function encSpec(w, spec) {
	const resolve = (val) => (typeof val === "function" ? val(w) : val);
	if ("obj" in spec) return w.refs[spec.obj];
	if ("tmp" in spec) {
		if (!w.tmps.has(spec.tmp)) w.tmps.set(spec.tmp, storeJS(w.go, resolve(spec.val)));
		return w.tmps.get(spec.tmp);
	}
	return storeJS(w.go, resolve(spec.val));
}

// All references are made before anything runs, as Go made them before the
// flush.
function encodeOps(w, ops) {
	return ops.map((op) => {
		const e = { k: op.k, name: op.name, ro: op.ro, index: op.index };
		if (op.k === "fin") e.ref = encSpec(w, op.ref);
		else e.target = encSpec(w, op.target);
		if (op.k === "set" || op.k === "idx") e.value = encSpec(w, op.value);
		if ((op.k === "set" || op.k === "del") && op.ro) e.name_ = roAddr(w, op.name);
		return e;
	});
}

function writeOps(w, encoded, start = BATCH) {
	const rec = new Records(w.go, start);
	for (const e of encoded) {
		switch (e.k) {
		case "fin": rec.fin(e.ref); break;
		case "set":
			if (e.ro) rec.setRO(e.target, e.name_.p, e.name_.n, e.value);
			else rec.setCopy(e.target, e.name, e.value);
			break;
		case "del":
			if (e.ro) rec.delRO(e.target, e.name_.p, e.name_.n);
			else rec.delCopy(e.target, e.name);
			break;
		case "idx": rec.setIndex(e.target, e.index, e.value); break;
		default: throw new Error("test: bad op " + e.k);
		}
	}
	return rec;
}

function runBatched(w, ops, start = BATCH) {
	const rec = writeOps(w, encodeOps(w, ops), start);
	rec.flush();
	return rec;
}

function runGlue(w, ops) {
	const encoded = encodeOps(w, ops);
	const glue = w.go.importObject[w.abi];
	for (const e of encoded) {
		const dv = dvOf(w.go);
		new Uint8Array(w.go.memory.buffer, SP, 64).fill(0xCC);
		const name = () => (e.ro ? e.name_ : heapStr(w, e.name));
		switch (e.k) {
		case "fin":
			putWord(dv, SP + 8, e.ref);
			glue["syscall/js.finalizeRef"](SP);
			break;
		case "set": {
			const s = name();
			putWord(dv, SP + 8, e.target);
			putU64(dv, SP + 16, s.p);
			putU64(dv, SP + 24, s.n);
			putWord(dv, SP + 32, e.value);
			glue["syscall/js.valueSet"](SP);
			break;
		}
		case "del": {
			const s = name();
			putWord(dv, SP + 8, e.target);
			putU64(dv, SP + 16, s.p);
			putU64(dv, SP + 24, s.n);
			glue["syscall/js.valueDelete"](SP);
			break;
		}
		case "idx":
			putWord(dv, SP + 8, e.target);
			putI64(dv, SP + 16, e.index);
			putWord(dv, SP + 24, e.value);
			glue["syscall/js.valueSetIndex"](SP);
			break;
		}
	}
}

function errSig(e) {
	return e === null ? null : `${e && e.constructor && e.constructor.name}: ${e && e.message}`;
}

// The same operations, batched (one flush) and through the glue one by one.
function twins(mod, abi, ops, extra) {
	const A = new FakeGo(abi);
	mod.enableBatching(A);
	const wa = buildWorld(A, abi, extra);
	const B = new FakeGo(abi);
	const wb = buildWorld(B, abi, extra);
	let errA = null;
	let errB = null;
	let rec = null;
	try { rec = runBatched(wa, ops); } catch (e) { errA = e; }
	try { runGlue(wb, ops); } catch (e) { errB = e; }
	return { A, B, wa, wb, errA, errB, rec, stats: mod.batchingStats(A) };
}

function assertSameAsGlue(tw, { throws = false } = {}) {
	if (!throws) {
		assert.equal(errSig(tw.errA), null, "the batched replay threw");
		assert.equal(errSig(tw.errB), null, "the glue threw (test error)");
	} else {
		assert.notEqual(tw.errB, null, "the glue did not throw (test error)");
		assert.equal(errSig(tw.errA), errSig(tw.errB), "the batched replay does not throw what the glue throws");
	}
	assert.deepStrictEqual(snapshot(tw.wa), snapshot(tw.wb), "JS state differs between batched replay and glue");
}

// ---------------------------------------------------------------- item 14

// Targets whose [[Set]] of an index fails or is observable (added after the
// common world, so its ids stay).
function item14World(w, add) {
	const log = w.log;
	const d = (v) => ser(w, v);
	add("frozenArr", Object.freeze([1, 2, 3]));
	add("sealedArr", Object.seal([1, 2, 3]));
	add("nonextArr", Object.preventExtensions([1, 2, 3]));
	add("fixedLen", Object.defineProperty([1, 2], "length", { writable: false }));
	const elems = [0, 1, 2, 3];
	Object.defineProperty(elems, 1, { value: "ro", writable: false, enumerable: true, configurable: true });
	Object.defineProperty(elems, 2, { get() { return 2; }, set(v) { log.push(["elem[2] setter", d(v)]); }, configurable: true });
	Object.defineProperty(elems, 3, { get() { return 3; }, configurable: true });
	add("elems", elems);
	add("holey", new Array(3));
	add("plainArr", [0, 1]);
	add("intKeys", { 0: "a", 5: "b" });
	const traps = {};
	for (const n of ["set", "getOwnPropertyDescriptor", "defineProperty", "getPrototypeOf", "has", "get"]) {
		traps[n] = (t, ...a) => { log.push(["trap " + n, ...a.map((x) => (typeof x === "object" && x !== null ? "obj" : d(x)))]); return Reflect[n](t, ...a); };
	}
	add("logProxy", new Proxy([0, 0], traps));
	add("falseProxy", new Proxy([0, 0], { set(t, k, v) { log.push(["falseProxy.set", k, d(v)]); return false; } }));
	add("frozenProxy", new Proxy(Object.freeze([7]), {}));
	add("protoProxied", Object.create(new Proxy({}, traps)));
	add("arrayLike", Object.defineProperty({ length: 1 }, 1, { set(v) { log.push(["arrayLike[1] setter", d(v)]); }, configurable: true }));
	add("strObj", new String("ab"));
	add("fnTarget", function fnTarget() {});
	const r = Proxy.revocable([], {});
	r.revoke();
	add("revoked", r.proxy);
	const ro = Object.defineProperty([0, 0, 0], 1, { value: 0, writable: false, configurable: false });
	add("liar", new Proxy(ro, { set() { return true; } }));
	add("throwingTrap", new Proxy([0, 0, 0], { set(t, k, v) { if (k === "1") throw new RangeError("trap refuses 1"); t[k] = v; return true; } }));
	add("throwingSetter", Object.defineProperty([0, 0, 0], 1, { set() { throw new TypeError("setter refuses 1"); }, configurable: true }));
}

function item14Ops() {
	const ops = [];
	const idx = (obj, index, value) => ops.push({ k: "idx", target: { obj }, index, value });
	for (const o of ["frozenArr", "sealedArr", "nonextArr", "fixedLen", "elems", "logProxy", "falseProxy", "frozenProxy",
		"protoProxied", "arrayLike", "strObj", "fnTarget", "plainArr", "intKeys"]) {
		for (const i of [0, 1, 2, 3, 5, -1]) idx(o, i, { val: 10 + i });
		idx(o, 0, { obj: "o1" });
	}
	for (const i of [10, 1, 2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, 2 ** 53 + 2, -(2 ** 40), 2 ** 62]) idx("holey", i, { val: "h" + i });
	for (let i = 0; i < 300; i++) idx("plainArr", i, { val: i * 3 }); // a long run, growing the array
	for (let i = 0; i < 6; i++) { // interleaved: runs of one record
		idx("plainArr", i, { val: "again" });
		idx("f64", i % 4, { val: i });
		idx("logProxy", i, { val: i });
		idx("sealedArr", i, { val: "s" });
	}
	return ops;
}

// ---------------------------------------------------------------- the suite

function suite(mod, abi, tag) {
	const t = (name, fn) => check(`[${tag}] ${name}`, fn);
	const { enableBatching, batchingStats } = mod;
	const fresh = () => {
		const go = new FakeGo(abi);
		enableBatching(go);
		const w = buildWorld(go, abi);
		return { go, w, io: go.importObject, glue: go.importObject[abi] };
	};

	// ---- 1. every kind replays with the glue's semantics

	t("1. kind 1 finalizeRef decrements the reference count (2 -> 1), the id stays", () => {
		const { go } = fresh();
		const obj = { tag: "x" };
		const ref = storeJS(go, obj);
		storeJS(go, obj);
		const id = ref.lo;
		const rec = new Records(go, BATCH);
		rec.fin(ref);
		rec.flush();
		assert.equal(go._goRefCounts[id], 1);
		assert.equal(go._values[id], obj);
		assert.equal(go._ids.get(obj), id);
		assert.ok(!go._idPool.includes(id), "id in _idPool");
	});

	t("1. kind 1 finalizeRef at reference count 1 frees the id (_idPool, _values null, _ids entry gone)", () => {
		const { go } = fresh();
		const obj = { tag: "y" };
		const ref = storeJS(go, obj);
		const id = ref.lo;
		const pool = go._idPool.length;
		const rec = new Records(go, BATCH);
		rec.fin(ref);
		rec.flush();
		assert.equal(go._goRefCounts[id], 0);
		assert.equal(go._values[id], null);
		assert.ok(!go._ids.has(obj), "_ids still maps the value");
		assert.equal(go._idPool.length, pool + 1);
		assert.equal(go._idPool[go._idPool.length - 1], id);
	});

	t("1. kind 1 finalizeRef: same tables as the glue (objects, strings, repeated refs)", () => {
		const tw = twins(mod, abi, [
			{ k: "fin", ref: { tmp: "s", val: "a string" } },
			{ k: "fin", ref: { tmp: "o", val: () => ({ fresh: 1 }) } },
			{ k: "fin", ref: { tmp: "o1again", val: (w) => w.objs.o1 } },
			{ k: "fin", ref: { obj: "arr" } },
			{ k: "fin", ref: { tmp: "sym", val: Symbol("s") } },
		]);
		assertSameAsGlue(tw);
	});

	const kind2Ops = [
		{ k: "set", target: { obj: "o1" }, name: "color", ro: true, value: { val: "red" } },
		{ k: "set", target: { obj: "o1" }, name: "n", ro: true, value: { val: 2.5 } },
		{ k: "set", target: { obj: "o1" }, name: "u", ro: true, value: { val: undefined } },
		{ k: "set", target: { obj: "o1" }, name: "nul", ro: true, value: { val: null } },
		{ k: "set", target: { obj: "o1" }, name: "t", ro: true, value: { val: true } },
		{ k: "set", target: { obj: "o1" }, name: "nan", ro: true, value: { val: NaN } },
		{ k: "set", target: { obj: "o1" }, name: "z", ro: true, value: { val: 0 } },
		{ k: "set", target: { obj: "o1" }, name: "child", ro: true, value: { obj: "arr" } },
		{ k: "set", target: { obj: "acc" }, name: "watched", ro: true, value: { obj: "o1" } },
		{ k: "set", target: { obj: "prox" }, name: "pset", ro: true, value: { val: "v" } },
		{ k: "set", target: { obj: "frozen" }, name: "k", ro: true, value: { val: 9 } },
	];
	t("1. kind 2 valueSet with a read-only name sets the property", () => {
		const { go, w } = fresh();
		runBatched(w, kind2Ops);
		for (const { p, n } of w.roNames.values()) assert.ok(p >= RO_START && p + n <= RO_END, "test: name not read-only");
		const o1 = w.objs.o1;
		assert.equal(o1.color, "red");
		assert.equal(o1.n, 2.5);
		assert.ok(Object.hasOwn(o1, "u") && o1.u === undefined, "o1.u not set to undefined");
		assert.equal(o1.nul, null);
		assert.equal(o1.t, true);
		assert.ok(Number.isNaN(o1.nan), "o1.nan is not NaN");
		assert.equal(o1.z, 0);
		assert.equal(o1.child, w.objs.arr);
		assert.equal(w.objs.acc._w, o1, "setter not called with the object");
		assert.deepStrictEqual(w.log, [["acc.watched=", "@o1"], ["prox.set", "pset", 'str:"v"']]);
		assert.equal(w.objs.frozen.k, 1);
		assert.equal(go.glueCalls.valueSet, undefined, "kind 2 went through the glue's valueSet (no name cache)");
	});
	t("1. kind 2: same JS state as the glue's valueSet", () => {
		assertSameAsGlue(twins(mod, abi, kind2Ops));
	});

	const kind3Ops = [
		{ k: "set", target: { obj: "o1" }, name: "inline", ro: false, value: { val: "six" } },
		{ k: "set", target: { obj: "o1" }, name: "exactly8", ro: false, value: { val: 8 } },
		{ k: "set", target: { obj: "o1" }, name: "", ro: false, value: { val: "empty" } },
		{ k: "set", target: { obj: "o1" }, name: "ünï", ro: false, value: { obj: "u8" } },
		{ k: "set", target: { obj: "o1" }, name: "L".repeat(100) + "ong", ro: false, value: { val: 100 } },
		{ k: "set", target: { obj: "o1" }, name: "afterCopies", ro: true, value: { val: true } },
		{ k: "set", target: { obj: "acc" }, name: "watched", ro: false, value: { val: "copied" } },
	];
	t("1. kind 3 valueSet with the name copied at record+40 sets the property", () => {
		const { go, w } = fresh();
		const rec = runBatched(w, kind3Ops);
		const dv = dvOf(go);
		// the record's pointer field points at its own copy (test layout check)
		assert.equal(Number(dv.getBigUint64(rec.start + 16, true)), rec.start + 40);
		assert.ok(rec.start + 40 >= RO_END, "test: inline name lies in the read-only range");
		const o1 = w.objs.o1;
		assert.equal(o1.inline, "six");
		assert.equal(o1.exactly8, 8);
		assert.equal(o1[""], "empty");
		assert.equal(o1["ünï"], w.objs.u8);
		assert.equal(o1["L".repeat(100) + "ong"], 100);
		assert.equal(o1.afterCopies, true, "the record after the copies was not reached (size skipping)");
		assert.deepStrictEqual(w.log, [["acc.watched=", 'str:"copied"']]);
	});
	t("1. kind 3: same JS state as the glue's valueSet", () => {
		assertSameAsGlue(twins(mod, abi, kind3Ops));
	});

	const kind45Ops = [
		{ k: "del", target: { obj: "o1" }, name: "gone", ro: true },
		{ k: "del", target: { obj: "o1" }, name: "alsoGone", ro: false },
		{ k: "del", target: { obj: "prox" }, name: "drop", ro: true },
		{ k: "del", target: { obj: "prox" }, name: "never", ro: false },
		{ k: "del", target: { obj: "frozen" }, name: "k", ro: true },
		{ k: "del", target: { obj: "frozen" }, name: "l", ro: false },
		{ k: "del", target: { obj: "o1" }, name: "missing", ro: true },
		{ k: "del", target: { obj: "arr" }, name: "1", ro: false },
		{ k: "set", target: { obj: "o1" }, name: "afterDeletes", ro: false, value: { val: 1 } },
	];
	t("1. kind 4/5 valueDelete (read-only and copied names) deletes the property", () => {
		const { w } = fresh();
		runBatched(w, kind45Ops);
		const o1 = w.objs.o1;
		assert.ok(!Object.hasOwn(o1, "gone"), "o1.gone still there (kind 4)");
		assert.ok(!Object.hasOwn(o1, "alsoGone"), "o1.alsoGone still there (kind 5)");
		assert.ok(!Object.hasOwn(w.objs.prox, "drop"), "prox.drop still there");
		assert.deepStrictEqual(w.log, [["prox.del", "drop"], ["prox.del", "never"]]);
		assert.equal(w.objs.frozen.k, 1);
		assert.equal(w.objs.frozen.l, 2);
		assert.ok(!(1 in w.objs.arr) && w.objs.arr.length === 3, "arr[1] not deleted");
		assert.equal(o1.afterDeletes, 1);
	});
	t("1. kind 4/5: same JS state as the glue's valueDelete", () => {
		assertSameAsGlue(twins(mod, abi, kind45Ops));
	});

	const kind6Ops = [
		{ k: "idx", target: { obj: "arr" }, index: 0, value: { obj: "o1" } },
		{ k: "idx", target: { obj: "arr" }, index: 3, value: { val: "x" } },
		{ k: "idx", target: { obj: "arr" }, index: 10, value: { val: 5 } },
		{ k: "idx", target: { obj: "arr" }, index: -1, value: { val: "neg" } },
		{ k: "idx", target: { obj: "arr" }, index: 2 ** 32, value: { val: "big" } },
		{ k: "idx", target: { obj: "arr" }, index: -(2 ** 40), value: { val: "bigneg" } },
		{ k: "idx", target: { obj: "f64" }, index: 0, value: { val: 2.5 } },
		{ k: "idx", target: { obj: "f64" }, index: 1, value: { val: "3.25" } },
		{ k: "idx", target: { obj: "f64" }, index: 2, value: { val: true } },
		{ k: "idx", target: { obj: "f64" }, index: 3, value: { obj: "o1" } },
		{ k: "idx", target: { obj: "f64" }, index: 4, value: { val: 9 } },
		{ k: "idx", target: { obj: "f64" }, index: -1, value: { val: 9 } },
		{ k: "idx", target: { obj: "f64" }, index: 2 ** 32 + 1, value: { val: 9 } },
		{ k: "idx", target: { obj: "f64" }, index: -(2 ** 33), value: { val: 9 } },
		{ k: "idx", target: { obj: "u8" }, index: 0, value: { val: 300 } },
		{ k: "idx", target: { obj: "u8" }, index: 1, value: { val: -1 } },
		{ k: "idx", target: { obj: "u8" }, index: 2, value: { val: "7" } },
		{ k: "idx", target: { obj: "u8" }, index: 3, value: { val: undefined } },
		{ k: "idx", target: { obj: "u8" }, index: 4, value: { val: 1 } },
		{ k: "idx", target: { obj: "u8" }, index: -1, value: { val: 1 } },
		{ k: "idx", target: { obj: "u8" }, index: 1e6, value: { val: 1 } },
		{ k: "idx", target: { obj: "idxSetter" }, index: 2, value: { obj: "arr" } },
		{ k: "idx", target: { obj: "idxSetter" }, index: 5, value: { val: "plain" } },
		{ k: "idx", target: { obj: "proxArr" }, index: 0, value: { obj: "f64" } },
		{ k: "idx", target: { obj: "proxArr" }, index: 7, value: { val: "far" } },
		{ k: "idx", target: { obj: "frozen" }, index: 0, value: { val: 1 } },
		{ k: "idx", target: { obj: "frozenU8" }, index: 0, value: { val: 1 } },
		{ k: "idx", target: { obj: "frozenU8" }, index: -1, value: { val: 1 } },
		{ k: "idx", target: { obj: "f64" }, index: 0, value: { val: 0.5 } }, // f64 again after other targets
	];
	t("1. kind 6 valueSetIndex: Array, Float64Array, Uint8Array (out of range, negative), setter, object refs; no throw", () => {
		const { w } = fresh();
		runBatched(w, kind6Ops); // must not throw
		const { arr, f64, u8, o1 } = w.objs;
		assert.equal(arr[0], o1, "arr[0] is not the object o1");
		assert.equal(arr[3], "x");
		assert.equal(arr[10], 5);
		assert.equal(arr.length, 11);
		assert.equal(arr["-1"], "neg");
		assert.equal(arr[String(2 ** 32)], "big");
		assert.equal(arr[String(-(2 ** 40))], "bigneg");
		assert.deepStrictEqual(Array.from(f64), [0.5, 3.25, 1, NaN]);
		assert.deepStrictEqual(Reflect.ownKeys(f64), ["0", "1", "2", "3"], "out-of-range writes created properties");
		assert.deepStrictEqual(Array.from(u8), [44, 255, 7, 0]);
		assert.deepStrictEqual(Reflect.ownKeys(u8), ["0", "1", "2", "3"]);
		assert.equal(w.objs.idxSetter[5], "plain");
		assert.deepStrictEqual(w.log, [["idxSetter[2]=", "@arr"], ["proxArr.set", "0", "@f64"], ["proxArr.set", "7", 'str:"far"']]);
		assert.ok(!Object.hasOwn(w.objs.frozen, "0"));
	});
	t("1. kind 6: same JS state as the glue's valueSetIndex (Reflect.set)", () => {
		assertSameAsGlue(twins(mod, abi, kind6Ops));
	});
	t("1. kind 6: a value ToNumber rejects (Symbol into Float64Array) throws the same TypeError as Reflect.set", () => {
		const tw = twins(mod, abi, [
			{ k: "idx", target: { obj: "f64" }, index: 0, value: { val: 1.5 } },
			{ k: "idx", target: { obj: "f64" }, index: 1, value: { val: Symbol("no") } },
			{ k: "idx", target: { obj: "f64" }, index: 2, value: { val: 2.5 } },
		]);
		assertSameAsGlue(tw, { throws: true });
	});

	// ---- item 14: SetIndex runs on any object through the sloppy-mode store

	t("item 14: SetIndex on frozen, sealed, non-extensible Arrays, a read-only length, read-only and accessor elements: as Reflect.set, no throw", () => {
		const tw = twins(mod, abi, item14Ops(), item14World);
		assertSameAsGlue(tw);
		assert.ok(tw.stats.setIndexLoose >= 10 && tw.stats.setIndexReflect === 0, `stats ${JSON.stringify(tw.stats)}`);
		const { frozenArr, sealedArr, nonextArr, fixedLen, holey } = tw.wa.objs;
		assert.deepStrictEqual([...frozenArr], [1, 2, 3]);
		assert.deepStrictEqual([sealedArr[0], sealedArr.length, nonextArr[1], nonextArr.length, fixedLen.length],
			["s", 3, 11, 3, 2]);
		assert.equal(holey.length, 2 ** 32 - 1);
		assert.ok(tw.wa.log.some((e) => e[0] === "trap set") && tw.wa.log.some((e) => e[0] === "elem[2] setter"));
	});
	t("item 14: SetIndex with a setter and a read-only value on Array.prototype and Object.prototype: as Reflect.set", () => {
		const proto = [];
		Object.defineProperty(Array.prototype, 57, { set(v) { proto.push(["Array.prototype[57]", String(v)]); }, configurable: true });
		Object.defineProperty(Array.prototype, 58, { value: "ro", writable: false, configurable: true });
		Object.defineProperty(Object.prototype, 59, { set(v) { proto.push(["Object.prototype[59]", String(v)]); }, configurable: true });
		let tw;
		try {
			tw = twins(mod, abi, ["plainArr", "holey", "intKeys"].flatMap((o) => [56, 57, 58, 59, 60].map((i) =>
				({ k: "idx", target: { obj: o }, index: i, value: { val: o + i } }))), item14World);
		} finally {
			delete Array.prototype[57];
			delete Array.prototype[58];
			delete Object.prototype[59];
		}
		assertSameAsGlue(tw);
		const half = proto.length / 2; // batched world first, then the glue's
		assert.deepStrictEqual(proto.slice(0, half), proto.slice(half));
		assert.deepStrictEqual(proto.slice(0, half), [["Array.prototype[57]", "plainArr57"], ["Object.prototype[59]", "plainArr59"],
			["Array.prototype[57]", "holey57"], ["Object.prototype[59]", "holey59"], ["Object.prototype[59]", "intKeys59"]]);
		assert.ok(!Object.hasOwn(tw.wa.objs.plainArr, 58) && tw.wa.objs.intKeys[58] === "intKeys58");
	});
	const throwing = [
		["a revoked Proxy", "revoked", /proxy that has been revoked/],
		["a trap invariant (truish for a read-only target element)", "liar", /trap returned truish/],
		["a set trap that throws", "throwingTrap", /^trap refuses 1$/],
		["an own setter that throws", "throwingSetter", /^setter refuses 1$/],
	];
	for (const [what, label, re] of throwing) {
		t(`item 14: SetIndex on ${what} throws what Reflect.set throws, records before it applied, none after`, () => {
			const tw = twins(mod, abi, [0, 1, 2].map((i) => ({ k: "idx", target: { obj: label }, index: i, value: { val: i + 0.5 } })),
				item14World);
			assertSameAsGlue(tw, { throws: true });
			assert.match(tw.errA.message, re);
		});
	}
	t("item 14: a typed array with a Proxy on its prototype chain, a DataView: no trap runs, as Reflect.set", () => {
		const tw = twins(mod, abi, [0, 1, 5].flatMap((i) => [
			{ k: "idx", target: { obj: "protoProxiedU8" }, index: i, value: { val: 200 + i } },
			{ k: "idx", target: { obj: "dataView" }, index: i, value: { val: i } },
		]), (w, add) => {
			const traps = {};
			for (const n of ["getPrototypeOf", "get", "set", "has", "getOwnPropertyDescriptor"]) {
				traps[n] = (t, ...a) => { w.log.push(["trap " + n]); return Reflect[n](t, ...a); };
			}
			add("protoProxiedU8", Object.setPrototypeOf(new Uint8Array(2), new Proxy(Uint8Array.prototype, traps)));
			add("dataView", new DataView(new ArrayBuffer(2)));
		});
		assert.deepStrictEqual([tw.wa.log, tw.wb.log], [[], []]); // (before the snapshots, which run traps)
		assertSameAsGlue(tw);
		assert.deepStrictEqual(Array.from(tw.wa.objs.protoProxiedU8), [200, 201]);
		assert.equal(tw.wa.objs.dataView[5], 5);
		assert.ok(tw.stats.setIndexTyped >= 3 && tw.stats.setIndexLoose >= 3, `stats ${JSON.stringify(tw.stats)}`);
	});
	t("item 14: a number value is stored as is, an id through the value table, 0 bits as undefined (Array run)", () => {
		const { w } = fresh();
		const rec = new Records(w.go, BATCH);
		rec.setIndex(w.refs.arr, 0, num(2.5));
		rec.setIndex(w.refs.arr, 1, w.refs.o1);
		rec.setIndex(w.refs.arr, 2, { lo: 0, hi: 0 });
		rec.setIndex(w.refs.arr, 3, storeJS(w.go, NaN));
		rec.flush();
		assert.equal(w.objs.arr[0], 2.5);
		assert.equal(w.objs.arr[1], w.objs.o1);
		assert.ok(Object.hasOwn(w.objs.arr, 2) && w.objs.arr[2] === undefined);
		assert.ok(Number.isNaN(w.objs.arr[3]));
	});
	t("item 14: without go._values (an unknown glue), SetIndex records go through the glue's own valueSetIndex", () => {
		const { go, w } = fresh();
		const rec = new Records(go, BATCH);
		rec.setIndex(w.refs.arr, 0, num(1));
		rec.setIndex(w.refs.arr, 1, num(2));
		const pool = go._idPool;
		go._idPool = { pop() {}, push() {} }; // not an Array: the table's layout is not the known one
		try {
			rec.flush();
		} finally {
			go._idPool = pool;
		}
		assert.equal(go.glueCalls.valueSetIndex, 2);
		assert.deepStrictEqual([w.objs.arr[0], w.objs.arr[1]], [1, 2]);
	});

	// ---- 2. order: a mixed batch of 50 records

	const mixedOps = (() => {
		const ops = [];
		const names = ["alpha", "beta", "gamma"];
		for (let i = 0; ops.length < 50; i++) {
			switch (i % 13) {
			case 0: ops.push({ k: "set", target: { obj: "o1" }, name: names[i % 3], ro: true, value: { tmp: `s${i}`, val: `v${i}` } }); break;
			case 1: ops.push({ k: "fin", ref: { tmp: `s${i - 1}` } }); break;
			case 2: ops.push({ k: "idx", target: { obj: "arr" }, index: (i % 7) - 1, value: i % 2 ? { obj: "o1" } : { val: i } }); break;
			case 3: ops.push({ k: "idx", target: { obj: "f64" }, index: (i % 6) - 1, value: { val: i * 0.5 } }); break;
			case 4: ops.push({ k: "idx", target: { obj: "f64" }, index: i % 6, value: { val: -i } }); break;
			case 5: ops.push({ k: "set", target: { obj: "prox" }, name: `p${i}`, ro: false, value: { val: i } }); break;
			case 6: ops.push({ k: "del", target: { obj: "o1" }, name: names[(i + 1) % 3], ro: true }); break;
			case 7: ops.push({ k: "del", target: { obj: "prox" }, name: `p${i - 2}`, ro: false }); break;
			case 8: ops.push({ k: "idx", target: { obj: "u8" }, index: (i % 5) - 1, value: { val: 250 + i } }); break;
			case 9: ops.push({ k: "set", target: { obj: "acc" }, name: "watched", ro: true, value: { tmp: `o${i}`, val: () => ({ made: i }) } }); break;
			case 10: ops.push({ k: "fin", ref: { tmp: `o${i - 1}` } }); break;
			case 11: ops.push({ k: "idx", target: { obj: "idxSetter" }, index: 2, value: { val: `x${i}` } }); break;
			case 12: ops.push({ k: "idx", target: { obj: "proxArr" }, index: i % 3, value: { val: i } }); break;
			}
		}
		return ops;
	})();
	t("2. mixed batch of 50 records (all kinds): same final JS state, order of setters and tables as the glue one by one", () => {
		const kinds = new Set(mixedOps.map((o) => o.k + (o.ro === undefined ? "" : o.ro)));
		assert.equal(mixedOps.length, 50, "test: not 50 operations");
		assert.equal(kinds.size, 6, "test: not all kinds");
		const tw = twins(mod, abi, mixedOps);
		assert.equal(tw.rec && tw.rec.n, 50);
		assertSameAsGlue(tw);
		assert.ok(tw.wa.log.length > 10, "test: too few logged side effects");
	});
	t("2. mixed batch: batchingStats counts 1 flush and 50 records", () => {
		const tw = twins(mod, abi, mixedOps);
		assert.equal(tw.stats.flushes, 1);
		assert.equal(tw.stats.records, 50);
	});

	// ---- 3. read-only names decoded once

	t("3. two records with the same read-only name pointer: 1 decoded, 1 reused", () => {
		const { go } = fresh();
		const o = {};
		const r = storeJS(go, o);
		putBytes(go, RO_MANUAL, encoder.encode("color"));
		const before = batchingStats(go);
		const rec = new Records(go, BATCH);
		rec.setRO(r, RO_MANUAL, 5, num(1));
		rec.setRO(r, RO_MANUAL, 5, num(2));
		rec.flush();
		const after = batchingStats(go);
		assert.deepStrictEqual(Object.keys(o), ["color"]);
		assert.equal(o.color, 2);
		assert.equal(after.namesDecoded - before.namesDecoded, 1, "namesDecoded");
		assert.equal(after.namesReused - before.namesReused, 1, "namesReused");
	});
	t("3. a name at the same address with a different length (a prefix) decodes separately", () => {
		const { go } = fresh();
		const o = {};
		const r = storeJS(go, o);
		putBytes(go, RO_MANUAL + 64, encoder.encode("abcdef"));
		const before = batchingStats(go);
		let rec = new Records(go, BATCH);
		rec.setRO(r, RO_MANUAL + 64, 6, storeJS(go, "long"));
		rec.setRO(r, RO_MANUAL + 64, 3, storeJS(go, "short"));
		rec.delRO(r, RO_MANUAL + 64, 2); // "ab": nothing to delete
		rec.setRO(r, RO_MANUAL + 64, 6, storeJS(go, "long2"));
		rec.flush();
		const mid = batchingStats(go);
		assert.deepStrictEqual(Object.keys(o), ["abcdef", "abc"]);
		assert.equal(o.abcdef, "long2");
		assert.equal(o.abc, "short");
		assert.equal(mid.namesReused - before.namesReused, 0, "a prefix was taken from the cache");
		assert.equal(mid.namesDecoded - before.namesDecoded, 4);
		rec = new Records(go, BATCH);
		rec.delRO(r, RO_MANUAL + 64, 6);
		rec.flush();
		assert.deepStrictEqual(Object.keys(o), ["abc"]);
	});
	t("3. non-ASCII (UTF-8) read-only names decode right (set, delete, valueGet)", () => {
		const { go, glue } = fresh();
		const o = { "ünï🙂": "old" };
		const r = storeJS(go, o);
		const names = ["héllo wörld", "✓→🙂", "日本語"];
		let at = RO_MANUAL + 128;
		const placed = names.map((s) => {
			const b = encoder.encode(s);
			putBytes(go, at, b);
			const x = { p: at, n: b.length };
			at += b.length;
			return x;
		});
		const ex = encoder.encode("ünï🙂");
		putBytes(go, at, ex);
		const rec = new Records(go, BATCH);
		placed.forEach((x, i) => rec.setRO(r, x.p, x.n, num(i + 1)));
		rec.delRO(r, at, ex.length);
		rec.flush();
		assert.deepStrictEqual(Object.keys(o), names);
		assert.deepStrictEqual(names.map((s) => o[s]), [1, 2, 3]);
		// valueGet of a cached non-ASCII name
		const dv = dvOf(go);
		putWord(dv, SP + 8, r);
		putU64(dv, SP + 16, placed[1].p);
		putU64(dv, SP + 24, placed[1].n);
		glue["syscall/js.valueGet"](SP);
		assert.equal(dvOf(go).getFloat64(SP + 32, true), 2);
	});

	t("3. copied names (kinds 3/5) are never taken from the cache: same record address and length, different names", () => {
		const { go } = fresh();
		const o = { dddd: 1, eeee: 2 };
		const r = storeJS(go, o);
		for (const [set, del] of [["aaaa", "dddd"], ["bbbb", "eeee"], ["cccc", "ffff"]]) {
			const rec = new Records(go, BATCH); // the same addresses every time
			rec.setCopy(r, set, num(1));
			rec.delCopy(r, del);
			rec.flush();
		}
		assert.deepStrictEqual(Object.keys(o).sort(), ["aaaa", "bbbb", "cccc"]);
	});

	// ---- 4. nested flush (re-entrancy)

	const nested = scenario(() => {
		const { go, w, io, glue } = fresh();
		const log = [];
		const xTarget = [];
		const X = new Proxy(xTarget, { set(tg, k, v) { log.push(`outer k+1: X[${String(k)}]=${String(v)}`); return Reflect.set(tg, k, v); } });
		const Y = { set inner(v) { log.push(`inner: Y.inner=${v}`); } };
		const W = { w: true };
		const holder = { W };
		const Z = { set after(v) { log.push(`outer k+2: Z.after=${v}`); } };
		const r = { X: storeJS(go, X), Y: storeJS(go, Y), holder: storeJS(go, holder), Z: storeJS(go, Z) };
		const xId = r.X.lo;
		const inside = {};
		let outer = null;
		const trig = {
			set trigger(v) {
				log.push("outer k: setter start");
				// Go runs: its recorder writes above the outer batch's end and flushes.
				const inner = new Records(go, outer.end + 64);
				const yName = roAddr(w, "inner");
				inner.setRO(r.Y, yName.p, yName.n, num(7));
				inner.fin(r.X); // Go's GC finalized X, which the outer batch still uses
				io.gowasm.flush(inner.start, inner.end);
				log.push("outer k: setter after inner flush");
				inside.xValue = go._values[xId];
				inside.xRc = go._goRefCounts[xId];
				inside.xInPool = go._idPool.includes(xId);
				// Go carries on and takes a new reference: it must not get X's id.
				const wName = roAddr(w, "W");
				const dv = dvOf(go);
				putWord(dv, SP + 8, r.holder);
				putU64(dv, SP + 16, wName.p);
				putU64(dv, SP + 24, wName.n);
				glue["syscall/js.valueGet"](SP);
				inside.w = getWord(go, SP + 32);
				log.push("outer k: setter end");
			},
		};
		r.trig = storeJS(go, trig);
		const stats0 = batchingStats(go);
		outer = new Records(go, BATCH);
		const tName = roAddr(w, "trigger");
		const zName = roAddr(w, "after");
		outer.setRO(r.trig, tName.p, tName.n, num(1)); // k
		outer.setIndex(r.X, 0, storeJS(go, "a")); // k+1: uses X
		outer.setRO(r.Z, zName.p, zName.n, num(3)); // k+2
		io.gowasm.flush(outer.start, outer.end);
		const stats1 = batchingStats(go);
		return { go, log, X, xTarget, W, xId, inside, stats0, stats1 };
	});
	t("4. nested flush: the outer record after the setter still reaches X (id not freed, not reused by a new ref)", () => {
		const s = got(nested);
		assert.equal(s.xTarget[0], "a", "X[0] not set by the later outer record");
		assert.notEqual(s.inside.w.lo, s.xId, "a new reference taken inside the setter got X's id");
		assert.equal(s.go._values[s.inside.w.lo], s.W);
	});
	t("4. nested flush: inside the setter, after the inner flush, X is still held (refcount 1, not in _idPool)", () => {
		const s = got(nested);
		assert.equal(s.inside.xValue, s.X);
		assert.equal(s.inside.xRc, 1);
		assert.equal(s.inside.xInPool, false);
	});
	t("4. nested flush: X is released once the outer flush returns (refcount 0, in _idPool, _values null)", () => {
		const s = got(nested);
		assert.equal(s.go._goRefCounts[s.xId], 0);
		assert.ok(s.go._idPool.includes(s.xId), "X's id not in _idPool");
		assert.equal(s.go._values[s.xId], null);
		assert.ok(!s.go._ids.has(s.X), "_ids still maps X");
	});
	t("4. nested flush: order is outer record k, its setter, inner batch, outer records k+1, k+2", () => {
		const s = got(nested);
		assert.deepStrictEqual(s.log, [
			"outer k: setter start",
			"inner: Y.inner=7",
			"outer k: setter after inner flush",
			"outer k: setter end",
			"outer k+1: X[0]=a",
			"outer k+2: Z.after=3",
		]);
	});
	t("4. nested flush: batchingStats counts 2 flushes, 5 records", () => {
		const s = got(nested);
		assert.equal(s.stats1.flushes - s.stats0.flushes, 2);
		assert.equal(s.stats1.records - s.stats0.records, 5);
	});

	// ---- 5. the glue's finalizeRef import called directly

	const direct = scenario(() => {
		const { go, w, glue, io } = fresh();
		const log = [];
		const xTarget = [];
		const X = new Proxy(xTarget, { set(tg, k, v) { log.push(`X[${String(k)}]=${String(v)}`); return Reflect.set(tg, k, v); } });
		const rX = storeJS(go, X);
		const xId = rX.lo;
		const inside = {};
		const trig = {
			set trigger(v) {
				const dv = dvOf(go);
				putWord(dv, SPF + 8, rX);
				glue["syscall/js.finalizeRef"](SPF); // a non-deferred finalizeRef from Go run by the setter
				inside.rc = go._goRefCounts[xId];
				inside.value = go._values[xId];
				inside.inPool = go._idPool.includes(xId);
			},
		};
		const rT = storeJS(go, trig);
		const name = roAddr(w, "trigger");
		const rec = new Records(go, BATCH);
		rec.setRO(rT, name.p, name.n, num(1));
		rec.setIndex(rX, 0, storeJS(go, "b"));
		io.gowasm.flush(rec.start, rec.end);
		const after = { rc: go._goRefCounts[xId], value: go._values[xId], inPool: go._idPool.includes(xId), mapped: go._ids.has(X) };
		// outside a flush: at once
		const Q = { q: 1 };
		const rQ = storeJS(go, Q);
		putWord(dvOf(go), SPF + 8, rQ);
		glue["syscall/js.finalizeRef"](SPF);
		const outside = { rc: go._goRefCounts[rQ.lo], value: go._values[rQ.lo], inPool: go._idPool.includes(rQ.lo), mapped: go._ids.has(Q) };
		return { X, xTarget, log, inside, after, outside };
	});
	t("5. finalizeRef import called directly during a flush is held (id alive, later record reaches X)", () => {
		const s = got(direct);
		assert.equal(s.inside.rc, 1);
		assert.equal(s.inside.value, s.X);
		assert.equal(s.inside.inPool, false);
		assert.equal(s.xTarget[0], "b");
		assert.deepStrictEqual(s.log, ["X[0]=b"]);
	});
	t("5. the held finalizeRef is released after the flush", () => {
		const s = got(direct);
		assert.deepStrictEqual(s.after, { rc: 0, value: null, inPool: true, mapped: false });
	});
	t("5. finalizeRef import called outside a flush acts at once", () => {
		const s = got(direct);
		assert.deepStrictEqual(s.outside, { rc: 0, value: null, inPool: true, mapped: false });
	});

	// ---- 6. memory growth

	t("6. memory grown between two flushes (go.mem left detached): replay works, go.mem renewed", () => {
		const { go, w } = fresh();
		runBatched(w, [{ k: "set", target: { obj: "o1" }, name: "first", ro: false, value: { val: 1 } }]);
		go.memory.grow(2); // go.mem is now over a detached buffer
		assert.equal(go.mem.buffer.byteLength, 0, "test: go.mem not detached");
		const ops = [
			{ k: "set", target: { obj: "o1" }, name: "second", ro: false, value: { val: 2 } },
			{ k: "set", target: { obj: "o1" }, name: "third", ro: true, value: { val: 3 } },
			{ k: "del", target: { obj: "o1" }, name: "gone", ro: false },
			{ k: "del", target: { obj: "o1" }, name: "alsoGone", ro: true },
			{ k: "idx", target: { obj: "u8" }, index: 0, value: { val: 9 } },
			{ k: "fin", ref: { tmp: "t", val: "tmp" } },
		];
		runBatched(w, ops);
		// and a batch written in the pages just added
		runBatched(w, [{ k: "set", target: { obj: "o1" }, name: "inNewPages", ro: false, value: { val: 4 } }], 4 * PAGE + 256);
		const o1 = w.objs.o1;
		assert.deepStrictEqual([o1.first, o1.second, o1.third, "gone" in o1, "alsoGone" in o1, w.objs.u8[0], o1.inNewPages],
			[1, 2, 3, false, false, 9, 4]);
		assert.equal(go.mem.buffer, go.memory.buffer, "go.mem not renewed");
		assert.equal(go.mem.byteLength, 6 * PAGE);
	});

	const growInSetter = (reset) => () => {
		const { go, w } = fresh();
		const trig = {
			set grow(v) {
				go.memory.grow(1);
				if (reset) go.importObject[abi]["runtime.resetMemoryDataView"](0);
			},
		};
		w.objs.trig = trig;
		w.labels.set(trig, "trig");
		w.refs.trig = storeJS(go, trig);
		runBatched(w, [
			{ k: "set", target: { obj: "trig" }, name: "grow", ro: true, value: { val: 1 } },
			{ k: "set", target: { obj: "o1" }, name: "copied", ro: false, value: { val: "k3" } },
			{ k: "del", target: { obj: "o1" }, name: "gone", ro: false },
			{ k: "idx", target: { obj: "f64" }, index: 0, value: { val: 1.5 } },
			{ k: "idx", target: { obj: "f64" }, index: 1, value: { val: 2.5 } },
			{ k: "idx", target: { obj: "arr" }, index: 0, value: { val: "z" } },
			{ k: "del", target: { obj: "o1" }, name: "alsoGone", ro: true },
			{ k: "set", target: { obj: "o1" }, name: "ro", ro: true, value: { val: "k2" } },
			{ k: "fin", ref: { tmp: "t", val: "tmp" } },
			{ k: "set", target: { obj: "o1" }, name: "last", ro: false, value: { val: "end" } },
		]);
		const o1 = w.objs.o1;
		assert.deepStrictEqual([o1.copied, "gone" in o1, w.objs.f64[0], w.objs.f64[1], w.objs.arr[0], "alsoGone" in o1, o1.ro, o1.last],
			["k3", false, 1.5, 2.5, "z", false, "k2", "end"]);
		assert.equal(go.mem.buffer, go.memory.buffer, "go.mem not renewed after the flush");
		assert.equal(go.mem.byteLength, 5 * PAGE);
	};
	t("6. memory grown inside a setter during a flush (no resetMemoryDataView): later records replayed, go.mem renewed", growInSetter(false));
	t("6. memory grown inside a setter during a flush (Go-like, with resetMemoryDataView): later records replayed", growInSetter(true));
	t("6. memory grown by a value's valueOf inside a SetIndex run on a Float64Array: the run goes on", () => {
		const { go, w } = fresh();
		const v = { valueOf() { go.memory.grow(1); return 7; } };
		runBatched(w, [
			{ k: "idx", target: { obj: "f64" }, index: 0, value: { val: () => v } },
			{ k: "idx", target: { obj: "f64" }, index: 1, value: { val: 8 } },
			{ k: "idx", target: { obj: "f64" }, index: 2, value: { val: 9 } },
			{ k: "set", target: { obj: "o1" }, name: "after", ro: false, value: { val: 1 } },
		]);
		assert.deepStrictEqual(Array.from(w.objs.f64), [7, 8, 9, 0]);
		assert.equal(w.objs.o1.after, 1);
		assert.equal(go.mem.buffer, go.memory.buffer);
	});

	// ---- 7. errors

	const throwsMsg = (fn, re) => assert.throws(fn, (e) => e instanceof Error && re.test(e.message));
	t("7. a record of size 0 throws \"corrupt batch record\"", () => {
		const { go } = fresh();
		const rec = new Records(go, BATCH);
		rec.raw(2, 0, 40);
		throwsMsg(() => rec.flush(), /corrupt batch record/);
	});
	t("7. records of size not a multiple of 8 (12, 20, 44) throw \"corrupt batch record\"", () => {
		for (const size of [12, 20, 44]) {
			const { go } = fresh();
			const rec = new Records(go, BATCH);
			rec.raw(size === 44 ? 3 : 1, size, 48);
			throwsMsg(() => rec.flush(), /corrupt batch record/);
		}
	});
	t("7. a record running past end throws \"corrupt batch record\" (kind 2 size 40 in 32 bytes; kind 3 cut)", () => {
		{
			const { go, w } = fresh();
			const rec = new Records(go, BATCH);
			const n = roAddr(w, "x");
			rec.setRO(w.refs.o1, n.p, n.n, num(1));
			throwsMsg(() => go.importObject.gowasm.flush(rec.start, rec.start + 32), /corrupt batch record/);
			assert.ok(!("x" in w.objs.o1), "the cut record was applied");
		}
		{
			const { go, w } = fresh();
			const rec = new Records(go, BATCH);
			rec.setCopy(w.refs.o1, "twelve chars", num(1));
			throwsMsg(() => go.importObject.gowasm.flush(rec.start, rec.end - 8), /corrupt batch record/);
		}
	});
	t("7. a SetIndex run whose second record runs past end: first applied, then \"corrupt batch record\"", () => {
		const { go, w } = fresh();
		const rec = new Records(go, BATCH);
		rec.setIndex(w.refs.f64, 0, num(1));
		rec.setIndex(w.refs.f64, 1, num(2));
		throwsMsg(() => go.importObject.gowasm.flush(rec.start, rec.end - 8), /corrupt batch record/);
		assert.deepStrictEqual(Array.from(w.objs.f64), [1, 0, 0, 0]);
	});
	t("7. an unknown kind (0, 7, 99) throws \"unknown batch record kind\"", () => {
		for (const kind of [0, 7, 99]) {
			const { go } = fresh();
			const rec = new Records(go, BATCH);
			rec.raw(kind, 16);
			throwsMsg(() => rec.flush(), /unknown batch record kind/);
		}
	});
	t("7. after a throwing flush, finalizeRef outside a flush acts at once again (not left \"inside a flush\")", () => {
		const { go, glue } = fresh();
		const rec = new Records(go, BATCH);
		rec.raw(99, 16);
		assert.throws(() => rec.flush());
		const Q = {};
		const rQ = storeJS(go, Q);
		putWord(dvOf(go), SPF + 8, rQ);
		glue["syscall/js.finalizeRef"](SPF);
		assert.equal(go._goRefCounts[rQ.lo], 0);
		assert.ok(go._idPool.includes(rQ.lo));
	});
	t("7. after the program exited (delete go._inst) flush does nothing", () => {
		const { go, w } = fresh();
		const rec = new Records(go, BATCH);
		const n = roAddr(w, "late");
		rec.setRO(w.refs.o1, n.p, n.n, num(1));
		rec.fin(w.refs.arr);
		rec.raw(99, 16);
		const before = batchingStats(go);
		const snap = snapshot(w);
		delete go._inst;
		rec.flush(); // must not throw
		assert.deepStrictEqual(snapshot(w), snap);
		assert.deepStrictEqual(batchingStats(go), before);
	});
	t("7. after the glue's wasmExit (tables deleted too) flush does nothing", () => {
		const { go, w } = fresh();
		const rec = new Records(go, BATCH);
		rec.fin(w.refs.arr);
		rec.raw(99, 16);
		go.importObject[abi]["runtime.wasmExit"](SP);
		rec.flush(); // must not throw
	});

	// ---- 8. enableBatching

	t("8. enableBatching throws TypeError for non-objects and objects without importObject", () => {
		for (const bad of [null, undefined, 42, "go", true, Symbol("s"), () => ({}), {}, { importObject: null }, { importObject: 1 }, { importObject: "x" }]) {
			assert.throws(() => enableBatching(bad), TypeError, `no TypeError for ${String(typeof bad === "symbol" ? "symbol" : JSON.stringify(bad) ?? bad)}`);
		}
	});
	t("8. enableBatching throws an Error (not a TypeError) for an importObject without go/gojs", () => {
		for (const io of [{}, { env: {} }, { _gotest: {} }]) {
			assert.throws(() => enableBatching({ importObject: io }),
				(e) => e instanceof Error && e.name === "Error" && /"go" or "gojs"/.test(e.message));
			assert.equal(io.gowasm, undefined, "gowasm added although enabling failed");
		}
	});
	t("8. enableBatching throws an Error for a glue without the deferred imports (before Go 1.14)", () => {
		const io = { go: { "syscall/js.valueSet": () => {} } };
		assert.throws(() => enableBatching({ importObject: io }), (e) => e instanceof Error && /finalizeRef/.test(e.message));
	});
	t("8. enableBatching is idempotent: same go, same gowasm/run/valueGet, stats kept, valueGet not wrapped twice", () => {
		const go = new FakeGo(abi);
		const w = buildWorld(go, abi);
		const io = go.importObject;
		assert.equal(enableBatching(go), go);
		const gowasm1 = io.gowasm;
		const flush1 = io.gowasm.flush;
		const run1 = go.run;
		const vg1 = io[abi]["syscall/js.valueGet"];
		runBatched(w, [{ k: "set", target: { obj: "o1" }, name: "x", ro: true, value: { val: 1 } }]);
		// a counting shim around the installed wrapper: wrapped again, it would
		// be bypassed for read-only names
		let shimCalls = 0;
		const shim = (sp) => { shimCalls++; return vg1(sp); };
		io[abi]["syscall/js.valueGet"] = shim;
		assert.equal(enableBatching(go), go);
		assert.equal(io.gowasm, gowasm1);
		assert.equal(io.gowasm.flush, flush1);
		assert.equal(go.run, run1);
		assert.equal(io[abi]["syscall/js.valueGet"], shim, "valueGet wrapped again");
		assert.equal(batchingStats(go).flushes, 1, "stats reset by the second call");
		const dv = dvOf(go);
		const n = roAddr(w, "a");
		putWord(dv, SP + 8, w.refs.o1);
		putU64(dv, SP + 16, n.p);
		putU64(dv, SP + 24, n.n);
		io[abi]["syscall/js.valueGet"](SP);
		assert.equal(shimCalls, 1);
		assert.equal(go.glueCalls.valueGet || 0, 0, "glue valueGet called for a read-only name");
		const h = heapStr(w, "a");
		putU64(dv, SP + 16, h.p);
		putU64(dv, SP + 24, h.n);
		io[abi]["syscall/js.valueGet"](SP);
		assert.equal(go.glueCalls.valueGet, 1, "glue valueGet not called exactly once for a heap name");
		assert.equal(dvOf(go).getFloat64(SP + 32, true), 1);
	});

	// valueGet / valueCall against the plain glue: same bytes, same tables
	const FRAME_AREA = 0x3000; // SP .. SP + 0x3000 (SP2, SPF inside)
	const callTwins = (ops) => {
		const A = new FakeGo(abi);
		enableBatching(A);
		const wa = buildWorld(A, abi);
		const B = new FakeGo(abi);
		const wb = buildWorld(B, abi);
		const res = [];
		for (const op of ops) {
			const one = (w) => {
				const go = w.go;
				go.sp = SP;
				new Uint8Array(go.memory.buffer, SP, FRAME_AREA).fill(0xCC);
				const target = encSpec(w, op.target);
				const name = op.ro ? roAddr(w, op.name) : heapStr(w, op.name);
				let args = null;
				if (op.args) args = heapWords(w, op.args.map((s) => encSpec(w, s)));
				const dv = dvOf(go);
				putWord(dv, SP + 8, target);
				putU64(dv, SP + 16, name.p);
				putU64(dv, SP + 24, name.n);
				if (op.args) {
					putU64(dv, SP + 32, args);
					putU64(dv, SP + 40, op.args.length);
					putU64(dv, SP + 48, op.args.length);
				}
				const before = go.glueCalls[op.f] || 0;
				let err = null;
				try {
					go.importObject[abi]["syscall/js." + op.f](SP);
				} catch (e) {
					err = e;
				}
				return {
					err: errSig(err),
					bytes: Buffer.from(new Uint8Array(go.memory.buffer, SP, FRAME_AREA)),
					memSize: go.memory.buffer.byteLength,
					glueCalls: (go.glueCalls[op.f] || 0) - before,
					sp: go.sp,
				};
			};
			res.push({ op, a: one(wa), b: one(wb) });
		}
		return { A, B, wa, wb, res, stats: batchingStats(A) };
	};
	const sameCall = (x, label) => {
		assert.equal(x.a.err, x.b.err, `${label}: exception differs`);
		assert.equal(x.a.sp, x.b.sp, `${label}: test: sp differs`);
		assert.equal(x.a.memSize, x.b.memSize, `${label}: memory size differs`);
		if (!x.a.bytes.equals(x.b.bytes)) {
			const diffs = [];
			for (let i = 0; i < x.a.bytes.length && diffs.length < 4; i += 8) {
				const ea = x.a.bytes.subarray(i, i + 8).toString("hex");
				const eb = x.b.bytes.subarray(i, i + 8).toString("hex");
				if (ea !== eb) diffs.push(`sp+${i}: batched ${ea} glue ${eb}`);
			}
			assert.fail(`${label}: memory written differs: ${diffs.join("; ")}`);
		}
	};
	const getOps = [
		{ f: "valueGet", target: { obj: "o1" }, name: "a" },
		{ f: "valueGet", target: { obj: "o1" }, name: "b" },
		{ f: "valueGet", target: { obj: "o1" }, name: "b" },
		{ f: "valueGet", target: { obj: "o1" }, name: "missing" },
		{ f: "valueGet", target: { obj: "o1" }, name: "me" },
		{ f: "valueGet", target: { obj: "o1" }, name: "ünï🙂" },
		{ f: "valueGet", target: { obj: "arr" }, name: "length" },
		{ f: "valueGet", target: { obj: "holder" }, name: "child" },
		{ f: "valueGet", target: { obj: "calc" }, name: "make" },
		{ f: "valueGet", target: { obj: "getters" }, name: "moving" },
		{ f: "valueGet", target: { obj: "getters" }, name: "throwing" },
		{ f: "valueGet", target: { val: undefined }, name: "x" },
		{ f: "valueGet", target: { obj: "getters" }, name: "growing" },
		{ f: "valueGet", target: { obj: "getters" }, name: "plain" },
	];
	const roGets = scenario(() => callTwins(getOps.map((o) => Object.assign({ ro: true }, o))));
	const heapGets = scenario(() => callTwins(getOps.map((o) => Object.assign({ ro: false }, o))));
	t("8. valueGet with read-only names: same memory written (at getsp()+32) and same results as the glue's, case by case", () => {
		const s = got(roGets);
		const bad = [];
		for (const x of s.res) {
			try { sameCall(x, `${x.op.target.obj}.${x.op.name}`); } catch (e) { bad.push(e.message); }
		}
		assert.deepStrictEqual(bad, []);
	});
	t("8. valueGet with read-only names: same tables and JS state as the glue's", () => {
		const s = got(roGets);
		assert.deepStrictEqual(snapshot(s.wa), snapshot(s.wb));
	});
	t("8. valueGet with read-only names uses the cache (glue not called; names decoded once, reused)", () => {
		const s = got(roGets);
		assert.deepStrictEqual(s.res.map((x) => x.a.glueCalls), s.res.map(() => 0));
		const distinct = new Set(getOps.map((o) => o.name)).size;
		assert.equal(s.stats.namesDecoded, distinct);
		assert.equal(s.stats.namesReused, getOps.length - distinct);
	});
	t("8. valueGet with non-read-only names defers to the glue (called once each), same results", () => {
		const s = got(heapGets);
		assert.deepStrictEqual(s.res.map((x) => x.a.glueCalls), s.res.map(() => 1));
		for (const x of s.res) sameCall(x, `${x.op.target.obj}.${x.op.name}`);
		assert.deepStrictEqual(snapshot(s.wa), snapshot(s.wb));
		assert.equal(s.stats.namesDecoded, 0);
	});

	t("8. valueGet read-only range bounds: [ro_start, ro_end) uses the cache, names reaching outside go to the glue", () => {
		const { go, glue } = fresh();
		const o = { edge: "E", ed: "D", start: "S", "\u0000sta": "Z" };
		const r = storeJS(go, o);
		const cases = [
			// [address, bytes, read-only?]
			[RO_END - 4, "edge", true], // ends exactly at ro_end
			[RO_END - 2, "ed\u0000\u0000", false], // crosses ro_end
			[RO_START, "start", true], // starts exactly at ro_start
			[RO_START - 1, "\u0000sta", false], // starts below
		];
		const bad = [];
		for (const [p, text, ro] of cases) {
			const bytes = encoder.encode(text);
			putBytes(go, p, bytes);
			const dv = dvOf(go);
			putWord(dv, SP + 8, r);
			putU64(dv, SP + 16, p);
			putU64(dv, SP + 24, bytes.length);
			const before = go.glueCalls.valueGet || 0;
			glue["syscall/js.valueGet"](SP);
			const viaGlue = (go.glueCalls.valueGet || 0) - before;
			if (viaGlue !== (ro ? 0 : 1)) bad.push(`name at ${p}..${p + bytes.length}: glue called ${viaGlue} times, read-only=${ro}`);
		}
		assert.deepStrictEqual(bad, []);
	});

	const callOps = [
		{ f: "valueCall", target: { obj: "calc" }, name: "add", args: [{ val: 2 }, { val: 3 }] },
		{ f: "valueCall", target: { obj: "calc" }, name: "make", args: [{ val: "m" }] },
		{ f: "valueCall", target: { obj: "calc" }, name: "make", args: [{ obj: "o1" }] },
		{ f: "valueCall", target: { obj: "calc" }, name: "self", args: [] },
		{ f: "valueCall", target: { obj: "calc" }, name: "add", args: [{ val: "s" }, { val: undefined }] },
		{ f: "valueCall", target: { obj: "calc" }, name: "boom", args: [] },
		{ f: "valueCall", target: { obj: "calc" }, name: "nope", args: [] },
		{ f: "valueCall", target: { obj: "calc" }, name: "notFn", args: [{ val: 1 }] },
		{ f: "valueCall", target: { val: undefined }, name: "add", args: [] },
		{ f: "valueCall", target: { obj: "calc" }, name: "lazy", args: [{ val: 1 }] },
		{ f: "valueCall", target: { obj: "arr" }, name: "push", args: [{ val: 4 }, { obj: "o1" }] },
	];
	const roCalls = scenario(() => callTwins(callOps.map((o) => Object.assign({ ro: true }, o))));
	t("8. valueCall with read-only names: same memory written (result at getsp()+56, ok at +64) as the glue's, case by case", () => {
		const s = got(roCalls);
		const bad = [];
		for (const x of s.res) {
			try { sameCall(x, `${x.op.target.obj}.${x.op.name}()`); } catch (e) { bad.push(e.message); }
		}
		assert.deepStrictEqual(bad, []);
	});
	t("8. valueCall with read-only names: same tables and JS state as the glue's; cache used", () => {
		const s = got(roCalls);
		assert.deepStrictEqual(snapshot(s.wa), snapshot(s.wb));
		assert.deepStrictEqual(s.res.map((x) => x.a.glueCalls), s.res.map(() => 0));
		assert.ok(s.stats.namesReused >= 2, "names not reused");
	});
	t("8. valueCall exception path: the error is stored at sp+56 and ok=0, like the glue", () => {
		const s = got(roCalls);
		const x = s.res.find((r) => r.op.name === "boom");
		assert.equal(x.a.err, null, "valueCall threw instead of storing the error");
		assert.equal(x.a.bytes[64], 0, "ok byte is not 0");
		const id = x.a.bytes.readUInt32LE(56);
		assert.equal(x.a.bytes.readUInt32LE(60), (NAN_HEAD | 1) >>> 0, "not an object reference");
		assert.equal(ser(s.wa, s.A._values[id]), "err:RangeError:boom");
		sameCall(x, "calc.boom()");
		const y = s.res.find((r) => r.op.name === "nope");
		assert.equal(y.a.bytes[64], 0);
		sameCall(y, "calc.nope()");
	});
	t("8. valueCall with non-read-only names defers to the glue, same results", () => {
		const s = got(scenario(() => callTwins(callOps.map((o) => Object.assign({ ro: false }, o)))));
		assert.deepStrictEqual(s.res.map((x) => x.a.glueCalls), s.res.map(() => 1));
		for (const x of s.res) sameCall(x, `${x.op.target.obj}.${x.op.name}()`);
		assert.deepStrictEqual(snapshot(s.wa), snapshot(s.wb));
	});
	t("8. valueCall with a read-only name whose getter runs Go that grows memory (and resets go.mem): same as the glue", () => {
		const s = got(scenario(() => callTwins([
			{ f: "valueCall", target: { obj: "calc" }, name: "grown", ro: true, args: [{ val: 21 }] },
		])));
		const x = s.res[0];
		const okByte = (r) => `ok=${r.bytes[64]} result=${r.bytes.subarray(56, 64).toString("hex")}`;
		assert.equal(okByte(x.a), okByte(x.b), "batched vs glue");
		sameCall(x, "calc.grown(21)");
		assert.deepStrictEqual(snapshot(s.wa), snapshot(s.wb));
	});

	// ---- 9. the go.run guard

	const glueOffset = (argv, env) => {
		// wasm_exec.js (Go 1.18+) run(): the end of argv and environment strings
		// and their pointer table; it throws at >= 4096 + 8192.
		let offset = 4096;
		const strPtr = (str) => {
			offset += encoder.encode(str + "\0").length;
			if (offset % 8 !== 0) offset += 8 - (offset % 8);
		};
		argv.forEach(strPtr);
		const keys = Object.keys(env).sort();
		keys.forEach((k) => strPtr(`${k}=${env[k]}`));
		offset += (argv.length + 1 + keys.length + 1) * 8;
		return offset;
	};
	t("9. go.run, batched instance, argv+env over 8 KiB: throws \"exceeds limit\", original run not called", () => {
		const { go } = fresh();
		go.env = { BIG: "x".repeat(9000) };
		assert.throws(() => go.run(go._inst), (e) => e instanceof Error && /exceeds limit/.test(e.message));
		assert.equal(go.runCalls.length, 0);
	});
	t("9. go.run, batched instance, under the limit: calls the original run (this, instance, result)", () => {
		const { go } = fresh();
		go.argv = ["prog", "arg"];
		go.env = { HOME: "/home/x", LANG: "C" };
		const inst = go._inst;
		assert.equal(go.run(inst), "original run");
		assert.equal(go.runCalls.length, 1);
		assert.equal(go.runCalls[0].self, go);
		assert.equal(go.runCalls[0].instance, inst);
	});
	t("9. go.run guard: the same limit as wasm_exec.js at the boundary (ASCII and multi-byte env, many entries)", () => {
		const { go } = fresh();
		const bad = [];
		const tryOne = (argv, env, label) => {
			go.argv = argv;
			go.env = env;
			const expect = glueOffset(argv, env) >= 4096 + 8192;
			let threw = false;
			try {
				go.run(go._inst);
			} catch (e) {
				if (!/exceeds limit/.test(e.message)) throw e;
				threw = true;
			}
			if (threw !== expect) bad.push(`${label}: glue offset ${glueOffset(argv, env)}, guard ${threw ? "threw" : "passed"}`);
		};
		for (let L = 8120; L <= 8160; L++) tryOne(["js"], { A: "v".repeat(L) }, `ASCII ${L}`);
		for (let L = 4060; L <= 4080; L++) tryOne(["js"], { E: "é".repeat(L) }, `2-byte ${L}`);
		for (let k = 480; k <= 520; k++) {
			const env = {};
			for (let i = 0; i < k; i++) env["K" + i] = "";
			tryOne(["js", "a"], env, `${k} entries`);
		}
		assert.deepStrictEqual(bad, []);
	});
	t("9. go.run, instance without gowasm.ro_start: never throws (huge argv+env), original run called", () => {
		const { go } = fresh();
		go.env = { BIG: "x".repeat(100000) };
		go.argv = ["js", "y".repeat(50000)];
		const inst = { exports: { mem: go.memory, getsp: () => go.sp, run: () => {}, resume: () => {} } };
		assert.equal(go.run(inst), "original run");
		assert.equal(go.runCalls.length, 1);
		assert.equal(go.runCalls[0].instance, inst);
	});

	// ---- item 8: every argument and `this` pass through the wrappers

	t("item 8: go.run passes every argument and this through (batched instance; @cdktf/hcl2json's run(instance, thing))", () => {
		const { go } = fresh();
		const thing = { __parse_terraform_config_wasm__: {} };
		const other = { runCalls: go.runCalls }; // not the Go instance
		assert.equal(go.run.call(other, go._inst, thing, 3, undefined), "original run");
		assert.equal(go.runCalls.length, 1);
		assert.equal(go.runCalls[0].self, other);
		assert.equal(go.runCalls[0].args.length, 4);
		assert.equal(go.runCalls[0].args[0], go._inst);
		assert.equal(go.runCalls[0].args[1], thing);
		assert.equal(go.runCalls[0].args[2], 3);
	});
	t("item 8: go.run passes every argument and this through (unbatched instance, no instance at all)", () => {
		const { go } = fresh();
		const inst = { exports: { mem: go.memory, run: () => {} } };
		const thing = { x: 1 };
		assert.equal(go.run(inst, thing), "original run");
		assert.deepStrictEqual(go.runCalls[0].args, [inst, thing]);
		assert.equal(go.runCalls[0].self, go);
		assert.equal(go.run(), "original run", "no instance: the glue's own run decides");
		assert.deepStrictEqual(go.runCalls[1].args, []);
	});
	t("item 8: the wrapped imports (valueGet, valueCall, finalizeRef) pass every argument and this to the glue's", () => {
		const go = new FakeGo(abi);
		const glue = go.importObject[abi];
		const seen = [];
		for (const name of ["syscall/js.valueGet", "syscall/js.valueCall", "syscall/js.finalizeRef"]) {
			const orig = glue[name];
			glue[name] = function (...args) {
				seen.push({ name, self: this, args });
				return Reflect.apply(orig, go, [args[0]]);
			};
		}
		enableBatching(go);
		const w = buildWorld(go, abi);
		const dv = dvOf(go);
		const name = heapStr(w, "a"); // not read-only: the companion hands the call to the glue
		putWord(dv, SP + 8, w.refs.o1);
		putU64(dv, SP + 16, name.p);
		putU64(dv, SP + 24, name.n);
		putU64(dv, SP + 32, 0);
		putU64(dv, SP + 40, 0);
		const self = { marker: 1 };
		glue["syscall/js.valueGet"].call(self, SP, "extra", 7);
		glue["syscall/js.valueCall"].call(self, SP, "more");
		putWord(dv, SPF + 8, { lo: 6, hi: 0 });
		glue["syscall/js.finalizeRef"].call(self, SPF, 1, 2);
		assert.deepStrictEqual(seen.map((x) => [x.name, x.self === self, x.args]), [
			["syscall/js.valueGet", true, [SP, "extra", 7]],
			["syscall/js.valueCall", true, [SP, "more"]],
			["syscall/js.finalizeRef", true, [SPF, 1, 2]],
		]);
	});
}

// ---------------------------------------------------------------- item 14, other hosts

// Run in a child process (test_companion.cjs DIR --child HOST): in a
// browser-like host (document defined) or where code generation from
// strings is forbidden (node --disallow-code-generation-from-strings), the
// ES module has no sloppy-mode store and uses Reflect.set; the CommonJS
// form keeps its own. Either way the JS state is the glue's.
function childSuite(mod, build, host) {
	if (host === "prototype setters") {
		// The companion checks its sloppy-mode store once, on a frozen
		// Array of its own: no setter of the prototypes may run then.
		check(`[${build}] item 14: choosing the SetIndex store runs no setter of Array.prototype or Object.prototype`, () => {
			const frozenCalls = [];
			const install = (proto, i) => Object.defineProperty(proto, i, {
				set(v) {
					if (Object.isFrozen(this)) frozenCalls.push(String(i));
					else Object.defineProperty(this, i, { value: v, writable: true, enumerable: true, configurable: true });
				},
				configurable: true,
			});
			for (let i = 0; i < 4; i++) {
				install(Array.prototype, i);
				install(Object.prototype, i);
			}
			let tw;
			try {
				tw = twins(mod, "go", [{ k: "idx", target: { obj: "plainArr" }, index: 0, value: { val: 1.5 } }], item14World);
			} finally {
				for (let i = 0; i < 4; i++) {
					delete Array.prototype[i];
					delete Object.prototype[i];
				}
			}
			assertSameAsGlue(tw);
			assert.deepStrictEqual(frozenCalls, []);
			assert.equal(tw.stats.setIndexLoose, 1, `stats ${JSON.stringify(tw.stats)}`);
		});
		return;
	}
	const expectLoose = build === "cjs";
	for (const abi of ["go", "gojs"]) {
		check(`[${build}/${abi}] item 14, ${host}: SetIndex replayed by ${expectLoose ? "the sloppy-mode store" : "Reflect.set"}, as the glue`, () => {
			const tw = twins(mod, abi, item14Ops(), item14World);
			assertSameAsGlue(tw);
			const st = tw.stats;
			assert.ok(st.setIndexTyped > 0, `stats ${JSON.stringify(st)}`);
			if (expectLoose) assert.ok(st.setIndexLoose > 0 && st.setIndexReflect === 0, `stats ${JSON.stringify(st)}`);
			else assert.ok(st.setIndexLoose === 0 && st.setIndexReflect > 0, `stats ${JSON.stringify(st)}`);
		});
		check(`[${build}/${abi}] item 14, ${host}: a revoked Proxy throws what Reflect.set throws`, () => {
			assertSameAsGlue(twins(mod, abi, [0, 1].map((i) => ({ k: "idx", target: { obj: "revoked" }, index: i, value: { val: 1.5 } })),
				item14World), { throws: true });
		});
	}
}

function runChild(host) {
	const { spawnSync } = require("child_process");
	const flags = host === "no code generation" ? ["--disallow-code-generation-from-strings"] : [];
	const r = spawnSync(process.execPath, [...flags, __filename, companionDir, "--child", host], { encoding: "utf8" });
	const lines = (r.stdout || "").split("\n");
	check(`item 14: ${host}: the child run passes all its checks (${lines.filter((l) => l.startsWith("ok ")).length} ok)`, () => {
		assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
		assert.equal(lines.filter((l) => l.startsWith("not ok")).length, 0, r.stdout);
		assert.equal(lines.filter((l) => l.startsWith("ok ")).length, host === "prototype setters" ? 4 : 10, r.stdout);
	});
}

// ---------------------------------------------------------------- main

async function main() {
	const childAt = process.argv.indexOf("--child");
	const child = childAt > 0 ? process.argv[childAt + 1] : null;
	if (child === "browser-like host") {
		globalThis.document = {}; // before the first SetIndex run: the companion looks once
	}
	const builds = [
		["cjs", async () => require(path.join(companionDir, "gowasm-batch.cjs"))],
		["mjs", async () => import(url.pathToFileURL(path.join(companionDir, "gowasm-batch.mjs")).href)],
	];
	for (const [build, load] of builds) {
		let mod = null;
		let loadErr = null;
		try {
			mod = await load();
		} catch (e) {
			loadErr = e;
		}
		check(`[${build}] the companion loads and exports enableBatching, batchingStats, version, protocol 1`, () => {
			if (loadErr) throw loadErr;
			assert.equal(typeof mod.enableBatching, "function");
			assert.equal(typeof mod.batchingStats, "function");
			assert.equal(typeof mod.version, "string");
			assert.equal(mod.protocol, 1);
			assert.equal(mod.batchingStats({}), undefined);
		});
		if (!mod || typeof mod.enableBatching !== "function") continue;
		if (child) {
			childSuite(mod, build, child);
			continue;
		}
		for (const abi of ["go", "gojs"]) suite(mod, abi, `${build}/${abi}`);
	}
	if (!child) {
		runChild("browser-like host");
		runChild("no code generation");
		runChild("prototype setters");
	}
	console.log(`1..${count}`);
	process.exitCode = failures > 0 ? 1 : 0;
}

main().catch((e) => {
	count++;
	console.log(`not ok ${count} - the test script crashed`);
	for (const line of String(e && e.stack ? e.stack : e).split("\n")) console.log("#   " + line);
	console.log(`1..${count}`);
	process.exitCode = 1;
});
