// batch-async: writes that JS must see while Go is suspended. Go writes,
// then sleeps or waits on a channel, and JS timers, promises and Go funcs
// called from setTimeout read those writes in between; goroutines, select,
// sync.WaitGroup; long and non-ASCII strings in both directions.
// Output is deterministic: every timing race is decided by wide margins and
// what JS logs is read back only after the fact.
package main

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

const helpers = `(() => {
  const fnv = (s) => { let x = 0x811c9dc5; for (let i = 0; i < s.length; i++) { x ^= s.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; } return x.toString(16).padStart(8, "0"); };
  const d = (v) => {
    if (v === undefined) return "undefined";
    if (typeof v === "string") return v.length > 40 ? "str(len=" + v.length + ",fnv=" + fnv(v) + ")" : JSON.stringify(v);
    if (typeof v === "function") return "fn";
    if (v === null || typeof v !== "object") return String(v);
    if (Array.isArray(v)) return "[" + v.map(d).join(", ") + "]";
    return "{" + Object.keys(v).map((k) => k + ":" + d(v[k])).join(",") + "}";
  };
  const log = [];
  return {
    describe: d,
    log,
    // a JS timer that looks at an object later, while Go is suspended
    watchLater(o, ms, label) { setTimeout(() => log.push(label + " " + d(o)), ms); },
    // a JS timer that calls Go, then logs what Go wrote during the call
    callLater(f, o, ms, label) { setTimeout(() => { const r = f(o); log.push(label + " returned " + d(r) + " saw " + d(o)); }, ms); },
    // a promise reaction that reads an object Go wrote before awaiting
    thenRead(o, f) { Promise.resolve().then(() => { log.push("then sees " + d(o)); f(d(o)); }); },
    sortedKeys: (o) => Object.keys(o).sort().join(" "),
    // strings
    measure(s) { let cps = 0; for (const _ of s) cps++; return s.length + " units, " + cps + " code points, fnv " + fnv(s); },
    makeLong() { return "ж".repeat(100000) + "🎉" + "\u0000" + "名前".repeat(5000) + "end"; },
    lone: () => "a\uD800b\uDFFFc",
    echo: (s) => s,
    codeUnits: (s) => Array.from(s.slice(0, 8), (c) => c.charCodeAt(0).toString(16)).join(" "),
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

// timers: JS looks at objects while Go sleeps, waits on channels or selects.
func timers() {
	g := js.Global()
	o := newObject()
	o.Set("phase", 1)
	H.Call("watchLater", o, 10, "t10")
	o.Set("phase", 2) // no read after this: only the return to JS can publish it
	o.SetIndex(0, "zero")
	o.Delete("gone")
	time.Sleep(150 * time.Millisecond) // t10 fires in here
	o.Set("phase", 3)
	H.Call("watchLater", o, 0, "t0")
	<-time.After(100 * time.Millisecond)

	// setTimeout calling a Go func; Go waits on a channel.
	ch := make(chan string, 1)
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		o.Set("fromTimer", "set by the Go func that setTimeout called")
		ch <- "timer fired"
		return nil
	})
	o.Set("phase", 4)
	g.Call("setTimeout", f, 5)
	fmt.Println("[timers]", <-ch, "| fromTimer:", o.Get("fromTimer").String())
	f.Release()

	// JS calls Go later; Go wrote before sleeping, the Go func writes, JS reads right after.
	cb := js.FuncOf(func(this js.Value, args []js.Value) any {
		args[0].Set("byCallback", args[0].Get("phase").Int()*10)
		return "cb"
	})
	o.Set("phase", 5)
	H.Call("callLater", cb, o, 20, "call20")
	time.Sleep(200 * time.Millisecond)
	cb.Release()

	// select: the JS side wins by a wide margin, then the timer does.
	jsCh := make(chan string, 1)
	fire := js.FuncOf(func(this js.Value, args []js.Value) any { jsCh <- args[0].String(); return nil })
	g.Call("setTimeout", fire, 10, "from JS")
	select {
	case s := <-jsCh:
		fmt.Println("[select] first:", s)
	case <-time.After(3 * time.Second):
		fmt.Println("[select] first: timeout")
	}
	select {
	case s := <-jsCh:
		fmt.Println("[select] second:", s)
	case <-time.After(30 * time.Millisecond):
		fmt.Println("[select] second: timeout")
	}
	fire.Release()

	// a promise reaction reads what Go wrote before it blocked.
	pch := make(chan string, 1)
	pf := js.FuncOf(func(this js.Value, args []js.Value) any { pch <- args[0].String(); return nil })
	o.Set("phase", 6)
	o.Set("promised", true)
	H.Call("thenRead", o, pf)
	fmt.Println("[promise] Go got:", <-pch)
	pf.Release()

	logv := H.Get("log")
	for i := 0; i < logv.Length(); i++ {
		fmt.Println("[timers] js log:", logv.Index(i).String())
	}
}

// goroutines: several writers and readers coordinated by channels and a WaitGroup.
func goroutines() {
	shared := newObject()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				shared.Set(fmt.Sprintf("g%d-%02d", i, j), i*100+j)
				if j%5 == 0 {
					time.Sleep(time.Duration(i+1) * time.Millisecond)
				}
			}
			shared.Delete(fmt.Sprintf("g%d-%02d", i, 0))
		}(i)
	}
	wg.Wait()
	keys := H.Call("sortedKeys", shared).String()
	fmt.Println("[goroutines] keys", len(strings.Fields(keys)), "sum", sumOf(shared, strings.Fields(keys)))

	// a pipeline: each stage writes and hands the object to the next stage, which reads.
	type msg struct {
		v    js.Value
		step int
	}
	in := make(chan msg)
	out := make(chan string)
	stage := func(next chan msg, id int) chan msg {
		c := make(chan msg)
		go func() {
			for m := range c {
				prev := m.v.Get("last").String()
				m.v.Set("last", "stage"+strconv.Itoa(id))
				m.v.Set("path", m.v.Get("path").String()+"<"+prev)
				if next != nil {
					next <- msg{m.v, m.step + 1}
				} else {
					out <- m.v.Get("path").String()
				}
			}
			if next != nil {
				close(next)
			}
		}()
		return c
	}
	s3 := stage(nil, 3)
	s2 := stage(s3, 2)
	s1 := stage(s2, 1)
	go func() {
		for m := range in {
			s1 <- m
		}
		close(s1)
	}()
	for k := 0; k < 3; k++ {
		v := js.ValueOf(map[string]any{"last": "src" + strconv.Itoa(k), "path": ""})
		in <- msg{v, 0}
		fmt.Println("[pipeline]", <-out)
	}
	close(in)
}

func sumOf(o js.Value, keys []string) int {
	s := 0
	for _, k := range keys {
		s += o.Get(k).Int()
	}
	return s
}

// stringsBothWays: long, non-ASCII, invalid and lone-surrogate strings.
func stringsBothWays() {
	long := strings.Repeat("ключ名前😀", 20000) + "\x00tail"
	fmt.Println("[strings] go->js:", H.Call("measure", long).String())
	check(H.Call("echo", long).String() == long, "long string round trip")
	want := fmt.Sprintf("%d units, %d code points,", len(utf16.Encode([]rune(long))), utf8.RuneCountInString(long))
	check(strings.HasPrefix(H.Call("measure", long).String(), want), "JS measures what Go counts: %s", want)

	s := H.Call("makeLong").String()
	sum := sha256.Sum256([]byte(s))
	fmt.Printf("[strings] js->go: %d bytes, %d runes, sha256 %x\n", len(s), utf8.RuneCountInString(s), sum[:8])

	lone := H.Call("lone").String()
	fmt.Printf("[strings] lone surrogates become %q\n", lone)
	fmt.Println("[strings] invalid utf-8 reaches JS as", H.Call("codeUnits", "\xffa\xc3").String())

	o := newObject()
	o.Set("v", long) // a long string as a Set value, then measured by JS
	o.Set("w", "wörter")
	fmt.Println("[strings] set value:", H.Call("measure", o.Get("v")).String(), o.Get("w").String())
	fmt.Println("[strings] object", describe(o))
}

func main() {
	H = js.Global().Call("eval", helpers)
	timers()
	goroutines()
	stringsBothWays()
	fmt.Printf("batch-async: done, %d mismatches\n", failures)
}
