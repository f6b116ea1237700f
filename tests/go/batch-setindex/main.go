// batch-setindex: js.Value.SetIndex on every kind of target whose [[Set]]
// of an index is observable or can fail: frozen, sealed and non-extensible
// Arrays, a non-writable length, own non-writable and accessor elements,
// setters and non-writable data on Array.prototype and Object.prototype,
// Proxies of Arrays (logging every trap, returning false, without a set
// trap), an object whose prototype is a Proxy, array-likes with setters,
// String objects, functions, typed arrays, holes and length growth, and
// indices out of range: negative, 2^32-1 and beyond, past 2^53. Each target
// is written by a run of SetIndex calls and then described (own properties
// with their attributes, the log of traps and setters), so that a
// batched module replaying them in any other way than the glue's
// Reflect.set changes the output.
//
//	batch-setindex            all of the above, exit 0
//	batch-setindex throw-X    a SetIndex that throws (X: setter, proxy,
//	                          revoked, invariant, bigint, valueof), from a
//	                          Go function called by JS, which catches the
//	                          exception, prints it and the target, and exits 5
package main

import (
	"fmt"
	"math"
	"os"
	"syscall/js"
)

const helpers = `(() => {
  const log = [];
  const d = (v, depth) => {
    if (v === undefined) return "undefined";
    if (v === null) return "null";
    switch (typeof v) {
      case "number": return Object.is(v, -0) ? "-0" : String(v);
      case "string": return JSON.stringify(v);
      case "boolean": case "bigint": return String(v);
      case "symbol": return v.toString();
      case "function": if (depth > 0) return "fn(" + v.name + ")";
    }
    if (depth > 0) return v.tag ? "<" + v.tag + ">" : "<object>";
    if (ArrayBuffer.isView(v)) return v.constructor.name + "(" + v.length + ")[" + Array.from(v).join(",") + "]";
    const parts = [];
    for (const k of Reflect.ownKeys(v)) {
      const p = Object.getOwnPropertyDescriptor(v, k);
      const attrs = (p.writable === false ? "-w" : "") + (p.enumerable ? "" : "-e") + (p.configurable ? "" : "-c");
      parts.push(String(k) + attrs + ":" + ("value" in p ? d(p.value, 1) : "<get " + !!p.get + " set " + !!p.set + ">"));
    }
    const state = (Object.isFrozen(v) ? " frozen" : Object.isSealed(v) ? " sealed" : "") +
      (Object.isExtensible(v) ? "" : " non-extensible");
    return (Array.isArray(v) ? "Array" : typeof v === "function" ? "function" : "object") + state + "{" + parts.join(",") + "}";
  };
  const tag = (o, t) => { Object.defineProperty(o, "tag", { value: t, enumerable: false }); return o; };
  // Objects among a trap's arguments (receivers, descriptors) are not
  // touched: a receiver may be the Proxy itself.
  const arg = (x) => (typeof x === "object" && x !== null) || typeof x === "function" ? "<object>" : d(x, 1);
  const logTrap = (name) => (t, ...a) => {
    log.push(name + "(" + a.map(arg).join(",") + ")");
    return Reflect[name](t, ...a);
  };
  const traps = {};
  for (const n of ["get", "set", "has", "defineProperty", "getOwnPropertyDescriptor", "getPrototypeOf", "ownKeys",
    "isExtensible", "preventExtensions", "deleteProperty", "setPrototypeOf"]) traps[n] = logTrap(n);
  const made = {};
  return {
    log, made,
    describe: (v) => d(v, 0),
    takeLog: () => { const s = log.join(" "); log.length = 0; return s; },
    make: () => {
      made.frozen = Object.freeze([1, 2, 3]);
      made.sealed = Object.seal([1, 2, 3]);
      made.nonext = Object.preventExtensions([1, 2, 3]);
      made.fixedLength = Object.defineProperty([1, 2], "length", { writable: false });
      const own = [0, 1, 2, 3];
      Object.defineProperty(own, 1, { value: "ro", writable: false, enumerable: true, configurable: true });
      Object.defineProperty(own, 2, { get() { return "g"; }, set(v) { log.push("own[2] setter " + d(v, 1)); }, enumerable: true, configurable: true });
      Object.defineProperty(own, 3, { get() { return "getter only"; }, enumerable: true, configurable: true });
      made.own = own;
      made.holey = new Array(3);
      made.plain = [];
      made.protoSetter = new Array(10);
      made.protoRO = new Array(10);
      made.protoObj = {};
      made.proxyTarget = tag([0, 0, 0], "proxyTarget");
      made.proxy = new Proxy(made.proxyTarget, traps);
      made.falseTarget = tag([0, 0], "falseTarget");
      made.falseProxy = new Proxy(made.falseTarget, { set(t, k, v) { log.push("falseProxy.set " + String(k) + " " + d(v, 1)); return false; } });
      made.frozenUnderProxy = Object.freeze([5, 6]);
      made.noSetTrap = new Proxy(made.frozenUnderProxy, {});
      made.protoProxyTarget = tag({}, "protoProxyTarget");
      made.underProxy = Object.create(new Proxy(made.protoProxyTarget, traps));
      made.arrayLike = Object.defineProperty({ length: 2, 0: "a" }, 1, {
        get() { return "b"; }, set(v) { log.push("arrayLike[1] setter this.length=" + this.length + " " + d(v, 1)); }, enumerable: true, configurable: true,
      });
      made.string = new String("abc");
      made.fn = function target() {};
      made.f64 = new Float64Array(4);
      made.u8 = new Uint8Array(4);
      made.big = new BigInt64Array(2);
      made.obj = tag({ k: 1 }, "obj");
      return made;
    },
    withProtoSetter: (f) => {
      Object.defineProperty(Array.prototype, 7, { set(v) { log.push("Array.prototype[7] setter " + (Array.isArray(this) ? "array" : "?") + " " + d(v, 1)); }, get() { return "p7"; }, configurable: true });
      Object.defineProperty(Array.prototype, 8, { value: "read-only on the prototype", writable: false, configurable: true });
      Object.defineProperty(Object.prototype, 9, { set(v) { log.push("Object.prototype[9] setter " + d(v, 1)); }, configurable: true });
      try { f(); } finally {
        delete Array.prototype[7]; delete Array.prototype[8]; delete Object.prototype[9];
      }
    },
    catching: (f, what) => {
      try {
        f();
        console.log("no exception");
      } catch (e) {
        console.log("caught " + (e && e.constructor && e.constructor.name) + ": " + (e && e.message));
      }
      console.log("after: " + d(made[what], 0) + " log: " + log.join(" "));
      process.exit(5);
    },
  };
})()`

var (
	H        js.Value
	made     js.Value
	failures int
)

func describe(v js.Value) string { return H.Call("describe", v).String() }

func show(name string) {
	fmt.Printf("[%s] %s | log: %s\n", name, describe(made.Get(name)), H.Call("takeLog").String())
}

func check(cond bool, format string, args ...any) {
	if !cond {
		failures++
		fmt.Printf("MISMATCH: "+format+"\n", args...)
	}
}

// values writes one of each kind of Go value at indices from..from+11.
func values(t js.Value, from int) {
	obj := made.Get("obj")
	vals := []any{1, 0, -1.5, math.NaN(), math.Inf(1), math.Copysign(0, -1), "s", true, false, nil, js.Undefined(), obj}
	for i, v := range vals {
		t.SetIndex(from+i, v)
	}
}

func nonThrowing() {
	made = H.Call("make")

	// Refused writes: the glue's Reflect.set returns false and nothing throws.
	for _, name := range []string{"frozen", "sealed", "nonext", "fixedLength"} {
		t := made.Get(name)
		t.SetIndex(0, 10)
		t.SetIndex(1, "eleven")
		t.SetIndex(5, 15)
		t.SetIndex(2, t) // itself
		show(name)
	}
	check(made.Get("frozen").Index(0).Int() == 1, "frozen[0] changed")
	check(made.Get("sealed").Index(0).Int() == 10, "sealed[0] not written")
	check(made.Get("nonext").Length() == 3, "nonext grew")
	check(made.Get("fixedLength").Length() == 2, "fixedLength grew")

	own := made.Get("own")
	for i := 0; i < 6; i++ {
		own.SetIndex(i, i*100)
	}
	show("own")

	// Holes and length growth, indices around 2^32 and 2^53, negative ones.
	holey := made.Get("holey")
	holey.SetIndex(10, "ten")
	holey.SetIndex(1, "one")
	for _, i := range []int{-1, -(1 << 40), 1<<32 - 2, 1<<32 - 1, 1 << 32, 1<<53 + 1, 1 << 62, math.MinInt64, math.MaxInt64} {
		holey.SetIndex(i, fmt.Sprint(i))
	}
	show("holey")
	check(made.Get("holey").Length() == 1<<32-1, "holey's length is %d", made.Get("holey").Length())
	plain := made.Get("plain")
	for i := 0; i < 2000; i++ { // a long run: the whole buffer and beyond, growing the array
		plain.SetIndex(i, i*3)
	}
	values(plain, 2000)
	check(plain.Length() == 2012, "plain's length is %d", plain.Length())
	fmt.Println("[plain] sum", js.Global().Call("eval", "(a) => a.slice(0, 2000).reduce((x, y) => x + y, 0)").Invoke(plain).Int(),
		"tail", describe(js.Global().Call("eval", "(a) => a.slice(2000)").Invoke(plain)))

	// Setters and read-only data on the prototypes, only while these run.
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		for _, name := range []string{"protoSetter", "protoRO", "protoObj"} {
			t := made.Get(name)
			for i := 6; i < 11; i++ {
				t.SetIndex(i, i)
			}
		}
		return nil
	})
	H.Call("withProtoSetter", f)
	f.Release()
	show("protoSetter")
	show("protoRO")
	show("protoObj")

	// Proxies: every trap logged; a set trap returning false; no set trap
	// over a frozen array; a Proxy as the prototype.
	for _, name := range []string{"proxy", "falseProxy", "noSetTrap", "underProxy"} {
		t := made.Get(name)
		t.SetIndex(0, 1)
		t.SetIndex(1, made.Get("obj"))
		t.SetIndex(4, "four")
		t.SetIndex(-1, "minus")
		fmt.Printf("[%s] log: %s\n", name, H.Call("takeLog").String())
	}
	show("proxyTarget")
	show("falseTarget")
	show("frozenUnderProxy")
	show("protoProxyTarget")
	show("underProxy")

	for _, name := range []string{"arrayLike", "string", "fn", "obj"} {
		t := made.Get(name)
		for i := 0; i < 4; i++ {
			t.SetIndex(i, fmt.Sprint(name, i))
		}
		show(name)
	}

	// Typed arrays: conversions, out of range, negative.
	f64, u8 := made.Get("f64"), made.Get("u8")
	values(f64, -2)
	values(u8, 0)
	u8.SetIndex(1, 300)
	u8.SetIndex(2, -1)
	u8.SetIndex(1<<32, 1)
	show("f64")
	show("u8")

	// Interleaved targets: runs of one record each.
	for i := 0; i < 8; i++ {
		plain.SetIndex(i, "p")
		made.Get("sealed").SetIndex(i, "s")
		f64.SetIndex(i, i)
		made.Get("proxy").SetIndex(i, i)
	}
	fmt.Println("[interleaved]", describe(js.Global().Call("eval", "(a) => a.slice(0, 9)").Invoke(plain)), describe(made.Get("sealed")),
		describe(f64), describe(made.Get("proxyTarget")), "| log:", H.Call("takeLog").String())
}

func throwing(mode string) {
	made = H.Call("make")
	var target string
	var f js.Func
	switch mode {
	case "throw-setter": // a setter on Array.prototype that throws
		target = "holey"
		// (index 50: the glue's own argument arrays must not reach it)
		js.Global().Call("eval", `Object.defineProperty(Array.prototype, 50, { set(v) { throw new TypeError("setter refuses " + v); }, configurable: true })`)
		f = js.FuncOf(func(this js.Value, args []js.Value) any {
			t := made.Get(target)
			t.SetIndex(49, "forty-nine")
			t.SetIndex(50, "fifty")
			t.SetIndex(51, "fifty-one")
			return nil
		})
	case "throw-proxy", "throw-revoked", "throw-invariant":
		target = "proxyTarget"
		src := map[string]string{
			"throw-proxy":     `(t) => new Proxy(t, { set(o, k, v) { if (k === "1") throw new RangeError("trap refuses " + k); o[k] = v; return true; } })`,
			"throw-revoked":   `(t) => { const r = Proxy.revocable(t, {}); r.revoke(); return r.proxy; }`,
			"throw-invariant": `(t) => { Object.defineProperty(t, 1, { value: 0, writable: false, configurable: false }); return new Proxy(t, { set() { return true; } }); }`,
		}[mode]
		p := js.Global().Call("eval", src).Invoke(made.Get(target))
		f = js.FuncOf(func(this js.Value, args []js.Value) any {
			p.SetIndex(0, 7)
			p.SetIndex(1, 8)
			p.SetIndex(2, 9)
			return nil
		})
	case "throw-bigint": // a number into a BigInt64Array
		target = "big"
		f = js.FuncOf(func(this js.Value, args []js.Value) any {
			made.Get(target).SetIndex(0, 1)
			return nil
		})
	case "throw-valueof": // a value whose valueOf throws, into a Float64Array
		target = "f64"
		v := js.Global().Call("eval", `({ valueOf() { throw new Error("valueOf refuses"); } })`)
		f = js.FuncOf(func(this js.Value, args []js.Value) any {
			t := made.Get(target)
			t.SetIndex(0, 1.5)
			t.SetIndex(1, v)
			t.SetIndex(2, 2.5)
			return nil
		})
	default:
		fmt.Fprintln(os.Stderr, "batch-setindex: unknown mode", mode)
		os.Exit(2)
	}
	H.Call("catching", f, target)
	fmt.Println("not reached")
}

func main() {
	H = js.Global().Call("eval", helpers)
	if len(os.Args) > 1 {
		throwing(os.Args[1])
		return
	}
	nonThrowing()
	fmt.Printf("batch-setindex: done, %d mismatches\n", failures)
}
