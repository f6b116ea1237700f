// leak-fixed: the corrected twin of tests/go/leak: one js.Func shared by
// all buttons, a per-message js.Func that releases itself, values cached
// outside the loop, no file system.
package main

import (
	"syscall/js"
)

//go:noinline
func addButtons(doc js.Value, n int) {
	onclick := js.FuncOf(func(this js.Value, args []js.Value) any { return nil })
	create := doc.Get("createElement").Call("bind", doc)
	buttons := make([]any, n)
	for i := range buttons {
		buttons[i] = "button"
	}
	js.Global().Get("gowasmMakeButtons").Invoke(create, onclick, buttons)
}

//go:noinline
func onMessage(this js.Value, args []js.Value) any {
	var reply js.Func
	reply = js.FuncOf(func(this js.Value, args []js.Value) any {
		reply.Release() // runs once, then frees itself
		return nil
	})
	js.Global().Call("setTimeout", reply, 0)
	return nil
}

// setupOnce runs once, in a goroutine: its FuncOf is not per event,
// although main, which calls js.FuncOf too, refers to it.
//
//go:noinline
func setupOnce() {
	js.Global().Set("ready", js.FuncOf(func(this js.Value, args []js.Value) any { return true }))
}

func main() {
	doc := js.Global().Get("document")
	addButtons(doc, 3)
	js.Global().Set("onMessage", js.FuncOf(onMessage))
	go setupOnce()
	select {}
}
