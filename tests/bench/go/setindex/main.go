// setindex: js.Value.SetIndex in loops over a JS Array, a Float64Array and
// a Uint8Array (1024 elements each). Times only the loops and the JS-side
// sums that follow them (which make a batching runtime apply every pending
// SetIndex), and prints the time per SetIndex.
//
//	setindex [SCALE]    SCALE multiplies the number of rounds (default 1)
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
	rounds = 1000 // 3 arrays x 1024 x 1000: about 3,000,000 SetIndex calls
)

func work(arrays []js.Value, sum js.Value, n int) float64 {
	for r := 0; r < n; r++ {
		a, f, u := arrays[0], arrays[1], arrays[2]
		for i := 0; i < size; i++ {
			a.SetIndex(i, i+r)
		}
		for i := 0; i < size; i++ {
			f.SetIndex(i, float64(i)*0.25+float64(r))
		}
		for i := size - 1; i >= 0; i-- {
			u.SetIndex(i, (i^r)&255)
		}
	}
	total := 0.0
	for _, a := range arrays {
		total += sum.Invoke(a).Float()
	}
	return total
}

func main() {
	scale := 1.0
	if len(os.Args) > 1 {
		scale, _ = strconv.ParseFloat(os.Args[1], 64)
	}
	n := int(float64(rounds) * scale)
	g := js.Global()
	arrays := []js.Value{g.Get("Array").New(size), g.Get("Float64Array").New(size), g.Get("Uint8Array").New(size)}
	sum := g.Get("Function").New("a", "let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s;")
	warm := work(arrays, sum, n/10+1) // warm up, untimed
	t0 := time.Now()
	total := work(arrays, sum, n)
	dt := time.Since(t0)
	ops := 3 * size * n
	fmt.Printf("setindex %d\n", ops)
	fmt.Printf("checksum %.2f %.2f\n", warm, total)
	fmt.Printf("ns/op %.2f\n", float64(dt.Nanoseconds())/float64(ops))
}
