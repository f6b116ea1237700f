// loops: js.Value.Set calls inside and outside source loops, in the
// shapes the compiler lays out differently (a rotated loop whose body is
// placed after the code that follows it, append's cold path, a map
// lookup, defer). The MARK comments tell the tests which is which.
package main

import (
	"fmt"
	"syscall/js"
)

//go:noinline
func appendThenSet(s []int, x int) []int {
	s = append(s, x)
	js.Global().Set("a", len(s)) // MARK:noloop
	return s
}

//go:noinline
func mapThenSet(m map[string]int, k string) int {
	v, ok := m[k]
	if !ok {
		panic("missing")
	}
	js.Global().Set("b", v) // MARK:noloop
	return v
}

//go:noinline
func loopSet(n int) {
	for i := 0; i < n; i++ {
		js.Global().Set("c", i) // MARK:loop
	}
	js.Global().Set("d", n) // MARK:noloop
}

//go:noinline
func rangeAppend(xs []string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x)
		js.Global().Set("e", x) // MARK:loop
	}
	js.Global().Set("f", len(out)) // MARK:noloop
	return out
}

//go:noinline
func nested(n int) {
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			js.Global().Set("g", j) // MARK:loop
		}
		js.Global().Set("h", i) // MARK:loop
	}
}

//go:noinline
func deferSet() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	js.Global().Set("i", 1) // MARK:noloop
	return nil
}

func main() {
	appendThenSet(nil, 1)
	mapThenSet(map[string]int{"a": 1}, "a")
	loopSet(3)
	rangeAppend([]string{"x"})
	nested(3)
	deferSet()
}
