// batch: the program of the browser test of gowasm-batch
// (tests/integration/test_batch_browser.py). It calls the bridge functions
// that a batched module defers (Set, SetIndex, Delete, js.Value finalizers)
// in the orders where deferring them could show: a read right after a write,
// JS setters, a JS read right after a Go callback returns, a JS timer after
// Go blocks, temporary values collected before the write that uses them is
// applied, a setter that calls back into Go (read as the companion documents:
// after the next bridge call), and a global written as the program's very
// last act. Every line it prints is deterministic and the same in Node and
// in a browser (a small fake document stands in for the DOM where there is
// none).
package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall/js"
)

var (
	g    = js.Global()
	json = g.Get("JSON")
)

func eval(src string) js.Value { return g.Call("eval", src) }

func stringify(v js.Value) string { return json.Call("stringify", v).String() }

func collect() {
	runtime.GC()
	runtime.Gosched()
	runtime.Gosched()
}

// A minimal stand-in for the DOM parts used below, with the same
// observable behaviour as a browser's.
const fakeDocument = `(() => {
  class El {
    constructor(tag) {
      this.tagName = tag.toUpperCase(); this._attrs = new Map(); this.childNodes = []; this._text = "";
      this.style = {}; this._listeners = {};
      const el = this;
      this.dataset = new Proxy({}, {
        set(t, k, v) { el._attrs.set("data-" + k, String(v)); return true; },
        get(t, k) { return el._attrs.get("data-" + String(k)); },
        deleteProperty(t, k) { el._attrs.delete("data-" + k); return true; },
      });
    }
    get id() { return this._attrs.get("id") || ""; }
    set id(v) { this._attrs.set("id", String(v)); }
    get className() { return this._attrs.get("class") || ""; }
    set className(v) { this._attrs.set("class", String(v)); }
    get hidden() { return this._attrs.has("hidden"); }
    set hidden(v) { if (v) this._attrs.set("hidden", ""); else this._attrs.delete("hidden"); }
    getAttribute(k) { return this._attrs.has(k) ? this._attrs.get(k) : null; }
    setAttribute(k, v) { this._attrs.set(k, String(v)); }
    removeAttribute(k) { this._attrs.delete(k); }
    appendChild(c) { this.childNodes.push(c); return c; }
    get children() { return this.childNodes.filter((c) => c instanceof El); }
    get textContent() { return this.childNodes.reduce((s, c) => s + c.textContent, this._text); }
    set textContent(v) { this.childNodes = []; this._text = String(v); }
    addEventListener(t, f) { (this._listeners[t] ||= []).push(f); }
    click() { for (const f of this._listeners.click || []) f({ type: "click", target: this }); }
  }
  return { createElement: (tag) => new El(tag), body: new El("body") };
})()`

func document() js.Value {
	if d := g.Get("document"); d.Truthy() {
		return d
	}
	return eval(fakeDocument)
}

func main() {
	fmt.Println("BEGIN gowasm-batch-browser")
	object, array := g.Get("Object"), g.Get("Array")

	// Sets with literal names, many times over, then read back.
	o := object.New()
	for i := 0; i < 2000; i++ {
		o.Set("a", i)
		o.Set("b", i*2)
		o.Set("name", "n"+strconv.Itoa(i))
		o.Set("flag", i%2 == 0)
	}
	fmt.Println("set:", stringify(o), o.Get("a").Int()+o.Get("b").Int())

	// A read right after each write.
	sum := 0
	for i := 0; i < 100; i++ {
		o.Set("counter", i)
		sum += o.Get("counter").Int()
	}
	fmt.Println("read-after-write:", sum)

	// JS setters see the writes in program order.
	rec := eval(`(() => {
	  const log = [], o = { log };
	  for (const k of ["x", "y", "z"]) Object.defineProperty(o, k, { set(v) { log.push(k + "=" + v); }, get() { return log.length; } });
	  return o;
	})()`)
	rec.Set("x", 1)
	rec.Set("y", "two")
	rec.Set("z", 3.5)
	rec.Set("x", 4)
	fmt.Println("setter-order:", rec.Get("log").Call("join", ",").String(), rec.Get("x").Int())

	// SetIndex on an Array (growing it), a Uint8Array (wrapping, out of
	// range ignored), a Float64Array, with strings and objects as values.
	arr := array.New(0)
	for i := 0; i < 10; i++ {
		arr.SetIndex(i, i*i)
	}
	arr.SetIndex(12, "twelve")
	u8 := g.Get("Uint8Array").New(4)
	u8.SetIndex(0, 300)
	u8.SetIndex(1, -1)
	u8.SetIndex(2, 7)
	u8.SetIndex(10, 5)
	f64 := g.Get("Float64Array").New(3)
	for i := 0; i < 3; i++ {
		f64.SetIndex(i, float64(i)+0.25)
	}
	fmt.Println("setindex:", stringify(arr), stringify(array.Call("from", u8)), stringify(array.Call("from", f64)), arr.Length())

	// Deletes, interleaved with Sets of the same keys.
	d := object.New()
	d.Set("keep", 1)
	d.Set("drop", 2)
	d.Set("again", 3)
	d.Delete("drop")
	d.Delete("again")
	d.Set("again", 4)
	d.Delete("missing")
	fmt.Println("delete:", stringify(d), d.Call("hasOwnProperty", "drop").Bool())

	// Temporary values, collected right after the write that uses them.
	holder := object.New()
	list := array.New(0)
	for i := 0; i < 300; i++ {
		t := object.New()
		t.Set("i", i)
		holder.Set("last", t)
		list.SetIndex(i, "s"+strconv.Itoa(i))
		if i%50 == 49 {
			collect()
		}
	}
	collect()
	fmt.Println("temporaries:", holder.Get("last").Get("i").Int(), list.Index(299).String(), list.Length())

	// Finalizer storms, then values created after them are still right.
	kept := make([]js.Value, 0, 50)
	for r := 0; r < 20; r++ {
		for i := 0; i < 500; i++ {
			v := object.New()
			v.Set("r", r)
			s := js.ValueOf("str" + strconv.Itoa(r*1000+i))
			if i%100 == 0 {
				v.Set("s", s)
				kept = append(kept, v)
			}
		}
		collect()
	}
	good := 0
	for k, v := range kept {
		r, i := k/5, (k%5)*100
		if v.Get("r").Int() == r && v.Get("s").String() == "str"+strconv.Itoa(r*1000+i) {
			good++
		}
	}
	fmt.Println("finalizers:", good, "of", len(kept))
	// Where the page exposes its Go instance (not in Node), the number of
	// live JS references after a collection: equal if every finalizer was
	// applied. Reported through a global, not printed, so that the output
	// stays the same in Node.
	collect()
	if gi := g.Get("gowasmBatchGo"); gi.Truthy() {
		g.Set("gowasmBatchLiveRefs", gi.Get("_values").Length()-gi.Get("_idPool").Length())
	}

	// The DOM (a real one in a browser).
	doc := document()
	el := doc.Call("createElement", "div")
	el.Set("id", "main")
	el.Set("className", "box big")
	el.Get("style").Set("width", "10px")
	el.Get("dataset").Set("foo", "bar")
	el.Get("dataset").Set("gone", "soon")
	el.Get("dataset").Delete("gone")
	el.Set("hidden", true)
	el.Set("textContent", "hello ")
	child := doc.Call("createElement", "span")
	child.Set("textContent", "world")
	el.Call("appendChild", child)
	fmt.Println("dom:", el.Get("id").String(), el.Get("className").String(), el.Get("style").Get("width").String(),
		el.Call("getAttribute", "data-foo").String(), el.Call("getAttribute", "data-gone").IsNull(),
		el.Get("hidden").Bool(), el.Get("textContent").String(), el.Get("children").Get("length").Int())

	// A Go event handler's writes, read by JS as soon as it returns.
	clicks := 0
	onClick := js.FuncOf(func(this js.Value, args []js.Value) any {
		clicks++
		el.Set("title", "clicked "+strconv.Itoa(clicks))
		el.Get("dataset").Set("clicks", clicks)
		return nil
	})
	el.Call("addEventListener", "click", onClick)
	probe := eval(`(el) => { el.click(); const a = el.title; el.click(); return a + "/" + el.title + "/" + el.getAttribute("data-clicks"); }`)
	fmt.Println("event-visible:", probe.Invoke(el).String())

	// A Go callback's writes, read by JS right after the call.
	cb := js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Set("fromGo", 42)
		args[1].SetIndex(0, "first")
		args[0].Delete("old")
		return nil
	})
	after := eval(`(cb) => { const o = { old: 1 }, a = []; cb(o, a); return JSON.stringify([o, a]); }`)
	fmt.Println("callback-visible:", after.Invoke(cb).String())

	// A JS setter that calls back into Go, and whose Go callback writes and
	// reads JS itself. gowasm-batch documents that such a setter runs at the
	// next flush (the next other bridge call) rather than inside the Set, so
	// the program reads a JS value before looking at what the callback did;
	// with that read, both modules must print the same.
	var seen []string
	onSet := js.FuncOf(func(this js.Value, args []js.Value) any {
		this.Set("last", args[0])
		seen = append(seen, args[0].String()+"@"+strconv.Itoa(this.Get("count").Int()))
		this.Set("count", this.Get("count").Int()+1)
		return nil
	})
	reentrant := eval(`(f) => { const o = { count: 0 }; Object.defineProperty(o, "v", { set(x) { f.call(this, String(x)); } }); return o; }`).Invoke(onSet)
	reentrant.Set("v", "one")
	n1 := reentrant.Get("count").Int()
	reentrant.Set("v", "two")
	reentrant.Set("v", "three")
	n2 := reentrant.Get("count").Int()
	fmt.Println("setter-callback:", n1, n2, len(seen), strings.Join(seen, ","), reentrant.Get("last").String())

	// Go blocks; a JS timer reads what Go wrote just before.
	got := make(chan string, 1)
	reader := js.FuncOf(func(this js.Value, args []js.Value) any {
		got <- args[0].String()
		return nil
	})
	pending := object.New()
	eval(`(o, cb) => setTimeout(() => cb(String(o.pending) + "," + String(o.gone)), 0)`).Invoke(pending, reader)
	pending.Set("gone", "x")
	pending.Set("pending", "written-before-blocking")
	pending.Delete("gone")
	fmt.Println("yield-visible:", <-got)

	onClick.Release()
	cb.Release()
	onSet.Release()
	reader.Release()
	fmt.Println("END gowasm-batch-browser")
	// The very last act: the page reads this after go.run() resolves.
	g.Set("gowasmBatchResult", "done "+strconv.Itoa(len(kept)))
}
