// An oracle for the tests, built for the host: Go's own debug/gosym reads
// the runtime.pclntab of a js/wasm module. Nothing here shares code with
// gowasm.
//
//	oracle-gosym MODULE.wasm < pcs
//	oracle-gosym -tsv MODULE.wasm < pcs
//
// stdin holds one PC a line (decimal, or hexadecimal with 0x). By default
// the output is JSON: the table's address in linear memory, every function
// (entry and end PC, name, file and line at the entry) and the position of
// each PC. With -tsv it is one line a PC: the function that contains it and
// the file and line debug/gosym gives for it (the innermost position,
// inlined code included), tab-separated; "?" when gosym knows none.
//
// The table is found as the runtime finds it: linear memory is rebuilt from
// the module's active data segments, and the table is the first 8-aligned
// header (a pclntab magic, two zero bytes, PC quantum 1, pointer size 8)
// that debug/gosym decodes with one function per defined wasm function.
// Failing that (a module rewritten after linking, with functions added,
// such as gowasm-batch's output), the first that it decodes with at least
// one function and no more than the module defines.
package main

import (
	"bufio"
	"bytes"
	"debug/gosym"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func uleb(b []byte, p *int) (uint64, error) {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if *p >= len(b) {
			return 0, errors.New("truncated LEB128")
		}
		c := b[*p]
		*p++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errors.New("LEB128 too long")
}

func sleb32(b []byte, p *int) (int64, error) {
	var v int64
	shift := 0
	for {
		if *p >= len(b) {
			return 0, errors.New("truncated LEB128")
		}
		c := b[*p]
		*p++
		v |= int64(c&0x7f) << shift
		shift += 7
		if c < 0x80 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
		if shift > 35 {
			return 0, errors.New("LEB128 too long")
		}
	}
}

// memory rebuilds linear memory from the data section (active segments of
// memory 0 with an i32.const offset, as Go writes them); it also counts the
// defined functions (the function section).
func memory(wasm []byte) ([]byte, int, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, 0, errors.New("not a wasm module")
	}
	var mem []byte
	nfuncs := 0
	for p := 8; p < len(wasm); {
		id := wasm[p]
		p++
		size, err := uleb(wasm, &p)
		if err != nil {
			return nil, 0, err
		}
		end := p + int(size)
		if size > uint64(len(wasm)) || end > len(wasm) {
			return nil, 0, errors.New("section past the end")
		}
		switch id {
		case 3:
			q := p
			n, err := uleb(wasm[:end], &q)
			if err != nil {
				return nil, 0, err
			}
			nfuncs = int(n)
		case 11:
			if mem, err = segments(wasm[:end], p); err != nil {
				return nil, 0, err
			}
		}
		p = end
	}
	if mem == nil {
		return nil, 0, errors.New("no data section")
	}
	return mem, nfuncs, nil
}

// segments lays out the data section's segments, from p to the end of b.
func segments(b []byte, p int) ([]byte, error) {
	n, err := uleb(b, &p)
	if err != nil {
		return nil, err
	}
	type seg struct {
		at   int
		data []byte
	}
	var segs []seg
	top := 0
	for i := uint64(0); i < n; i++ {
		flags, err := uleb(b, &p)
		if err != nil {
			return nil, err
		}
		if flags != 0 || p >= len(b) || b[p] != 0x41 {
			return nil, fmt.Errorf("data segment %d: not an active i32.const segment", i)
		}
		p++
		off, err := sleb32(b, &p)
		if err != nil {
			return nil, err
		}
		if p >= len(b) || b[p] != 0x0b {
			return nil, fmt.Errorf("data segment %d: offset expression", i)
		}
		p++
		l, err := uleb(b, &p)
		if err != nil {
			return nil, err
		}
		if l > uint64(len(b)) || p+int(l) > len(b) || off < 0 {
			return nil, fmt.Errorf("data segment %d past its section", i)
		}
		segs = append(segs, seg{int(off), b[p : p+int(l)]})
		if int(off)+int(l) > top {
			top = int(off) + int(l)
		}
		p += int(l)
	}
	mem := make([]byte, top)
	for _, s := range segs {
		copy(mem[s.at:], s.data)
	}
	return mem, nil
}

// decode is debug/gosym on the table at mem[at:]; nil when it refuses it
// (or panics on it).
func decode(mem []byte, at int) (t *gosym.Table) {
	defer func() {
		if recover() != nil {
			t = nil
		}
	}()
	t, err := gosym.NewTable(nil, gosym.NewLineTable(mem[at:], 0))
	if err != nil {
		return nil
	}
	return t
}

func table(mem []byte, nfuncs int) (*gosym.Table, int, error) {
	var fallback *gosym.Table
	fallbackAt := 0
	for at := 0; at+16 <= len(mem); at += 8 {
		m := binary.LittleEndian.Uint32(mem[at:])
		if (m != 0xfffffffb && m != 0xfffffffa && m != 0xfffffff0 && m != 0xfffffff1) ||
			string(mem[at+4:at+8]) != "\x00\x00\x01\x08" {
			continue
		}
		t := decode(mem, at)
		if t == nil {
			continue
		}
		if len(t.Funcs) == nfuncs {
			return t, at, nil
		}
		if fallback == nil && len(t.Funcs) > 0 && len(t.Funcs) <= nfuncs {
			fallback, fallbackAt = t, at
		}
	}
	if fallback != nil {
		return fallback, fallbackAt, nil
	}
	return nil, 0, errors.New("no pclntab that debug/gosym reads")
}

type fn struct {
	Entry uint64 `json:"entry"`
	End   uint64 `json:"end"`
	Name  string `json:"name"`
	File  string `json:"file"`
	Line  int    `json:"line"`
}

type pos struct {
	PC   uint64 `json:"pc"`
	File string `json:"file"`
	Line int    `json:"line"`
	Func string `json:"func"`
}

// positions reads the PCs on stdin and places each with debug/gosym.
func positions(t *gosym.Table) ([]pos, error) {
	var out []pos
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		pc, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("bad pc %q", s)
		}
		file, line, f := t.PCToLine(pc)
		p := pos{PC: pc, File: file, Line: line}
		if f != nil {
			p.Func = f.Name
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

func run(path string, tsv bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	mem, nfuncs, err := memory(b)
	if err != nil {
		return err
	}
	t, addr, err := table(mem, nfuncs)
	if err != nil {
		return err
	}
	pcs, err := positions(t)
	if err != nil {
		return err
	}
	if tsv {
		w := bufio.NewWriter(os.Stdout)
		for _, p := range pcs {
			name, file := p.Func, p.File
			if name == "" {
				name = "?"
			}
			if file == "" {
				file = "?"
			}
			fmt.Fprintf(w, "%s\t%s\t%d\n", name, file, p.Line)
		}
		return w.Flush()
	}
	out := struct {
		Address int   `json:"address"`
		Funcs   []fn  `json:"funcs"`
		PCs     []pos `json:"pcs"`
	}{Address: addr, PCs: pcs}
	for _, f := range t.Funcs {
		file, line, _ := t.PCToLine(f.Entry)
		out.Funcs = append(out.Funcs, fn{f.Entry, f.End, f.Name, file, line})
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

func main() {
	args := os.Args[1:]
	tsv := len(args) > 0 && args[0] == "-tsv"
	if tsv {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: oracle-gosym [-tsv] MODULE.wasm < pcs")
		os.Exit(2)
	}
	if err := run(args[0], tsv); err != nil {
		fmt.Fprintf(os.Stderr, "oracle-gosym: %s: %v\n", args[0], err)
		os.Exit(2)
	}
}
