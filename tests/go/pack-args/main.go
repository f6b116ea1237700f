// pack-args: the program that tests/integration/test_pack_loader.py runs
// through the loader of a gowasm-pack bundle and through tests/js/run-go.cjs,
// in Node and in Chromium. It prints its name, arguments and one environment
// variable, writes to stderr, and exits with the code an "exit=N" argument
// asks for (0 when main returns).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	fmt.Println("BEGIN pack-args")
	fmt.Println("name:", os.Args[0])
	fmt.Printf("args: %d %q\n", len(os.Args)-1, os.Args[1:])
	fmt.Printf("env: GOWASM_PACK_TEST=%q\n", os.Getenv("GOWASM_PACK_TEST"))
	fmt.Fprintln(os.Stderr, "stderr: ключ 名前")
	code := 0
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "exit=") {
			n, err := strconv.Atoi(strings.TrimPrefix(a, "exit="))
			if err != nil {
				fmt.Fprintln(os.Stderr, "bad exit code:", err)
				os.Exit(125)
			}
			code = n
		}
	}
	fmt.Println("END pack-args, exit", code)
	if code != 0 {
		os.Exit(code)
	}
}
