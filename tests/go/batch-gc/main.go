// batch-gc: GC-heavy loops. 100k iterations create js.Values and Go garbage
// and drop them; runtime.GC() makes the finalizer goroutine call finalizeRef
// in long bursts (large batches, buffer overflows), interleaved with Sets
// whose values are refs that die right after. The values Go still holds, and
// the ones JS holds, must read back correctly afterwards.
package main

import (
	"fmt"
	"runtime"
	"strconv"
	"syscall/js"
)

const helpers = `(() => ({
  // JS-side totals over what Go stored, computed without Go's help.
  summarize(arr) {
    let n = 0, ids = 0, strs = 0, holes = 0;
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v === undefined) { holes++; continue; }
      n++; ids += v.id; if (typeof v.s === "string" && v.s === "s" + v.id) strs++;
    }
    return n + " objects, id sum " + ids + ", " + strs + " strings match, " + holes + " holes";
  },
  sum(arr) { let s = 0; for (let i = 0; i < arr.length; i++) s += arr[i]; return s; },
  checkStrings(arr) { let bad = 0; for (let i = 0; i < arr.length; i++) if (arr[i] !== "v" + i) bad++; return bad; },
  makeObjects(n) { const a = []; for (let i = 0; i < n; i++) a.push({ id: i }); return a; },
}))()`

var (
	H        js.Value
	failures int
)

func check(cond bool, format string, args ...any) {
	if !cond {
		failures++
		fmt.Printf("MISMATCH: "+format+"\n", args...)
	}
}

// garbage makes Go-side garbage so the GC has real work.
var sink [][]byte

func garbage(i int) {
	b := make([]byte, 256+i%512)
	b[0] = byte(i)
	if i%100 == 0 {
		sink = append(sink[:0], b)
	}
}

func main() {
	g := js.Global()
	H = g.Call("eval", helpers)
	objectCtor := g.Get("Object")
	const N = 100000

	// 1. Objects and strings created, filled with Sets whose values die at once.
	holder := g.Get("Array").New()
	var kept []js.Value
	for i := 0; i < N; i++ {
		o := objectCtor.New()
		o.Set("id", i)
		o.Set("s", js.ValueOf("s"+strconv.Itoa(i))) // a string ref that dies after the Set
		if i%100 == 0 {
			holder.SetIndex(i/100, o)
			if i%1000 == 0 {
				kept = append(kept, o)
			}
		}
		garbage(i)
		if i%5000 == 4999 {
			runtime.GC()
			runtime.Gosched() // the finalizer goroutine runs: thousands of finalizeRef in a row
		}
	}
	for k := 0; k < 3; k++ {
		runtime.GC()
		runtime.Gosched()
	}
	fmt.Println("[gc] holder:", H.Call("summarize", holder).String())
	bad := 0
	for j, o := range kept {
		if o.Get("id").Int() != j*1000 || o.Get("s").String() != "s"+strconv.Itoa(j*1000) {
			bad++
		}
	}
	check(bad == 0, "kept objects: %d bad", bad)
	fmt.Println("[gc] kept", len(kept), "bad", bad)

	// 2. Only deferred calls: 100k SetIndex of numbers, then one read.
	nums := g.Get("Float64Array").New(N)
	for i := 0; i < N; i++ {
		nums.SetIndex(i, i)
	}
	fmt.Println("[gc] float64 sum:", H.Call("sum", nums).Int())

	// 3. SetIndex of fresh string refs into a JS array; each ref is dropped and
	// finalized while its SetIndex may still be pending.
	strs := g.Get("Array").New(N / 10)
	for i := 0; i < N/10; i++ {
		strs.SetIndex(i, js.ValueOf("v"+strconv.Itoa(i)))
		if i%1000 == 999 {
			runtime.GC()
			runtime.Gosched()
		}
	}
	runtime.GC()
	runtime.Gosched()
	fmt.Println("[gc] bad strings:", H.Call("checkStrings", strs).Int())

	// 4. The same JS objects reached again and again: each Index makes a new
	// ref for an object whose previous ref may be about to be finalized.
	objs := H.Call("makeObjects", 1000)
	total := 0
	for round := 0; round < 20; round++ {
		for i := 0; i < 1000; i++ {
			o := objs.Index(i)
			o.Set("round", round)
			total += o.Get("id").Int()
		}
		runtime.GC()
		runtime.Gosched()
	}
	last := objs.Index(999)
	fmt.Println("[gc] revisited total", total, "last round", last.Get("round").Int(), "id", last.Get("id").Int())

	// 5. Values moved between objects while their refs die: a swap chain.
	a := g.Get("Array").New()
	for i := 0; i < 1000; i++ {
		a.SetIndex(i, objectCtor.New())
		a.Index(i).Set("id", i)
	}
	for i := 0; i < 999; i += 2 {
		x, y := a.Index(i), a.Index(i+1)
		a.SetIndex(i, y)
		a.SetIndex(i+1, x)
		if i%100 == 0 {
			runtime.GC()
			runtime.Gosched()
		}
	}
	fmt.Println("[gc] swapped:", a.Index(0).Get("id").Int(), a.Index(1).Get("id").Int(), a.Index(998).Get("id").Int(), a.Index(999).Get("id").Int())

	// 6. Linear memory grows while writes and finalizeRefs are pending: Go
	// grows the memory, then calls runtime.resetMemoryDataView, and any flush
	// in between must not go through a view of the old, detached buffer.
	grown := objectCtor.New()
	for round := 0; round < 4; round++ {
		grown.SetIndex(round, "r"+strconv.Itoa(round))
		for i := 0; i < 2000; i++ {
			js.ValueOf("tmp" + strconv.Itoa(i)) // refs that die at once
		}
		runtime.GC()
		runtime.Gosched() // their finalizeRefs are now pending
		grown.Set("round"+strconv.Itoa(round), round)
		grown.Delete("round" + strconv.Itoa(round-1))
		big := make([]byte, (8<<20)*(round+1)) // more memory than the heap has
		big[len(big)-1] = byte(round)
		sink = append(sink[:0], big)
	}
	sink = nil
	fmt.Println("[gc] after growth:", g.Get("JSON").Call("stringify", grown).String())
	fmt.Printf("batch-gc: done, %d mismatches\n", failures)
}
