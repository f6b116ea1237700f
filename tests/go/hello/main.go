// hello: the smallest module that crosses the bridge. Built twice by the
// tests, with and without -ldflags=-s. Line numbers matter to the tests.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	fmt.Println("hello")
	cb := js.FuncOf(func(this js.Value, args []js.Value) any { return nil }) // MARK:funcof
	js.Global().Set("cb", cb)
}
