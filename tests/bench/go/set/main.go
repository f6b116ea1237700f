// set: js.Value.Set with literal property names on one JS object, 8 names
// per round, numbers only (no js ref is created for the values). Times only
// the loop and the read-back that follows it (which is also what makes a
// batching runtime apply every pending Set), and prints the time per Set.
//
//	set [SCALE]    SCALE multiplies the number of rounds (default 1)
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall/js"
	"time"
)

const rounds = 125000 // 8 Sets per round: 1,000,000 Sets

func work(obj js.Value, n int) float64 {
	for i := 0; i < n; i++ {
		obj.Set("width", i)
		obj.Set("height", i+1)
		obj.Set("left", i*2)
		obj.Set("top", i*3)
		obj.Set("opacity", float64(i)*0.5)
		obj.Set("zIndex", i&7)
		obj.Set("scrollTop", n-i)
		obj.Set("tabIndex", i%100)
	}
	sum := 0.0
	for _, k := range []string{"width", "height", "left", "top", "opacity", "zIndex", "scrollTop", "tabIndex"} {
		sum += obj.Get(k).Float()
	}
	return sum
}

func main() {
	scale := 1.0
	if len(os.Args) > 1 {
		scale, _ = strconv.ParseFloat(os.Args[1], 64)
	}
	n := int(float64(rounds) * scale)
	obj := js.Global().Get("Object").New()
	warm := work(obj, n/10) // warm up the JIT and any caches, untimed
	t0 := time.Now()
	sum := work(obj, n)
	dt := time.Since(t0)
	fmt.Printf("sets %d\n", 8*n)
	fmt.Printf("checksum %.1f %.1f\n", warm, sum)
	fmt.Printf("ns/op %.2f\n", float64(dt.Nanoseconds())/float64(8*n))
}
