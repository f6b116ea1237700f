// bridge: calls every syscall/js operation, so that the module imports
// every bridge function Go 1.19 has.
package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	g := js.Global()
	obj := g.Get("Object").New()
	obj.Set("name", "gowasm")
	obj.Delete("name")
	arr := g.Get("Array").New(3)
	for i := 0; i < 3; i++ {
		arr.SetIndex(i, i*i)
	}
	fmt.Println(arr.Index(2).Int(), arr.Length())
	fmt.Println(obj.InstanceOf(g.Get("Object")))
	u8 := g.Get("Uint8Array").New(4)
	js.CopyBytesToJS(u8, []byte{1, 2, 3, 4})
	buf := make([]byte, 4)
	js.CopyBytesToGo(buf, u8)
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		return args[0].String() + "!"
	})
	fmt.Println(f.Invoke("hi").String(), g.Get("JSON").Call("stringify", obj).String(), buf)
	f.Release()
}
