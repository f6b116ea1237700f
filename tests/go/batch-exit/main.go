// batch-exit: how a program ends, with writes still pending. A JS 'exit'
// hook, installed first, prints the state the Go side wrote last, so a
// write that was never replayed before the process ended shows. Modes (the
// first argument):
//
//	exit      writes, then os.Exit(3)
//	stderr    output on stdout and stderr (fmt, log, runtime println), exit 0
//	panic     writes, then an unrecovered panic: exit 2, trace on stderr
//	deadlock  writes, then every goroutine blocks: Go's runner reports the deadlock, exit 2
package main

import (
	"fmt"
	"log"
	"os"
	"strings"
	"syscall/js"
)

// The hook runs before the runner's own exit handler (prependListener), so it
// also sees the state in the deadlock case.
const hook = `(() => {
  const fs = require("fs");
  const d = (v) => v === undefined ? "undefined" : JSON.stringify(v);
  globalThis.exitState = {};
  process.prependListener("exit", (code) => {
    const s = globalThis.exitState;
    fs.writeSync(1, "exit hook: code " + code + " state " + Object.keys(s).map((k) => k + "=" + d(s[k])).join(" ") + "\n");
  });
  return globalThis.exitState;
})()`

func main() {
	mode := "exit"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	state := js.Global().Call("eval", hook)
	state.Set("mode", mode)
	fmt.Println("mode", mode, "args", len(os.Args))
	arr := js.Global().Get("Array").New()
	state.Set("arr", arr)
	// The last writes: nothing reads them before the end.
	write := func() {
		state.Set("pending", "written just before the end")
		state.Set("ключ", "значение")
		arr.SetIndex(0, "a0")
		arr.SetIndex(2, "a2")
		state.Set("removed", true)
		state.Delete("removed")
	}
	switch mode {
	case "exit":
		fmt.Println("exiting with 3")
		write()
		os.Exit(3)
	case "stderr":
		log.SetFlags(0)
		log.SetPrefix("log: ")
		fmt.Println("out 1")
		fmt.Fprintln(os.Stderr, "err 1: ошибка 错误 ⚠️")
		log.Println("through the log package")
		println("runtime println to stderr", 42)
		// A JS set trap that writes to stderr at once, between Go's own
		// writes to stderr (fmt through fs.write, println through wasmWrite):
		// the order of the lines must not change.
		trap := js.Global().Call("eval", `new Proxy({}, { set(t, k, v) {
			require("fs").writeSync(2, "trap: " + k + "=" + v + "\n"); t[k] = v; return true; } })`)
		trap.Set("a", 1)
		println("println after trap a")
		trap.Set("b", 2)
		trap.Set("c", 3)
		fmt.Fprintln(os.Stderr, "fmt after traps b, c")
		trap.Set("d", 4)
		fmt.Println("stdout after trap d")
		fmt.Println("out 2:", strings.Repeat("ü", 3000))
		fmt.Fprintln(os.Stderr, "err 2:", strings.Repeat("e", 100000))
		write()
		fmt.Fprint(os.Stderr, "err 3: no newline at the end")
	case "panic":
		fmt.Println("panicking")
		write()
		panic("boom: ключ " + mode)
	case "deadlock":
		fmt.Println("blocking forever")
		write()
		ch := make(chan int)
		go func() { ch <- 1 }()
		<-ch
		<-ch // nothing will ever send again
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(64)
	}
}
