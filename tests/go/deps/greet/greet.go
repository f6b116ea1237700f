// Package greet is a dependency of the deps fixture.
package greet

func Hello(name string) string { return "hello, " + name }
