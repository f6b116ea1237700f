// gosym-oracle: Go's own debug/gosym on a Go js/wasm module, the oracle of
// gowasm-symbolize's tests. Built for the host with Go 1.19 at test time.
//
//	gosym-oracle MODULE.wasm < pcs
//
// Reads one hexadecimal PC per line and prints, for each, the function that
// contains it and the file and line debug/gosym gives for it (the innermost
// position, inlined code included), tab-separated; "?" when gosym knows none.
//
// The pclntab is found as the runtime finds it: linear memory is rebuilt
// from the module's active data segments, and the table is the first
// header (magic, two pad bytes, PC quantum 1, pointer size 8) that gosym
// accepts. Nothing here shares code with gowasm.
package main

import (
	"bufio"
	"bytes"
	"debug/gosym"
	"encoding/binary"
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
// memory 0 with an i32.const offset, as Go writes them).
func memory(wasm []byte) ([]byte, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, errors.New("not a wasm module")
	}
	p := 8
	for p < len(wasm) {
		id := wasm[p]
		p++
		size, err := uleb(wasm, &p)
		if err != nil {
			return nil, err
		}
		end := p + int(size)
		if end > len(wasm) {
			return nil, errors.New("section past the end")
		}
		if id != 11 {
			p = end
			continue
		}
		n, err := uleb(wasm, &p)
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
			flags, err := uleb(wasm, &p)
			if err != nil {
				return nil, err
			}
			if flags != 0 || p >= end || wasm[p] != 0x41 {
				return nil, fmt.Errorf("data segment %d: not an active i32.const segment", i)
			}
			p++
			off, err := sleb32(wasm, &p)
			if err != nil {
				return nil, err
			}
			if p >= end || wasm[p] != 0x0b {
				return nil, fmt.Errorf("data segment %d: offset expression", i)
			}
			p++
			l, err := uleb(wasm, &p)
			if err != nil {
				return nil, err
			}
			if p+int(l) > end || off < 0 {
				return nil, fmt.Errorf("data segment %d past its section", i)
			}
			segs = append(segs, seg{int(off), wasm[p : p+int(l)]})
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
	return nil, errors.New("no data section")
}

func table(mem []byte) (*gosym.Table, error) {
	for _, magic := range []uint32{0xfffffff0, 0xfffffffa, 0xfffffff1} {
		var hdr [8]byte
		binary.LittleEndian.PutUint32(hdr[:], magic)
		copy(hdr[4:], []byte{0, 0, 1, 8})
		for from := 0; ; {
			i := bytes.Index(mem[from:], hdr[:])
			if i < 0 {
				break
			}
			at := from + i
			from = at + 1
			if at%8 != 0 {
				continue
			}
			t, err := gosym.NewTable(nil, gosym.NewLineTable(mem[at:], 0))
			if err == nil && len(t.Funcs) > 0 {
				return t, nil
			}
		}
	}
	return nil, errors.New("no pclntab that debug/gosym accepts")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gosym-oracle MODULE.wasm < pcs")
		os.Exit(2)
	}
	wasm, err := os.ReadFile(os.Args[1])
	if err == nil {
		var mem []byte
		if mem, err = memory(wasm); err == nil {
			var t *gosym.Table
			if t, err = table(mem); err == nil {
				out := bufio.NewWriter(os.Stdout)
				in := bufio.NewScanner(os.Stdin)
				for in.Scan() {
					pc, perr := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(in.Text()), "0x"), 16, 64)
					if perr != nil {
						fmt.Fprintln(os.Stderr, "gosym-oracle: bad pc:", in.Text())
						os.Exit(2)
					}
					file, line, fn := t.PCToLine(pc)
					name := "?"
					if fn != nil {
						name = fn.Name
					}
					if file == "" {
						file = "?"
					}
					fmt.Fprintf(out, "%s\t%s\t%d\n", name, file, line)
				}
				out.Flush()
				return
			}
		}
	}
	fmt.Fprintln(os.Stderr, "gosym-oracle:", err)
	os.Exit(2)
}
