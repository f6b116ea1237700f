// batch-callbacks: writes around re-entrant calls. JS calls Go calls JS,
// nested; Go callbacks write properties that their JS caller reads as soon as
// they return; a JS setter calls back into Go; panics are recovered inside
// callbacks and across JS calls (js.Error). Every read of the JS side happens
// from JS or Go right after the writes, so a write that is replayed late
// (after the callback returned) or lost shows in the output.
package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
)

const helpers = `(() => {
  const fnv = (s) => { let x = 0x811c9dc5; for (let i = 0; i < s.length; i++) { x ^= s.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; } return x.toString(16).padStart(8, "0"); };
  const d = (v) => {
    if (v === undefined) return "undefined";
    if (typeof v === "string") return v.length > 40 ? "str(len=" + v.length + ",fnv=" + fnv(v) + ")" : JSON.stringify(v);
    if (typeof v === "function") return "fn";
    if (v === null || typeof v !== "object") return String(v);
    if (Array.isArray(v)) return "[" + v.map(d).join(", ") + "]";
    return "{" + Reflect.ownKeys(v).map((k) => { const pd = Object.getOwnPropertyDescriptor(v, k); return String(k) + ":" + ("value" in pd ? d(pd.value) : "<accessor>"); }).join(",") + "}";
  };
  const pick = (st) => { const o = {}; for (const k of Object.keys(st)) if (k !== "trace") o[k] = st[k]; return o; };
  return {
    describe: d,
    // JS level n: note what Go wrote before calling, call Go, note what Go wrote before returning.
    callGo(f, st, depth) {
      st.trace.push("js" + depth + " before: " + d(pick(st)));
      const r = f(depth);
      st.trace.push("js" + depth + " after: " + d(pick(st)));
      return r + "/js" + depth;
    },
    callAndRead(f, o, i) { const r = f(o, i); return r + " x=" + o.x + " y=" + d(o.y) + " gone=" + ("gone" in o); },
    callAsMethod(f, o) { o.m = f; const r = o.m(1, 2); delete o.m; return d(r) + " viaThis=" + d(o.viaThis); },
    callAndDescribe(f, o) { const r = f(o); return d(r) + " " + d(o); },
    thrower(o) { throw new Error("thrown after reading before=" + o.before); },
    throwString() { throw "a plain string"; },
    callCatching(f) { try { return "returned " + d(f()); } catch (e) { return "caught " + e; } },
    recurse(f, st, n) { const r = f(n); if (st["d" + n] !== "go" + n) return "level " + n + " not visible"; return r; },
    Ctor: function Ctor(v) { this.v = v; },
  };
})()`

var (
	H        js.Value
	failures int
)

func describe(v js.Value) string { return H.Call("describe", v).String() }

func check(cond bool, format string, args ...any) {
	if !cond {
		failures++
		fmt.Printf("MISMATCH: "+format+"\n", args...)
	}
}

func newObject() js.Value { return js.Global().Get("Object").New() }

// nested: Go -> JS -> Go -> JS -> Go -> JS -> Go, three JS levels deep.
func nested() {
	st := newObject()
	st.Set("trace", js.Global().Get("Array").New())
	var f1, f2, f3 js.Func
	f3 = js.FuncOf(func(this js.Value, args []js.Value) any {
		st.Set("l3", "go3")
		st.Get("trace").Call("push", "go3 sees l2="+st.Get("l2").String())
		return "go3"
	})
	f2 = js.FuncOf(func(this js.Value, args []js.Value) any {
		st.Set("l2", "go2")
		r := H.Call("callGo", f3, st, 3).String()
		st.Get("trace").Call("push", "go2 got "+r+" l3="+st.Get("l3").String())
		st.Delete("l3")
		return "go2(" + r + ")"
	})
	f1 = js.FuncOf(func(this js.Value, args []js.Value) any {
		st.Set("l1", "go1")
		r := H.Call("callGo", f2, st, 2).String()
		st.Set("l1", "go1-after")
		st.Delete("l2")
		return "go1(" + r + ")"
	})
	defer f1.Release()
	defer f2.Release()
	defer f3.Release()
	st.Set("l0", "main")
	r := H.Call("callGo", f1, st, 1).String()
	fmt.Println("[nested] result", r)
	n := st.Get("trace").Length()
	for i := 0; i < n; i++ {
		fmt.Println("[nested]", st.Get("trace").Index(i).String())
	}
	fmt.Println("[nested] final", describe(st))

	// Twenty levels: each Go level writes d<n>, JS checks it right after Go returns.
	rs := newObject()
	var rec js.Func
	rec = js.FuncOf(func(this js.Value, args []js.Value) any {
		n := args[0].Int()
		rs.Set("d"+strconv.Itoa(n), "go"+strconv.Itoa(n))
		if n == 20 {
			return "bottom"
		}
		return "go" + strconv.Itoa(n) + ">" + H.Call("recurse", rec, rs, n+1).String()
	})
	defer rec.Release()
	fmt.Println("[nested] 20 levels:", H.Call("recurse", rec, rs, 1).String())
}

// returns: a callback's writes are read by its JS caller right after it returns.
func returns() {
	o := newObject()
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		obj, i := args[0], args[1].Int()
		obj.Set("x", i)
		obj.Set("y", js.ValueOf(map[string]any{"i": i}))
		if i%2 == 0 {
			obj.Set("gone", true)
		} else {
			obj.Delete("gone")
		}
		return "r" + strconv.Itoa(i)
	})
	defer f.Release()
	var first, last string
	for i := 0; i < 200; i++ {
		got := H.Call("callAndRead", f, o, i).String()
		want := fmt.Sprintf("r%d x=%d y={i:%d} gone=%v", i, i, i, i%2 == 0)
		check(got == want, "callAndRead %d: %q, want %q", i, got, want)
		if i == 0 {
			first = got
		}
		last = got
	}
	fmt.Println("[returns] first", first, "| last", last)

	m := js.FuncOf(func(this js.Value, args []js.Value) any {
		this.Set("viaThis", args[0].Int()+args[1].Int())
		return this.Get("viaThis") // read back inside the callback
	})
	defer m.Release()
	fmt.Println("[returns] method", H.Call("callAsMethod", m, newObject()).String())

	// Go calls its own func through JS (valueInvoke): nested event, then a read.
	inc := js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Set("count", args[0].Get("count").Int()+1)
		return nil
	})
	defer inc.Release()
	c := js.ValueOf(map[string]any{"count": 0})
	for i := 0; i < 50; i++ {
		inc.Invoke(c)
	}
	fmt.Println("[returns] invoked 50 times, count", c.Get("count").Int())
}

var seen []string

// deep recursion with large frames: whatever goroutine runs it gets a new,
// larger stack, so Go's stack pointer moves under the JS code that called in.
//
//go:noinline
func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%256])
}

// setters: a JS setter calls back into Go.
//
// This is gowasm-batch's documented semantic difference: with batching a
// setter runs when the batch is flushed (at the next read, call, or return
// to JS), not inside Value.Set. The cases are built so the output is the same
// either way: Go looks at what the setter did only after a read of the JS
// side, which flushes; the setter's Go callback grows the stack, so a flush
// in front of an import that then used a stale stack pointer shows too.
func setters() {
	g := js.Global()
	cbState := newObject()
	cb := js.FuncOf(func(this js.Value, args []js.Value) any {
		v := args[0].String()
		seen = append(seen, v)
		deep(2000)
		// Writes, then a read, inside the callback; they may be recorded while
		// the batch holding the setter's own write is being replayed.
		for i := 0; i < 8; i++ {
			cbState.Set("scratch"+strconv.Itoa(i), i)
		}
		cbState.Set(strings.Repeat("n", 300)+v, len(v))
		cbState.Delete(strings.Repeat("n", 300) + v)
		cbState.Set("last", v)
		check(cbState.Get("last").String() == v, "callback reads back its own write")
		cbState.Set("calls", cbState.Get("calls").Int()+1)
		return nil
	})
	defer cb.Release()
	cbState.Set("calls", 0)
	define := g.Get("Function").New("obj", "cb",
		`Object.defineProperty(obj, "watched", { configurable: true, enumerable: true,
			get() { return this._w; },
			set(v) { this._w = v; cb(String(v)); } });`)
	w := newObject()
	define.Invoke(w, cb)

	other := newObject()
	w.Set("watched", "one")
	w.Set("watched", "two")
	for i := 0; i < 12; i++ { // main's writes queued behind the setter's: none may be lost
		other.Set("after-setter-"+strconv.Itoa(i), i)
	}
	other.Set("after-setter", "main's write after the setter's")
	fmt.Println("[setter] read back", w.Get("watched").String(), "seen", strings.Join(seen, ","),
		"other", describe(other), "calls", cbState.Get("calls").Int(), "state", describe(cbState))

	// The setter's callback runs (at once, or at the flush in front of the
	// read below) on a fresh goroutine whose stack then grows.
	arr := js.ValueOf([]any{"a0", "a1", "a2"})
	str := js.ValueOf("a string value ключ")
	u8 := g.Get("Uint8Array").New(3)
	u8.SetIndex(1, 11)
	ctor := H.Get("Ctor")
	reads := []struct {
		name string
		read func() string
	}{
		{"Get", func() string { return arr.Get("length").String() }},
		{"Index", func() string { return arr.Index(1).String() }},
		{"Length", func() string { return strconv.Itoa(arr.Length()) }},
		{"InstanceOf", func() string { return strconv.FormatBool(arr.InstanceOf(g.Get("Array"))) }},
		{"String", func() string { return str.String() }},
		{"ValueOf", func() string { return js.ValueOf("fresh").String() }},
		{"CopyBytesToGo", func() string { b := make([]byte, 3); n := js.CopyBytesToGo(b, u8); return fmt.Sprint(n, b) }},
		{"CopyBytesToJS", func() string { return strconv.Itoa(js.CopyBytesToJS(u8, []byte{7, 8})) }},
		{"Call", func() string { return arr.Call("join", "+").String() }},
		{"Invoke", func() string { return g.Get("String").Invoke(42).String() }},
		{"New", func() string { return ctor.New("built").Get("v").String() }},
	}
	for _, r := range reads {
		done := make(chan string)
		seen = seen[:0]
		go func(name string, read func() string) {
			w.Set("watched", "before-"+name)
			done <- read()
		}(r.name, r.read)
		res := <-done
		fmt.Printf("[setter] %s -> %s; seen %s; last %s\n", r.name, res, strings.Join(seen, ","), cbState.Get("last").String())
	}
	fmt.Println("[setter] calls", cbState.Get("calls").Int(), "u8", describe(u8))
}

// panics: recovered inside a callback, and js.Error recovered across a call.
func panics() {
	safe := js.FuncOf(func(this js.Value, args []js.Value) (res any) {
		defer func() {
			if r := recover(); r != nil {
				args[0].Set("recovered", fmt.Sprint(r))
				res = "recovered"
			}
		}()
		args[0].Set("before-panic", true)
		var m map[string]int
		m["nil map"] = 1 // a runtime panic
		return "unreachable"
	})
	defer safe.Release()
	fmt.Println("[panic] callback:", H.Call("callAndDescribe", safe, newObject()).String())

	o := newObject()
	fmt.Println("[panic] js.Error:", callThrower(o))
	o.Set("after", "written after the recover")
	fmt.Println("[panic] object", describe(o))

	fmt.Println("[panic] thrown string:", func() (msg string) {
		defer func() {
			if e, ok := recover().(js.Error); ok {
				msg = "js.Error with value " + e.Value.String()
			}
		}()
		H.Call("throwString")
		return "no throw"
	}())

	// JS -> Go callback -> JS that throws -> recovered in Go -> back to JS normally.
	inner := js.FuncOf(func(this js.Value, args []js.Value) any {
		st := newObject()
		return callThrower(st) + " / " + describe(st)
	})
	defer inner.Release()
	fmt.Println("[panic] nested:", H.Call("callCatching", inner).String())

	// A released func called from JS: Go writes "call to released function" to the console (stderr).
	gone := js.FuncOf(func(this js.Value, args []js.Value) any { return "alive" })
	fmt.Println("[panic] before release:", H.Call("callCatching", gone).String())
	gone.Release()
	fmt.Println("[panic] after release:", H.Call("callCatching", gone).String())
}

func callThrower(o js.Value) (msg string) {
	defer func() {
		r := recover()
		if e, ok := r.(js.Error); ok {
			msg = "recovered " + e.Error()
			o.Set("recovered", true)
		} else if r != nil {
			msg = fmt.Sprint("unexpected ", r)
		}
	}()
	o.Set("before", "set-before-throw")
	H.Call("thrower", o)
	return "no throw"
}

func main() {
	H = js.Global().Call("eval", helpers)
	nested()
	returns()
	setters()
	panics()
	fmt.Printf("batch-callbacks: done, %d mismatches\n", failures)
}
