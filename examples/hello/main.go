// hello is the demo module: a Go program that talks to JavaScript through
// syscall/js, the way a browser module does.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	doc := js.Global().Get("document")
	greet := js.FuncOf(func(this js.Value, args []js.Value) any {
		name := "world"
		if len(args) > 0 {
			name = args[0].String()
		}
		return fmt.Sprintf("hello, %s", name)
	})
	js.Global().Set("greet", greet)
	if !doc.IsUndefined() {
		p := doc.Call("createElement", "p")
		p.Set("textContent", "hello from Go")
		doc.Get("body").Call("appendChild", p)
	}
	fmt.Println("hello from Go", js.Global().Get("greet").Invoke("gowasm").String())
}
