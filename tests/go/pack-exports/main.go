// pack-exports: registers two functions on globalThis under constant
// names (gowasmAdd, gowasmGreet), which gowasm-pack lists in the manifest
// and declares in index.d.ts; sets other properties that are not such
// registrations (a name built at run time, a property of another object,
// a value that is no function), and keeps running so that JS can call them.
package main

import (
	"os"
	"strconv"
	"syscall/js"
)

func main() {
	js.Global().Set("gowasmAdd", js.FuncOf(func(this js.Value, args []js.Value) any {
		return args[0].Int() + args[1].Int()
	}))
	js.Global().Set("gowasmGreet", js.FuncOf(func(this js.Value, args []js.Value) any {
		return "hello, " + args[0].String()
	}))
	// Not listed: the name is not a constant, the target is not the global
	// object, the value is not a js.Func.
	js.Global().Set("gowasmDynamic"+strconv.Itoa(len(os.Args)), js.FuncOf(func(this js.Value, args []js.Value) any {
		return nil
	}))
	config := js.Global().Get("Object").New()
	config.Set("gowasmNested", js.FuncOf(func(this js.Value, args []js.Value) any { return nil }))
	js.Global().Set("gowasmVersion", "1.0")
	js.Global().Set("gowasmConfig", config)
	select {}
}
