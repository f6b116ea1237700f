// callbacks: js.FuncOf called directly and through a helper the compiler
// inlines. The tests find the expected lines by their MARK comments.
package main

import (
	"fmt"
	"syscall/js"
)

// wrap is small enough to be inlined into its callers.
func wrap(f func(js.Value, []js.Value) any) js.Func {
	return js.FuncOf(f) // MARK:wrap-funcof
}

//go:noinline
func handlers() {
	for i := 0; i < 3; i++ {
		js.Global().Set(fmt.Sprint("h", i), js.FuncOf(func(this js.Value, args []js.Value) any { // MARK:loop-funcof
			return i
		}))
	}
}

func main() {
	js.Global().Set("direct", js.FuncOf(func(this js.Value, args []js.Value) any { return 1 })) // MARK:direct-funcof
	js.Global().Set("viaHelper", wrap(func(this js.Value, args []js.Value) any { return 2 })) // MARK:wrap-call
	handlers()
	fmt.Println("callbacks registered")
}
