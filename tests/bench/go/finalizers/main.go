// finalizers: creates and drops many js.Values (an object read from a
// property, a new Object, a new JS string) and forces a garbage collection
// every 1500 rounds, so their finalizers (syscall/js.finalizeRef) run in
// storms of 4500. Times only the loop, its storms and a final read-back,
// and prints the time per js.Value created. "storm-ns/op" is the part of it
// spent in runtime.GC and the finalizers it runs (informational).
//
// When the runner exposes its Go instance as globalThis.__gowasmBench, the
// number of live JS references left after a last collection is printed:
// the same in an original and a batched run if every finalizer was applied.
//
//	finalizers [SCALE]    SCALE multiplies the number of rounds (default 1)
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
	rounds = 150000 // 3 js.Values per round
	storm  = 1500   // rounds between collections
)

var strs [4096]string

func collect() {
	runtime.GC()
	runtime.Gosched() // lets the finalizer goroutine run
	runtime.Gosched()
}

func work(root, ctor js.Value, n int) (int, time.Duration) {
	sum := 0
	var inStorms time.Duration
	for i := 0; i < n; i++ {
		c := root.Get("child")
		o := ctor.New()
		s := js.ValueOf(strs[i&4095])
		if c.Type() == js.TypeObject && o.Type() == js.TypeObject && s.Type() == js.TypeString {
			sum++
		}
		if i&63 == 0 {
			sum += c.Get("n").Int()
		}
		if i%storm == storm-1 {
			t := time.Now()
			collect()
			inStorms += time.Since(t)
		}
	}
	sum += root.Get("child").Get("n").Int() // a read after the last storm
	return sum, inStorms
}

func liveRefs() string {
	g := js.Global().Get("__gowasmBench")
	if g.Type() != js.TypeObject {
		return "n/a"
	}
	values, pool := g.Get("_values"), g.Get("_idPool")
	if values.Type() != js.TypeObject || pool.Type() != js.TypeObject {
		return "n/a"
	}
	return strconv.Itoa(values.Length() - pool.Length())
}

func main() {
	scale := 1.0
	if len(os.Args) > 1 {
		scale, _ = strconv.ParseFloat(os.Args[1], 64)
	}
	n := int(float64(rounds) * scale)
	for i := range strs {
		strs[i] = "s" + strconv.Itoa(i*7919)
	}
	g := js.Global()
	ctor := g.Get("Object")
	root := ctor.New()
	child := ctor.New()
	child.Set("n", 5)
	root.Set("child", child)
	warm, _ := work(root, ctor, n/10) // warm up, untimed
	collect()
	t0 := time.Now()
	sum, inStorms := work(root, ctor, n)
	dt := time.Since(t0)
	collect()
	collect()
	fmt.Printf("values %d\n", 3*n)
	fmt.Printf("checksum %d %d\n", warm, sum)
	fmt.Printf("live-refs %s\n", liveRefs())
	fmt.Printf("storm-ns/op %.2f\n", float64(inStorms.Nanoseconds())/float64(3*n))
	fmt.Printf("ns/op %.2f\n", float64(dt.Nanoseconds())/float64(3*n))
}
