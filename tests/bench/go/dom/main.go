// dom: a mixed, DOM-like workload on a small JavaScript object model (a
// fake document with elements, attributes, style declarations and setters,
// made by the JS below, so it runs in Node). Each frame builds a table,
// updates it (text, classes, style properties, dataset entries, attribute
// and property deletes), reads parts of it back and removes it, with a
// garbage collection after every frame so js.Value finalizers run too: a
// realistic mix of Get, Call, New, Set, Delete and finalizeRef. Times only
// the frames and the checksum that follows them, and prints the time per
// frame.
//
//	dom [SCALE]    SCALE multiplies the number of frames (default 1)
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall/js"
	"time"
)

const (
	frames = 150
	rows   = 40
	cols   = 6
)

const fakeDOM = `(function () {
  class Style {
    constructor(owner) { this._owner = owner; this._props = new Map(); }
    setProperty(k, v) { this._props.set(k, String(v)); this._owner._dirty = true; }
    getPropertyValue(k) { return this._props.get(k) || ""; }
    get cssText() { return [...this._props].map(([k, v]) => k + ": " + v + ";").join(" "); }
  }
  for (const p of ["width", "height", "color", "backgroundColor", "textAlign", "display", "fontWeight", "padding"]) {
    Object.defineProperty(Style.prototype, p, {
      get() { return this._props.get(p) || ""; },
      set(v) { if (v === "" || v == null) this._props.delete(p); else this._props.set(p, String(v)); this._owner._dirty = true; },
    });
  }
  class Node {
    constructor(doc) { this.ownerDocument = doc; this.parentNode = null; this.childNodes = []; this._dirty = false; }
    get firstChild() { return this.childNodes[0] || null; }
    get children() { return this.childNodes.filter((n) => n instanceof Element); }
    appendChild(c) { if (c.parentNode) c.parentNode.removeChild(c); c.parentNode = this; this.childNodes.push(c); return c; }
    insertBefore(c, ref) {
      if (ref == null) return this.appendChild(c);
      if (c.parentNode) c.parentNode.removeChild(c);
      c.parentNode = this; this.childNodes.splice(this.childNodes.indexOf(ref), 0, c); return c;
    }
    removeChild(c) { const i = this.childNodes.indexOf(c); if (i < 0) throw new Error("not a child"); this.childNodes.splice(i, 1); c.parentNode = null; return c; }
    get textContent() { return this.childNodes.map((n) => n.textContent).join(""); }
    set textContent(v) { for (const c of this.childNodes) c.parentNode = null; this.childNodes = []; if (v !== "") this.appendChild(new Text(this.ownerDocument, String(v))); }
  }
  class Text extends Node {
    constructor(doc, data) { super(doc); this.data = data; }
    get textContent() { return this.data; }
    set textContent(v) { this.data = String(v); }
  }
  class Element extends Node {
    constructor(doc, tag) { super(doc); this.tagName = tag.toUpperCase(); this._attrs = new Map(); this.style = new Style(this); this.dataset = {}; this.hidden = false; this._listeners = {}; }
    get id() { return this._attrs.get("id") || ""; }
    set id(v) { this._attrs.set("id", String(v)); }
    get className() { return this._attrs.get("class") || ""; }
    set className(v) { this._attrs.set("class", String(v)); }
    get classList() { const el = this; return { contains(c) { return el.className.split(" ").includes(c); } }; }
    setAttribute(k, v) { this._attrs.set(k, String(v)); }
    getAttribute(k) { return this._attrs.has(k) ? this._attrs.get(k) : null; }
    removeAttribute(k) { this._attrs.delete(k); }
    hasAttribute(k) { return this._attrs.has(k); }
    addEventListener(t, f) { (this._listeners[t] ||= []).push(f); }
  }
  class Document extends Node {
    constructor() { super(null); this.body = new Element(this, "body"); this.created = 0; }
    createElement(tag) { this.created++; return new Element(this, tag); }
    createTextNode(s) { return new Text(this, s); }
  }
  function hash(h, s) { for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0; return h; }
  function walk(h, n) {
    if (n instanceof Text) return hash(h, "#" + n.data);
    h = hash(h, "<" + n.tagName);
    for (const [k, v] of [...n._attrs].sort()) h = hash(h, k + "=" + v);
    h = hash(h, n.style.cssText + JSON.stringify(n.dataset) + n.hidden);
    for (const c of n.childNodes) h = walk(h, c);
    return h;
  }
  return function makeDocument() {
    const doc = new Document();
    doc.checksum = () => walk(hash(2166136261, String(doc.created)), doc.body);
    return doc;
  };
})()`

var colors = [...]string{"red", "green", "blue", "black"}

type counts struct{ reads, chars int }

func frame(doc, body js.Value, f int, c *counts) {
	table := doc.Call("createElement", "table")
	table.Set("className", "grid")
	table.Set("id", "t"+strconv.Itoa(f))
	tbody := doc.Call("createElement", "tbody")
	table.Call("appendChild", tbody)
	trs := make([]js.Value, rows)
	for r := 0; r < rows; r++ {
		tr := doc.Call("createElement", "tr")
		tr.Set("className", "row")
		tr.Call("setAttribute", "data-row", r)
		for k := 0; k < cols; k++ {
			td := doc.Call("createElement", "td")
			td.Set("textContent", strconv.Itoa(r*cols+k+f))
			st := td.Get("style")
			st.Set("width", "40px")
			st.Set("textAlign", "right")
			st.Set("color", colors[(r+k)&3])
			td.Get("dataset").Set("col", k)
			td.Set("hidden", k == 5)
			tr.Call("appendChild", td)
		}
		tbody.Call("appendChild", tr)
		trs[r] = tr
	}
	body.Call("appendChild", table)

	// Update: every other row is selected, its cells restyled and retitled.
	for r := 0; r < rows; r += 2 {
		tr := trs[r]
		tr.Set("className", "row selected")
		tds := tr.Get("children")
		for k, n := 0, tds.Length(); k < n; k++ {
			td := tds.Index(k)
			st := td.Get("style")
			st.Set("fontWeight", "bold")
			st.Set("backgroundColor", "yellow")
			st.Set("color", "")
			td.Set("textContent", "r"+strconv.Itoa(r)+"c"+strconv.Itoa(k))
			td.Get("dataset").Delete("col")
			td.Delete("hidden")
		}
		tr.Call("removeAttribute", "data-row")
	}
	// Read back.
	for r := 1; r < rows; r += 4 {
		s := trs[r].Get("textContent").String()
		c.reads++
		c.chars += len(s)
		if trs[r].Get("classList").Call("contains", "selected").Bool() {
			c.reads += 1000
		}
		c.chars += len(trs[r].Get("firstChild").Get("style").Get("color").String())
	}
	// The last frame's table stays; the others are removed.
	if f >= 0 {
		body.Call("removeChild", table)
	}
	runtime.GC()
	runtime.Gosched()
}

func work(doc js.Value, first, n int) (counts, int) {
	var c counts
	body := doc.Get("body")
	for f := first; f < first+n; f++ {
		frame(doc, body, f, &c)
	}
	frame(doc, body, -1, &c) // kept in the document, so the checksum sees it
	return c, doc.Call("checksum").Int()
}

func main() {
	scale := 1.0
	if len(os.Args) > 1 {
		scale, _ = strconv.ParseFloat(os.Args[1], 64)
	}
	n := int(float64(frames) * scale)
	makeDocument := js.Global().Call("eval", fakeDOM)
	warmDoc := makeDocument.Invoke()
	wc, wsum := work(warmDoc, 1000000, n/10+1) // warm up, untimed
	doc := makeDocument.Invoke()
	t0 := time.Now()
	c, sum := work(doc, 0, n)
	dt := time.Since(t0)
	fmt.Printf("frames %d of %dx%d cells\n", n, rows, cols)
	fmt.Printf("checksum %d %d %d %d %d %d\n", wc.reads, wc.chars, wsum, c.reads, c.chars, sum)
	fmt.Printf("ns/op %.1f\n", float64(dt.Nanoseconds())/float64(n+1))
}
