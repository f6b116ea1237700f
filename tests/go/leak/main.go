// leak: the js.Func leaks and hot bridge calls gowasm-check must report.
// Its corrected twin is tests/go/leak-fixed. MARK comments name the lines
// the tests expect findings on.
package main

import (
	"os"
	"syscall/js"
)

//go:noinline
func addButtons(doc js.Value, n int) {
	for i := 0; i < n; i++ {
		b := doc.Call("createElement", "button") // MARK:hot-call
		b.Set("onclick", js.FuncOf(func(this js.Value, args []js.Value) any { // MARK:leak-loop MARK:hot-set
			return nil
		}))
	}
}

//go:noinline
func onMessage(this js.Value, args []js.Value) any {
	// A new js.Func for every message, never released.
	reply := js.FuncOf(func(this js.Value, args []js.Value) any { return nil }) // MARK:leak-event
	js.Global().Call("setTimeout", reply, 0)
	return nil
}

//go:noinline
func readConfig() []byte {
	data, _ := os.ReadFile("/etc/app.json") // MARK:fs
	return data
}

func main() {
	doc := js.Global().Get("document")
	addButtons(doc, 3)
	js.Global().Set("onMessage", js.FuncOf(onMessage)) // startup: not a leak
	readConfig()
	select {}
}
