// setindex: js.Value.SetIndex in loops over one kind of JS target, 1024
// elements per loop. Times only the loops and the JS-side read-back that
// follows them (which makes a batching runtime apply every pending
// SetIndex), and prints the time per SetIndex.
//
//	setindex MODE [SCALE]
//
//	array    a plain Array, numbers (SetIndex(i, i+r))
//	objects  a plain Array, js.Values of 64 objects made beforehand
//	typed    a Float64Array and a Uint8Array, numbers
//	intkeys  an ordinary object ({}) with integer keys 0..1023, numbers
//
// SCALE multiplies the number of rounds (default 1: about 1,000,000
// SetIndex calls in every mode).
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall/js"
	"time"
)

const (
	size   = 1024
	rounds = 1000 // 1024 x 1000: about 1,000,000 SetIndex calls
)

// work does n rounds on the targets and returns the read-back checksum.
func work(mode string, targets []js.Value, objs []js.Value, sum js.Value, n int) float64 {
	for r := 0; r < n; r++ {
		switch mode {
		case "array", "intkeys":
			a := targets[0]
			for i := 0; i < size; i++ {
				a.SetIndex(i, i+r)
			}
		case "objects":
			a := targets[0]
			for i := 0; i < size; i++ {
				a.SetIndex(i, objs[(i+r)&63])
			}
		case "typed":
			f, u := targets[0], targets[1]
			if r&1 == 0 {
				for i := 0; i < size; i++ {
					f.SetIndex(i, float64(i)*0.25+float64(r))
				}
			} else {
				for i := size - 1; i >= 0; i-- {
					u.SetIndex(i, (i^r)&255)
				}
			}
		}
	}
	total := 0.0
	for _, a := range targets {
		total += sum.Invoke(a).Float()
	}
	return total
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: setindex array|objects|typed|intkeys [SCALE]")
		os.Exit(2)
	}
	mode := os.Args[1]
	scale := 1.0
	if len(os.Args) > 2 {
		scale, _ = strconv.ParseFloat(os.Args[2], 64)
	}
	n := int(float64(rounds) * scale)
	g := js.Global()
	var targets []js.Value
	switch mode {
	case "array", "objects":
		targets = []js.Value{g.Get("Array").New(size)}
	case "typed":
		targets = []js.Value{g.Get("Float64Array").New(size), g.Get("Uint8Array").New(size)}
	case "intkeys":
		targets = []js.Value{g.Get("Object").New()}
	default:
		fmt.Fprintf(os.Stderr, "setindex: unknown mode %q\n", mode)
		os.Exit(2)
	}
	objs := make([]js.Value, 64)
	for i := range objs {
		objs[i] = g.Get("Object").New()
		objs[i].Set("v", i)
	}
	// Sums numbers, or the "v" of objects, over indices 0..size-1.
	sum := g.Get("Function").New("a", "let s = 0; for (let i = 0; i < 1024; i++) { const x = a[i]; s += typeof x === 'object' ? x.v : x; } return s;")
	warm := work(mode, targets, objs, sum, n/10+1) // warm up, untimed
	t0 := time.Now()
	total := work(mode, targets, objs, sum, n)
	dt := time.Since(t0)
	ops := size * n
	fmt.Printf("setindex %s %d\n", mode, ops)
	fmt.Printf("checksum %.2f %.2f\n", warm, total)
	fmt.Printf("ns/op %.2f\n", float64(dt.Nanoseconds())/float64(ops))
}
