// deps: a main module with a dependency (replaced by a local copy), so
// that runtime.modinfo carries dep and => lines.
package main

import (
	"fmt"

	"example.com/greet"
)

func main() {
	fmt.Println(greet.Hello("deps"))
}
