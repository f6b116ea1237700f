// batch-values: every import gowasm-batch defers (valueSet, valueSetIndex,
// valueDelete, finalizeRef) with every kind of name, value and index, each
// followed by reads of the same objects through every import that reads
// (Get, Index, Call, Invoke, New, Length, InstanceOf, String, CopyBytesToGo,
// CopyBytesToJS, ValueOf of a string), so that a write replayed late, out of
// order, with the wrong name or value, or not at all changes the output.
// Self-checks print "MISMATCH:" lines; the test compares the whole output of
// the original and of the batched module.
package main

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"syscall/js"
	"unicode/utf16"
	"unsafe"
)

// describe renders a JS value deterministically: keys in insertion order,
// long strings and keys as length and FNV-1a hash, accessors not invoked.
const helpers = `(() => {
  const fnv = (s) => { let x = 0x811c9dc5; for (let i = 0; i < s.length; i++) { x ^= s.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; } return x.toString(16).padStart(8, "0"); };
  const key = (k) => typeof k === "symbol" ? k.toString() : (k.length > 40 ? "key(len=" + k.length + ",fnv=" + fnv(k) + ")" : JSON.stringify(k));
  const d = (v, seen) => {
    if (v === undefined) return "undefined";
    if (v === null) return "null";
    switch (typeof v) {
      case "number": return Object.is(v, -0) ? "-0" : String(v);
      case "string": return v.length > 40 ? "str(len=" + v.length + ",fnv=" + fnv(v) + ")" : JSON.stringify(v);
      case "boolean": case "bigint": return String(v);
      case "symbol": return v.toString();
      case "function": return "fn(" + v.name + ")";
    }
    if (seen.includes(v)) return "<cycle>";
    seen = seen.concat([v]);
    if (ArrayBuffer.isView(v)) {
      const head = Array.from(v.length > 16 ? v.subarray(0, 16) : v).join(",");
      return v.constructor.name + "(" + v.length + ")[" + head + (v.length > 16 ? ",..." : "") + "]";
    }
    const parts = [];
    for (const k of Reflect.ownKeys(v)) {
      if (Array.isArray(v) && k === "length") continue;
      const pd = Object.getOwnPropertyDescriptor(v, k);
      parts.push(key(k) + ":" + ("value" in pd ? d(pd.value, seen) : "<accessor>"));
    }
    const p = Object.getPrototypeOf(v);
    const tag = Array.isArray(v) ? "Array(" + v.length + ")" : p === Object.prototype ? "" : p === null ? "null-proto" : ((p.constructor && p.constructor.name) || "?");
    return tag + "{" + parts.join(",") + "}";
  };
  return {
    describe: (v) => d(v, []),
    fnv,
    keys: (o) => JSON.stringify(Object.keys(o).map((k) => k.length > 40 ? "len" + k.length : k)),
    strlen: (s) => s.length,
    has: (o, k) => Object.prototype.hasOwnProperty.call(o, k),
    readX: () => globalThis.valuesScratch.x,
    Widget: function Widget() { this.color = Widget.config.color; this.size = Widget.config.size; },
    setTrapLog: [],
    proxy(target) { const log = this.setTrapLog; return new Proxy(target, { set(t, k, v) { log.push(String(k).slice(0, 20) + "=" + d(v, [])); t[k] = v; return true; } }); },
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

var (
	dataBuf = [11]byte{'d', 'a', 't', 'a', '-', 'n', 'a', 'm', 'e', '-', '0'} // initialised: .noptrdata
	bssBuf  [16]byte                                                          // zero: .noptrbss
)

// staticName is a string that aliases b (no copy).
func staticName(b []byte) string { return *(*string)(unsafe.Pointer(&b)) }

const (
	lit64       = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	lit512      = lit64 + lit64 + lit64 + lit64 + lit64 + lit64 + lit64 + lit64
	lit4096     = lit512 + lit512 + lit512 + lit512 + lit512 + lit512 + lit512 + lit512
	longLiteral = "literal:" + lit4096 + lit512 + "ключ" // a 4.6 KiB constant
)

// names: literal, computed on the heap, aliased and then overwritten,
// long (far beyond any small buffer), non-ASCII, invalid UTF-8, empty, NUL.
func names() {
	o := newObject()
	o.Set("plain", 1)
	o.Set("ключ", "cyrillic")
	o.Set("名前", "cjk")
	o.Set("😀🎉", "emoji")
	o.Set("e\u0301", "combining")
	o.Set("", "empty")
	o.Set("a\x00b", "nul")
	o.Set("\xff\xfe", "invalid utf-8")
	o.Set("\xed\xa0\x80", "encoded surrogate")
	for i := 0; i < 40; i++ {
		o.Set(fmt.Sprintf("k%02d-%s", i, strings.Repeat("ю", i%5)), i) // heap names, garbage right after
	}
	// A name whose bytes change right after Set: a deferral that kept the
	// pointer instead of the bytes would replay the later contents.
	// (Number values: no other bridge call, so nothing flushes in between.)
	buf := []byte("alias-AAAA")
	alias := *(*string)(unsafe.Pointer(&buf))
	o.Set(alias, 1)
	copy(buf[6:], "BBBB")
	o.Set(alias, 2)
	o.Delete("alias-DDDD")
	copy(buf[6:], "DDDD")
	o.Set(alias, 4)
	o.Delete(alias)
	copy(buf[6:], "CCCC")
	// Heap names that the GC frees and reuses before any read.
	for i := 0; i < 200; i++ {
		b := make([]byte, 0, 32)
		b = append(b, "gc-"...)
		b = strconv.AppendInt(b, int64(i), 10)
		o.Set(string(b), i*i)
		if i%50 == 0 {
			runtime.GC()
		}
		_ = make([]byte, 4096)
	}
	// Names in writable static data (not read-only data, though they sit
	// among the data segments): the same address holds a new name each time.
	o.Set(staticName(dataBuf[:]), "data-0")
	check(o.Get(staticName(dataBuf[:])).String() == "data-0", "data name 0")
	dataBuf[len(dataBuf)-1] = '1'
	o.Set(staticName(dataBuf[:]), "data-1")
	copy(bssBuf[:], "bss-name-0")
	o.Set(staticName(bssBuf[:10]), "bss-0")
	check(o.Get(staticName(bssBuf[:10])).String() == "bss-0", "bss name 0")
	bssBuf[9] = '1'
	o.Set(staticName(bssBuf[:10]), "bss-1")
	// A long name in read-only data, twice, with a read in between.
	o.Set(longLiteral, "long literal")
	check(o.Get(longLiteral).String() == "long literal", "long literal")
	o.Set(longLiteral, "long literal again")
	long := map[int]string{}
	for _, n := range []int{4097, 5000, 9000, 20000, 100000} {
		s := strings.Repeat("ж", n/2) + strconv.Itoa(n) // 2 bytes per "ж"
		long[n] = s
		o.Set(s, n)
	}
	fmt.Println("[names] keys:", H.Call("keys", o).String())
	fmt.Println("[names]", describe(o))
	check(o.Get("alias-AAAA").Int() == 1, "alias-AAAA")
	check(o.Get("alias-BBBB").Int() == 2, "alias-BBBB")
	check(o.Get("alias-CCCC").IsUndefined(), "alias-CCCC must not exist")
	check(o.Get("alias-DDDD").IsUndefined(), "alias-DDDD was deleted")
	check(o.Get("gc-199").Int() == 199*199, "gc-199")
	check(o.Get("\uFFFD\uFFFD").String() == "invalid utf-8", "invalid utf-8 name decodes to U+FFFD")
	for n, s := range long { // map order does not matter: no output unless broken
		check(o.Get(s).Int() == n, "long name %d", n)
	}
	for _, k := range []string{"ключ", "名前", "😀🎉", "a\x00b", ""} {
		fmt.Printf("[names] get %q = %s\n", k, o.Get(k).String())
	}
}

// values: every kind of value Set can store.
func values() {
	o := newObject()
	o.Set("zero", 0)
	o.Set("negzero", math.Copysign(0, -1))
	o.Set("one", 1)
	o.Set("minus", -1)
	o.Set("half", 1.5)
	o.Set("big", 1<<53)
	o.Set("bigger", float64(1<<53)+2)
	o.Set("max", math.MaxFloat64)
	o.Set("tiny", math.SmallestNonzeroFloat64)
	o.Set("inf", math.Inf(1))
	o.Set("ninf", math.Inf(-1))
	o.Set("nan", math.NaN())
	o.Set("u8", uint8(255))
	o.Set("i64", int64(-1234567890123))
	o.Set("u64", uint64(1<<63))
	o.Set("str", "hello")
	o.Set("str-utf8", "héllo wörld ключ 名前 😀")
	o.Set("str-empty", "")
	o.Set("str-long", strings.Repeat("long ", 10000))
	o.Set("true", true)
	o.Set("false", false)
	o.Set("nil", nil)
	o.Set("null", js.Null())
	o.Set("undefined", js.Undefined())
	o.Set("obj", js.ValueOf(map[string]any{"inner": 42}))
	o.Set("arr", js.ValueOf([]any{1, "two", nil, true, 4.5, []any{"nested"}}))
	o.Set("self", o)
	o.Set("global-is", js.Global().Get("Object"))
	o.Set("typed", js.Global().Get("Uint8Array").New(3))
	f := js.FuncOf(func(this js.Value, args []js.Value) any { return "called" })
	defer f.Release()
	o.Set("func", f)
	fmt.Println("[values]", describe(o))
	check(o.Get("func").Invoke().String() == "called", "func")
	check(o.Get("nan").IsNaN(), "nan")
	check(o.Get("bigger").Float() == float64(1<<53)+2, "bigger")
	check(o.Get("self").Equal(o), "self")
	check(o.Get("undefined").IsUndefined() && H.Call("has", o, "undefined").Bool(), "undefined is an own property")
	check(len(o.Get("str-long").String()) == 50000, "str-long")
	// Overwrite every property with a different type, then read all of them.
	for _, k := range []string{"zero", "one", "str", "obj", "nil", "func"} {
		o.Set(k, k+"-replaced")
	}
	fmt.Println("[values] replaced", describe(o))
}

// indices: SetIndex on arrays, typed arrays and objects, edges included.
func indices() {
	g := js.Global()
	a := g.Get("Array").New()
	for i := 0; i < 5; i++ {
		a.SetIndex(i, i*10)
	}
	a.SetIndex(9, "after-holes")
	fmt.Println("[index] array", describe(a), "length", a.Length())
	a.SetIndex(4294967294, "max-index") // the largest array index: length becomes 2^32-1
	fmt.Println("[index] length after max index", a.Length())
	a.SetIndex(4294967295, "not-an-index") // a plain property; length unchanged
	a.SetIndex(1<<40, "2^40")
	a.SetIndex(1<<53-1, "2^53-1")
	fmt.Println("[index] length", a.Length(), "idx", a.Index(4294967294).String(), a.Index(4294967295).String(), a.Index(1<<40).String(), a.Index(1<<53-1).String())
	fmt.Println("[index] keys", g.Get("Object").Call("keys", a).Call("join", " ").String())

	for _, tc := range []struct {
		ctor string
		vals []any
	}{
		{"Uint8Array", []any{255, 256, -1, 1.7, 300}},
		{"Uint8ClampedArray", []any{255, 256, -1, 1.7, 300}},
		{"Int8Array", []any{127, 128, -129, -1, 0}},
		{"Int32Array", []any{1 << 31, -(1 << 31), 4294967296 + 5, 1.9, -1.9}},
		{"Float32Array", []any{0.1, math.Inf(1), math.NaN(), 1e40, math.Copysign(0, -1)}},
		{"Float64Array", []any{0.1, math.MaxFloat64, math.NaN(), -2.5, math.SmallestNonzeroFloat64}},
	} {
		t := g.Get(tc.ctor).New(6)
		for i, v := range tc.vals {
			t.SetIndex(i, v)
		}
		t.SetIndex(6, 99)     // out of range: ignored
		t.SetIndex(1<<33, 99) // far out of range: ignored
		t.SetIndex(5, "7")    // converted by the typed array
		fmt.Println("[index]", tc.ctor, describe(t), "len", t.Length(), "i5", t.Index(5).Float())
	}
	big := g.Get("Uint8Array").New(1 << 20)
	big.SetIndex(1<<20-1, 42)
	big.SetIndex(1<<19, 7)
	big.SetIndex(0, 1)
	fmt.Println("[index] big", big.Index(1<<20-1).Int(), big.Index(1<<19).Int(), big.Index(0).Int(), big.Length())

	o := newObject()
	o.SetIndex(0, "zero")
	o.SetIndex(7, "seven")
	o.SetIndex(1<<31, "2^31")
	fmt.Println("[index] object", describe(o))
}

// deletes: existing, missing, array elements, non-configurable, re-added.
func deletes() {
	g := js.Global()
	o := js.ValueOf(map[string]any{"a": 1})
	o.Set("b", 2)
	o.Set("c", 3)
	o.Set("ключ", 4)
	o.Set(strings.Repeat("d", 6000), 5)
	o.Delete("a")
	o.Delete("missing")
	o.Delete("toString") // inherited: nothing happens
	o.Delete("ключ")
	o.Delete(strings.Repeat("d", 6000))
	o.Set("a", "re-added") // goes to the end of the key order
	o.Delete("b")
	o.Set("b", "re-added too")
	fmt.Println("[delete]", describe(o), "has a", H.Call("has", o, "a").Bool(), "ключ", H.Call("has", o, "ключ").Bool())
	check(o.Get("toString").Type() == js.TypeFunction, "inherited toString survives")

	a := js.ValueOf([]any{0, 1, 2, 3})
	a.Delete("1")      // leaves a hole
	a.Delete("length") // non-configurable: silently refused
	a.Delete("7")      // missing
	fmt.Println("[delete] array", describe(a), "len", a.Length())

	frozen := g.Get("Object").Call("freeze", js.ValueOf(map[string]any{"keep": true}))
	frozen.Delete("keep")   // refused
	frozen.Set("new", true) // refused
	fmt.Println("[delete] frozen", describe(frozen))

	acc := newObject()
	g.Get("Object").Call("defineProperty", acc, "computed", js.ValueOf(map[string]any{"configurable": true, "value": "v"}))
	acc.Delete("computed")
	fmt.Println("[delete] defined", describe(acc))
}

// ordering: a write immediately followed by a read through each reading import.
func ordering() {
	g := js.Global()
	o := newObject()

	o.Set("x", 1) // Get
	check(o.Get("x").Int() == 1, "Set then Get")

	arr := g.Get("Array").New()
	arr.SetIndex(0, "i0") // Index
	check(arr.Index(0).String() == "i0", "SetIndex then Index")

	arr.SetIndex(99, "end") // Length
	check(arr.Length() == 100, "SetIndex then Length: %d", arr.Length())

	o.Set("y", "why") // Call
	fmt.Println("[order] stringify", g.Get("JSON").Call("stringify", o).String())

	g.Set("valuesScratch", o) // Invoke of a function that reads a global the Go side just set
	o.Set("x", "via-invoke")
	fmt.Println("[order] invoke", H.Get("readX").Invoke().String())

	widget := H.Get("Widget") // New: the constructor reads a config set just before
	widget.Set("config", js.ValueOf(map[string]any{"color": "red"}))
	widget.Get("config").Set("size", 3)
	w := widget.New()
	fmt.Println("[order] new", describe(w))

	proto := g.Get("Map").Get("prototype") // InstanceOf after a __proto__ Set
	p := newObject()
	check(!p.InstanceOf(g.Get("Map")), "plain object is not a Map")
	p.Set("__proto__", proto)
	check(p.InstanceOf(g.Get("Map")), "Set __proto__ then InstanceOf")

	u8 := g.Get("Uint8Array").New(4) // CopyBytesToGo
	u8.SetIndex(2, 77)
	b := make([]byte, 4)
	js.CopyBytesToGo(b, u8)
	check(b[2] == 77, "SetIndex then CopyBytesToGo: %v", b)

	u8.SetIndex(0, 9) // CopyBytesToJS over a pending SetIndex: the copy must win
	u8.SetIndex(3, 9)
	js.CopyBytesToJS(u8, []byte{1, 2})
	u8.SetIndex(1, 5) // and a SetIndex after the copy wins over it
	fmt.Println("[order] copy", describe(u8))

	o.Set("s", "héllo") // String (valuePrepareString, valueLoadString)
	check(o.Get("s").String() == "héllo", "Set then String")

	o.Set("before-string", 1) // ValueOf(string) between writes
	v := js.ValueOf("created between writes")
	o.Set("after-string", v)
	fmt.Println("[order] around stringVal", H.Call("keys", o).String())

	o.Set("x", 1) // write, delete, write: the key moves to the end
	o.Delete("x")
	o.Set("x", 2)
	o.Set("z", 0)
	o.Delete("z")
	fmt.Println("[order] keys", H.Call("keys", o).String(), "x", o.Get("x").Int())

	g.Set("orderGlobal", "from-go") // eval reads a global just set
	fmt.Println("[order] eval", g.Call("eval", "typeof orderGlobal + ':' + orderGlobal").String())

	for i := 0; i < 1000; i++ { // many writes to one key: the last wins
		o.Set("n", i)
	}
	check(o.Get("n").Int() == 999, "last of 1000 writes")
	for i := 0; i < 300; i++ { // read after every write
		o.Set("n", i)
		if got := o.Get("n").Int(); got != i {
			check(false, "read-after-write %d: %d", i, got)
			break
		}
		o.SetIndex(i, i)
		if got := o.Index(i).Int(); got != i {
			check(false, "read-after-SetIndex %d: %d", i, got)
			break
		}
	}

	alias := g.Get("valuesScratch") // another js.Value for the same object
	o.Set("via", "first handle")
	check(alias.Get("via").String() == "first handle", "write through one handle, read through another")

	px := H.Call("proxy", newObject()) // a set trap runs in order with the rest
	px.Set("a", 1)
	px.Set("b", "two")
	px.SetIndex(3, true)
	px.Set("a", 4)
	fmt.Println("[order] proxy log", describe(H.Get("setTrapLog")), "a", px.Get("a").Int())

	// UTF-16 of a string set from Go and measured by JS.
	s := "𝄞 clef ключ"
	o.Set("u16", s)
	check(H.Call("strlen", o.Get("u16")).Int() == len(utf16.Encode([]rune(s))), "UTF-16 length")
}

// finalizers: many js.Values dropped while the ones still held stay valid.
func finalizers() {
	g := js.Global()
	keep := make([]js.Value, 0, 100)
	holder := g.Get("Array").New()
	for i := 0; i < 5000; i++ {
		v := newObject()
		v.Set("id", i)
		s := js.ValueOf("str-" + strconv.Itoa(i))
		v.Set("s", s)
		if i%50 == 0 {
			keep = append(keep, v)
			holder.SetIndex(i/50, v)
		}
		if i%1000 == 999 {
			runtime.GC()
			runtime.GC()
			runtime.Gosched() // the finalizers run now: a burst of finalizeRef
		}
	}
	runtime.GC()
	runtime.GC()
	runtime.Gosched()
	bad := 0
	for j, v := range keep {
		if v.Get("id").Int() != j*50 || v.Get("s").String() != "str-"+strconv.Itoa(j*50) || !holder.Index(j).Equal(v) {
			bad++
		}
	}
	check(bad == 0, "held values after GC: %d bad", bad)
	// The same JS objects reached again after their earlier handles died.
	sum := 0
	for j := 0; j < holder.Length(); j++ {
		sum += holder.Index(j).Get("id").Int()
	}
	fmt.Println("[finalize] held", len(keep), "sum of ids", sum)
}

func main() {
	H = js.Global().Call("eval", helpers)
	names()
	values()
	indices()
	deletes()
	ordering()
	finalizers()
	fmt.Printf("batch-values: done, %d mismatches\n", failures)
}
