// panic: a Go program that dies, for gowasm-symbolize's tests. The first
// argument picks how: "panic" (an explicit panic), "nilmap" (a write to a
// nil map), "index" (an index out of range). Each dies three calls deep,
// one of the calls inlined. Line numbers matter to the tests: every line
// the tests expect in a stack trace carries a MARK comment.
package main

import (
	"fmt"
	"os"
)

type request struct {
	mode  string
	table map[string]int
	items []int
}

//go:noinline
func handle(r *request, n int) int {
	switch r.mode {
	case "panic":
		panic(fmt.Sprintf("bad request %d", n)) // MARK:panic
	case "nilmap":
		r.table["x"] = n // MARK:nilmap
	case "index":
		return r.items[n] // MARK:index
	}
	return 0
}

// check is small enough to be inlined into serve.
func check(r *request, n int) int {
	return handle(r, n+1) + 1 // MARK:check
}

//go:noinline
func serve(r *request) int {
	total := 0
	for i := 0; i < 3; i++ {
		total += check(r, i+4) // MARK:serve
	}
	return total
}

func main() {
	mode := "panic"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	r := &request{mode: mode, items: []int{1, 2, 3}}
	fmt.Println("serving", mode)
	fmt.Println(serve(r)) // MARK:main
}
