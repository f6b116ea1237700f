// An oracle for the tests, built for the host: Go's own debug/gosym reads
// the runtime.pclntab of a js/wasm module and prints, as JSON, every
// function (entry PC, name, file and line at the entry) and the position
// of each PC given on stdin (one decimal or 0x number per line).
//
//	oracle-gosym MODULE.wasm < pcs
//
// The table is found the simplest way: the first 8-aligned pclntab magic
// followed by 00 00 01 08 in linear memory (as the data segments lay it
// out) whose table debug/gosym decodes with one function per defined wasm
// function. Nothing here shares code with gowasm.
package main

import (
	"bufio"
	"debug/gosym"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func uleb(b []byte, i *int) uint64 {
	var v uint64
	for s := 0; ; s += 7 {
		c := b[*i]
		*i++
		v |= uint64(c&0x7f) << s
		if c&0x80 == 0 {
			return v
		}
	}
}

func sleb(b []byte, i *int) int64 {
	var v int64
	s := 0
	for {
		c := b[*i]
		*i++
		v |= int64(c&0x7f) << s
		s += 7
		if c&0x80 == 0 {
			if s < 64 && c&0x40 != 0 {
				v |= -1 << s
			}
			return v
		}
	}
}

// memory lays out the active data segments; it also counts the defined
// functions.
func memory(b []byte) ([]byte, int, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, 0, errors.New("not a wasm module")
	}
	type seg struct {
		off  int64
		data []byte
	}
	var segs []seg
	nfuncs := 0
	for i := 8; i < len(b); {
		id := b[i]
		i++
		size := int(uleb(b, &i))
		end := i + size
		switch id {
		case 3:
			j := i
			nfuncs = int(uleb(b, &j))
		case 11:
			j := i
			n := int(uleb(b, &j))
			for k := 0; k < n; k++ {
				if flag := uleb(b, &j); flag != 0 {
					return nil, 0, fmt.Errorf("data segment %d: flag %d", k, flag)
				}
				if b[j] != 0x41 {
					return nil, 0, fmt.Errorf("data segment %d: offset is not i32.const", k)
				}
				j++
				off := sleb(b, &j)
				j++ // end
				sz := int(uleb(b, &j))
				segs = append(segs, seg{off, b[j : j+sz]})
				j += sz
			}
		}
		i = end
	}
	top := int64(0)
	for _, s := range segs {
		if e := s.off + int64(len(s.data)); e > top {
			top = e
		}
	}
	mem := make([]byte, top)
	for _, s := range segs {
		copy(mem[s.off:], s.data)
	}
	return mem, nfuncs, nil
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

func table(mem []byte, nfuncs int) (*gosym.Table, int, error) {
	for a := 0; a+16 <= len(mem); a += 8 {
		m := binary.LittleEndian.Uint32(mem[a:])
		if (m != 0xfffffffb && m != 0xfffffffa && m != 0xfffffff0 && m != 0xfffffff1) ||
			string(mem[a+4:a+8]) != "\x00\x00\x01\x08" {
			continue
		}
		t, err := func() (t *gosym.Table, err error) {
			defer func() {
				if recover() != nil {
					err = errors.New("panic")
				}
			}()
			return gosym.NewTable(nil, gosym.NewLineTable(mem[a:], 0))
		}()
		if err == nil && len(t.Funcs) == nfuncs {
			return t, a, nil
		}
	}
	return nil, 0, errors.New("no pclntab that debug/gosym reads")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle-gosym MODULE.wasm < pcs")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err == nil {
		var mem []byte
		var nfuncs int
		if mem, nfuncs, err = memory(b); err == nil {
			var t *gosym.Table
			var addr int
			if t, addr, err = table(mem, nfuncs); err == nil {
				out := struct {
					Address int   `json:"address"`
					Funcs   []fn  `json:"funcs"`
					PCs     []pos `json:"pcs"`
				}{Address: addr}
				for _, f := range t.Funcs {
					file, line, _ := t.PCToLine(f.Entry)
					out.Funcs = append(out.Funcs, fn{f.Entry, f.End, f.Name, file, line})
				}
				sc := bufio.NewScanner(os.Stdin)
				for sc.Scan() {
					s := strings.TrimSpace(sc.Text())
					if s == "" {
						continue
					}
					pc, perr := strconv.ParseUint(s, 0, 64)
					if perr != nil {
						err = perr
						break
					}
					file, line, f := t.PCToLine(pc)
					p := pos{PC: pc, File: file, Line: line}
					if f != nil {
						p.Func = f.Name
					}
					out.PCs = append(out.PCs, p)
				}
				if err == nil {
					err = json.NewEncoder(os.Stdout).Encode(out)
				}
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "oracle-gosym: %s: %v\n", os.Args[1], err)
		os.Exit(2)
	}
}
