# SPDX-License-Identifier: MIT
"""Builds small Go-shaped js/wasm modules with a runtime.pclntab of a
chosen format (Go 1.2-1.15, 1.16-1.17, 1.18-1.19 or 1.20+), whose every byte the
tests know, so that they can corrupt one field at a time. Also the seeds
of the pclntab fuzzer.

    m = build("1.20")
    m.data            the module bytes
    m.at["name"]      file offset of a named field (see FIELDS below)
    m.expect          what a correct decoder reports

Layout of linear memory (one data segment at BASE): pcHeader, funcnametab,
cutab, filetab, pctab, functab (ftab and _func records), the inline tree
(the "go:func.*" area, moduledata.gofunc), then runtime.firstmoduledata.
Go 1.2-1.15: header and ftab, _func records, names, file names, the file
table, pc-value tables (all one table), the inline tree, moduledata.
decoys=N puts N fake headers (magic, plausible fields) in a string
constant in a data segment below the real table.
Functions: 0 main.helper (lines 5-6), 1 main.main (lines 20-22, with
main.helper inlined at pc 2 and a call whose return PC is 3), 2 runtime.other.
"""
import struct

BASE = 0x10000
DECOY_ADDR = 0x4000  # the decoys' "string constant", below the real table

MAGIC = {"1.2": 0xFFFFFFFB, "1.16": 0xFFFFFFFA, "1.18": 0xFFFFFFF0, "1.20": 0xFFFFFFF1}
GOVERSION = {"1.2": "go1.15.15", "1.16": "go1.16.15", "1.18": "go1.19.8", "1.20": "go1.20.14"}
FORMAT_NAME = {"1.2": "1.2-1.15", "1.16": "1.16-1.17", "1.18": "1.18-1.19", "1.20": "1.20+"}


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def read_uleb(data, p):
    """An unsigned LEB128 at data[p] (also a non-negative signed one):
    (value, position after it)."""
    v = shift = 0
    while True:
        c = data[p]
        p += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, p


def read_sleb(data, p):
    """A signed LEB128 at data[p]: (value, position after it)."""
    v = shift = 0
    while True:
        c = data[p]
        p += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            if c & 0x40:
                v -= 1 << shift
            return v, p


def name(s):
    s = s.encode() if isinstance(s, str) else s
    return uleb(len(s)) + s


def vec(items):
    return uleb(len(items)) + b"".join(items)


def zigzag(d):
    return (d << 1) if d >= 0 else ((-d - 1) << 1) | 1


def pctable(runs):
    """runs: [(value, length)] -> pc-value table bytes, value starting at -1."""
    out, prev = bytearray(), -1
    for val, n in runs:
        out += uleb(zigzag(val - prev)) + uleb(n)
        prev = val
    out.append(0)
    return bytes(out)


class Module:
    def __init__(self):
        self.data = b""
        self.at = {}      # field name -> file offset
        self.addr = {}    # field name -> linear-memory address
        self.expect = {}


FUNCS = [
    # name, file index, pcln runs, size (PC_B count)
    ("main.helper", 0, [(5, 1), (6, 1)], 2),
    ("main.main", 0, [(20, 1), (21, 1), (5, 1), (22, 1)], 4),
    ("runtime.other", 1, [(100, 2)], 2),
]
FILES = ["/src/app/main.go", "/go/src/runtime/other.go"]


def _go12_memory(nf):
    """Linear memory from BASE for the Go 1.2-1.15 format: (mem, fields)."""
    fields = {}
    mem = bytearray(1 << 16)

    def put(off, fmtc, val, label=None):
        struct.pack_into("<" + fmtc, mem, off, val)
        if label:
            fields[label] = off

    ftab = 16
    fileoff_at = ftab + 16 * nf + 8
    pos = (fileoff_at + 4 + 7) & ~7
    recs = []
    for i, (n, fileno, lines, size) in enumerate(FUNCS):
        npcdata = 3 if n == "main.main" else 2
        nfuncdata = 5 if n == "main.main" else 0
        recs.append((pos, npcdata, nfuncdata))
        end = pos + 40 + 4 * npcdata
        if nfuncdata:
            end = ((end + 7) & ~7) + 8 * nfuncdata
        pos = (end + 7) & ~7
    nameoff = []
    for n, *_ in FUNCS:
        nameoff.append(pos)
        mem[pos:pos + len(n) + 1] = n.encode() + b"\0"
        pos += len(n) + 1
    filename = []
    for f in FILES:
        filename.append(pos)
        mem[pos:pos + len(f) + 1] = f.encode() + b"\0"
        pos += len(f) + 1
    fileoff = (pos + 3) & ~3
    nfiletab = len(FILES) + 1
    put(fileoff, "I", nfiletab)
    for k, o in enumerate(filename):
        put(fileoff + 4 + 4 * k, "I", o)
    pos = fileoff + 4 * nfiletab
    tables = []
    for i, (n, fileno, lines, size) in enumerate(FUNCS):
        t = {}
        for key, runs in (("pcfile", [(fileno + 1, size)]), ("pcln", lines), ("pcsp", [(0, size)])):
            b = pctable(runs)
            t[key] = pos
            mem[pos:pos + len(b)] = b
            pos += len(b)
        if n == "main.main":
            b = pctable([(-1, 2), (0, 1), (-1, 1)])
            t["inl"] = pos
            mem[pos:pos + len(b)] = b
            pos += len(b)
        tables.append(t)
    pclntable_len = pos
    inl = (pos + 7) & ~7
    md = (inl + 20 + 7) & ~7

    put(0, "I", MAGIC["1.2"], "magic")
    mem[4:8] = b"\0\0\x01\x08"
    put(8, "Q", nf, "nfunc")
    for i in range(nf):
        put(ftab + 16 * i, "Q", (0x1000 + i) << 16, f"ftab{i}.entry")
        put(ftab + 16 * i + 8, "Q", recs[i][0], f"ftab{i}.funcoff")
    end_pc = ((0x1000 + nf - 1) << 16) + FUNCS[-1][3]
    put(ftab + 16 * nf, "Q", end_pc)
    put(fileoff_at, "I", fileoff, "fileoff")
    fields["pctab"] = 0
    for i, (n, fileno, lines, size) in enumerate(FUNCS):
        r, npcdata, nfuncdata = recs[i]
        t = tables[i]
        put(r, "Q", (0x1000 + i) << 16)
        put(r + 8, "i", nameoff[i], f"func{i}.nameoff")
        put(r + 12, "i", 16)            # args
        put(r + 16, "I", 0)             # deferreturn
        put(r + 20, "I", t["pcsp"])
        put(r + 24, "I", t["pcfile"], f"func{i}.pcfile")
        put(r + 28, "I", t["pcln"], f"func{i}.pcln")
        put(r + 32, "I", npcdata, f"func{i}.npcdata")
        mem[r + 39] = nfuncdata
        fields[f"func{i}.nfuncdata"] = r + 39
        if npcdata > 2:
            put(r + 40 + 8, "I", t["inl"], f"func{i}.pcdata_inl")
        if nfuncdata:
            fd = (r + 40 + 4 * npcdata + 7) & ~7
            put(fd + 8 * 4, "Q", BASE + inl, f"func{i}.inltree")   # FUNCDATA_InlTree is 4 before Go 1.16
    # the inline tree of main.main: main.helper inlined, called at pc 1
    put(inl, "h", -1)
    put(inl + 4, "i", 1)
    put(inl + 8, "i", 21)
    put(inl + 12, "i", nameoff[0], "inl0.nameoff")
    put(inl + 16, "i", 1, "inl0.parentPc")
    words = [0] * 48
    words[0:9] = [BASE, pclntable_len, pclntable_len, BASE + ftab, nf + 1, nf + 1, BASE + fileoff, nfiletab, nfiletab]
    words[10] = 0x10000000      # minpc
    words[11] = end_pc          # maxpc
    words[12] = 0               # text
    words[13] = 16 * nf         # etext
    words[14] = BASE + md       # noptrdata: moduledata opens it
    words[15] = words[16] = words[17] = BASE + md + 48 * 8  # enoptrdata, data, edata
    for k, w in enumerate(words):
        put(md + 8 * k, "Q", w)
    fields["moduledata"] = md
    fields["md.ftab.len"] = md + 4 * 8
    return mem[:md + 48 * 8], fields


def decoy_segment(n, with_moduledata=False):
    """A "string constant" holding n fake Go 1.20 pclntab headers (at
    DECOY_ADDR) whose offsets read; with_moduledata: the first also has a
    runtime.firstmoduledata pointing at it, consistent with its header, but
    its table does not agree with the code (7 functions, entries 0)."""
    out = bytearray()
    first = None
    for k in range(n):
        at = len(out)
        first = at if first is None else first
        nf = 7 if with_moduledata and k == 0 else len(FUNCS)
        h = struct.pack("<I", MAGIC["1.20"]) + b"\0\0\x01\x08" + struct.pack("<QQQ", nf, len(FILES), 0)
        h += b"".join(struct.pack("<Q", 72 + 8 * j) for j in range(5))
        out += h + b"fake pclntab header %d\0" % k
        out += b"\0" * (-len(out) % 8)
        out += b"\0" * 128  # room for the fake ftab
    if with_moduledata and n:
        base = DECOY_ADDR + first
        offs = [72 + 8 * j for j in range(5)]
        words = [0] * 48
        words[0] = base
        for j, o in enumerate(offs):
            words[1 + 3 * j] = base + o
        words[16], words[17], words[18] = base + offs[4], 8, 8
        out += b"".join(struct.pack("<Q", w) for w in words)
    return bytes(out)


def build(fmt="1.20", module="go", imports=("runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet"),
          exports=("run", "resume", "getsp", "mem"), names=None, version=None, foreign=(), decoys=0,
          decoy_moduledata=False, other_code=b"", text_funcs=0):
    """decoys, decoy_moduledata: see decoy_segment.
    names: a list of name-section function names for the defined
    functions (None: no name section), or raw bytes for the section.
    foreign: extra imports (module, field, number of i32 parameters) after
    the ABI ones, as go:wasmimport declares them. exports: names (str or
    bytes); names other than run, resume, getsp and mem export main.main.
    other_code: instructions (leaving the stack as they found it) that
    runtime.other runs first. text_funcs: defined functions in all, at
    least the three (more are trivial ones outside the symbol table), so
    that 16 bytes of text per function can reach a chosen etext, as in
    Go's layout.

    The data is two segments, as Go's linker splits its sections: the
    read-only part (the symbol table) and noptrdata, which holds
    runtime.firstmoduledata; moduledata's noptrdata, enoptrdata, data and
    edata say so (words 24-27; 14-17 before Go 1.16)."""
    old = fmt == "1.16"
    nf = len(FUNCS)
    if fmt == "1.2":
        mem, fields = _go12_memory(nf)
        return _module(fmt, mem, fields, module, imports, exports, names, version, foreign, (decoys, decoy_moduledata), other_code, text_funcs)
    hsize = 64 if old else 72
    mem = bytearray()
    fields = {}

    def put(off, fmtc, val, label=None):
        struct.pack_into("<" + fmtc, mem, off, val)
        if label:
            fields[label] = off

    # --- tables
    funcnametab = bytearray()
    nameoff = []
    for n, *_ in FUNCS:
        nameoff.append(len(funcnametab))
        funcnametab += n.encode() + b"\0"
    filetab = bytearray()
    fileoff = []
    for f in FILES:
        fileoff.append(len(filetab))
        filetab += f.encode() + b"\0"
    cutab = b"".join(struct.pack("<I", o) for o in fileoff)  # one CU with both files
    pctab = bytearray(b"\0")  # offset 0 means "no table"
    tables = []
    for i, (n, fileno, lines, size) in enumerate(FUNCS):
        pcfile = len(pctab)
        pctab += pctable([(fileno, size)])
        pcln = len(pctab)
        pctab += pctable(lines)
        pcsp = len(pctab)
        pctab += pctable([(0, size)])
        inl = 0
        if n == "main.main":
            inl = len(pctab)
            pctab += pctable([(-1, 2), (0, 1), (-1, 1)])
        tables.append((pcsp, pcfile, pcln, inl))

    off = hsize
    o_funcname = off
    off += len(funcnametab)
    o_cu = (off + 3) & ~3
    off = o_cu + len(cutab)
    o_filetab = off
    off += len(filetab)
    o_pctab = off
    off += len(pctab)
    o_pcln = (off + 7) & ~7

    # functab: ftab then _func records
    esize = 16 if old else 8
    ftab_size = nf * esize + (8 if old else 4)
    rec_start = (ftab_size + 7) & ~7
    fsize = {"1.16": 44, "1.18": 40, "1.20": 44}[fmt]
    recs = []
    pos = rec_start
    for i, (n, fileno, lines, size) in enumerate(FUNCS):
        npcdata = 3 if tables[i][3] else 2
        nfuncdata = 4 if tables[i][3] else 0
        length = fsize + 4 * npcdata
        if old and nfuncdata:
            length = ((o_pcln + pos + length + 7) & ~7) - (o_pcln + pos) + 8 * nfuncdata
        else:
            length += 4 * nfuncdata
        recs.append((pos, npcdata, nfuncdata))
        pos = (pos + length + 7) & ~7
    functab_len = pos
    o_gofunc = o_pcln + functab_len  # the inline tree lives here ("go:func.*")
    inl_size = 16 if fmt == "1.20" else 20
    o_md = (o_gofunc + 64 + 7) & ~7
    total = o_md + 48 * 8
    mem = bytearray(total)

    # header
    put(0, "I", MAGIC[fmt], "magic")
    mem[4:8] = b"\0\0\x01\x08"
    put(8, "Q", nf, "nfunc")
    put(16, "Q", len(FILES), "nfiles")
    offs = [o_funcname, o_cu, o_filetab, o_pctab, o_pcln]
    base = 24 if old else 32
    if not old:
        put(24, "Q", 0)  # textStart
    for k, (label, v) in enumerate(zip(["funcnameOffset", "cuOffset", "filetabOffset", "pctabOffset", "pclnOffset"], offs)):
        put(base + 8 * k, "Q", v, label)
    mem[o_funcname:o_funcname + len(funcnametab)] = funcnametab
    mem[o_cu:o_cu + len(cutab)] = cutab
    mem[o_filetab:o_filetab + len(filetab)] = filetab
    mem[o_pctab:o_pctab + len(pctab)] = pctab
    fields["pctab"] = o_pctab

    # ftab and records
    for i in range(nf):
        entry = (0x1000 + i) << 16
        funcoff = recs[i][0]
        if old:
            put(o_pcln + 16 * i, "Q", entry, f"ftab{i}.entry")
            put(o_pcln + 16 * i + 8, "Q", funcoff, f"ftab{i}.funcoff")
        else:
            put(o_pcln + 8 * i, "I", entry, f"ftab{i}.entry")
            put(o_pcln + 8 * i + 4, "I", funcoff, f"ftab{i}.funcoff")
    end_pc = ((0x1000 + nf - 1) << 16) + FUNCS[-1][3]
    put(o_pcln + nf * esize, "Q" if old else "I", end_pc)
    for i, (n, fileno, lines, size) in enumerate(FUNCS):
        r = o_pcln + recs[i][0]
        npcdata, nfuncdata = recs[i][1], recs[i][2]
        pcsp, pcfile, pcln, inl = tables[i]
        entry = (0x1000 + i) << 16
        if old:
            put(r, "Q", entry)
            b = r + 8
        else:
            put(r, "I", entry)
            b = r + 4
        put(b, "i", nameoff[i], f"func{i}.nameoff")
        put(b + 4, "i", 16)            # args
        put(b + 8, "I", 0)             # deferreturn
        put(b + 12, "I", pcsp)
        put(b + 16, "I", pcfile, f"func{i}.pcfile")
        put(b + 20, "I", pcln, f"func{i}.pcln")
        put(b + 24, "I", npcdata, f"func{i}.npcdata")
        put(b + 28, "I", 0)            # cuOffset
        if fmt == "1.20":
            put(b + 32, "i", lines[0][0])  # startLine
        mem[r + fsize - 1] = nfuncdata
        fields[f"func{i}.nfuncdata"] = r + fsize - 1
        pd = r + fsize
        put(pd, "I", 0)
        put(pd + 4, "I", 0)
        if npcdata > 2:
            put(pd + 8, "I", inl, f"func{i}.pcdata_inl")
        fd = pd + 4 * npcdata
        if nfuncdata:
            if old:
                fd = (fd + 7) & ~7
                for k in range(nfuncdata):
                    put(fd + 8 * k, "Q", 0)
                put(fd + 24, "Q", BASE + o_gofunc, f"func{i}.inltree")
            else:
                for k in range(nfuncdata):
                    put(fd + 4 * k, "I", 0xFFFFFFFF)
                put(fd + 12, "I", 0, f"func{i}.inltree")

    # the inline tree of main.main: one entry, main.helper inlined, called at pc 1
    t = o_gofunc
    if fmt == "1.20":
        mem[t] = 0
        put(t + 4, "i", nameoff[0], "inl0.nameoff")
        put(t + 8, "i", 1, "inl0.parentPc")
        put(t + 12, "i", 5)
    else:
        put(t, "h", -1)
        put(t + 4, "i", 0)
        put(t + 8, "i", 21)
        put(t + 12, "i", nameoff[0], "inl0.nameoff")
        put(t + 16, "i", 1, "inl0.parentPc")

    # runtime.firstmoduledata
    md = o_md
    words = [0] * 48
    words[0] = BASE
    slices = [(o_funcname, len(funcnametab)), (o_cu, len(cutab)), (o_filetab, len(filetab)),
              (o_pctab, len(pctab)), (o_pcln, functab_len), (o_pcln, nf + 1)]
    for k, (p, n) in enumerate(slices):
        words[1 + 3 * k] = BASE + p
        words[2 + 3 * k] = n
        words[3 + 3 * k] = n
    words[20] = 0x10000000      # minpc
    words[21] = end_pc          # maxpc
    words[22] = 0               # text
    words[23] = 16 * nf         # etext
    words[24] = BASE + md       # noptrdata: moduledata opens it
    words[25] = words[26] = words[27] = BASE + total  # enoptrdata, data, edata
    if fmt == "1.18":
        words[38] = BASE + o_gofunc
    elif fmt == "1.20":
        words[40] = BASE + o_gofunc
    for k, w in enumerate(words):
        put(md + 8 * k, "Q", w)
    fields["moduledata"] = md
    fields["md.ftab.len"] = md + 17 * 8
    return _module(fmt, mem, fields, module, imports, exports, names, version, foreign, (decoys, decoy_moduledata), other_code, text_funcs)


def _module(fmt, mem, fields, module, imports, exports, names, version, foreign, decoy, other_code, text_funcs):
    """The module around linear memory `mem` (at BASE)."""
    total = len(mem)
    nf = len(FUNCS)
    # --- the module around it
    ni = len(imports) + len(foreign)
    types = vec([b"\x60\x01\x7f\x01\x7f", b"\x60\x01\x7f\x00"] +
                [b"\x60" + uleb(n) + b"\x7f" * n + b"\x00" for _, _, n in foreign])
    imp = vec([name(module) + name(f) + b"\x00\x01" for f in imports] +
              [name(mod) + name(f) + b"\x00" + uleb(2 + k) for k, (mod, f, _) in enumerate(foreign)])
    bodies = []
    for i, (n, *_rest) in enumerate(FUNCS):
        code = b""
        if n == "main.main":
            retpc = ((0x1000 + i) << 16) | 3
            code = (b"\x20\x00\x41\x08\x6b\x22\x00\x24\x00\x20\x00\x42" + sleb(retpc) + b"\x37\x03\x00"
                    b"\x41\x00\x10" + uleb(ni + 2) + b"\x1a")
        if n == "runtime.other":
            code = other_code
        bodies.append(b"\x00" + code + b"\x41\x00\x0b")
    bodies += [b"\x00\x41\x00\x0b"] * max(0, text_funcs - nf)
    funcs = vec([uleb(0)] * len(bodies))
    code = vec([uleb(len(b)) + b for b in bodies])
    memsec = vec([b"\x00" + uleb((BASE + total) // 65536 + 2)])
    glob = vec([b"\x7f\x01\x41\x00\x0b"])
    target = {"run": b"\x00" + uleb(ni + 1), "resume": b"\x00" + uleb(ni + 1), "getsp": b"\x00" + uleb(ni + 2),
              "mem": b"\x02\x00"}
    exp = vec([name(e) + target.get(e, b"\x00" + uleb(ni + 1)) for e in exports])  # others: main.main
    producers = vec([name("language") + vec([name("Go") + name(version or GOVERSION[fmt])])])
    head = (b"\0asm\x01\0\0\0" + bytes([1]) + uleb(len(types)) + types + bytes([2]) + uleb(len(imp)) + imp +
            bytes([3]) + uleb(len(funcs)) + funcs + bytes([5]) + uleb(len(memsec)) + memsec +
            bytes([6]) + uleb(len(glob)) + glob + bytes([7]) + uleb(len(exp)) + exp +
            bytes([10]) + uleb(len(code)) + code)
    segs = b""
    decoys = decoy[0]
    if decoys:
        d = decoy_segment(*decoy)
        segs = b"\x00\x41" + sleb(DECOY_ADDR) + b"\x0b" + uleb(len(d)) + d
    md = fields["moduledata"]
    seg1 = b"\x00\x41" + sleb(BASE) + b"\x0b" + uleb(md) + bytes(mem[:md])
    seg2_hdr = b"\x00\x41" + sleb(BASE + md) + b"\x0b" + uleb(total - md)
    datasec_payload = uleb(3 if decoys else 2) + segs + seg1 + seg2_hdr + bytes(mem[md:])
    data_start = len(head) + 1 + len(uleb(len(datasec_payload))) + 1 + len(segs) + len(seg1) - md
    body = head + bytes([11]) + uleb(len(datasec_payload)) + datasec_payload
    custom = name("producers") + producers
    body += bytes([0]) + uleb(len(custom)) + custom
    if names is not None:
        if isinstance(names, (bytes, bytearray)):
            sub = bytes(names)
        else:
            fn = vec([uleb(ni + i) + name(n) for i, n in enumerate(names)])
            sub = bytes([1]) + uleb(len(fn)) + fn
        custom = name("name") + sub
        body += bytes([0]) + uleb(len(custom)) + custom

    m = Module()
    m.data = body
    # runtime.firstmoduledata words of etext and noptrdata
    m.md_word = {"etext": 13, "noptrdata": 14} if fmt == "1.2" else {"etext": 23, "noptrdata": 24}
    m.at = {k: data_start + v + (len(seg2_hdr) if v >= md else 0) for k, v in fields.items()}
    m.addr = {k: BASE + v for k, v in fields.items()}
    m.expect = {
        "format": FORMAT_NAME[fmt],
        "names": [f[0] for f in FUNCS],
        "files": [FILES[f[1]] for f in FUNCS],
        "lines": [f[2][0][0] for f in FUNCS],
        "go_version": version or GOVERSION[fmt],
    }
    return m


def patch(m, label, fmtc, value, delta=0):
    """A copy of the module with the field `label` (+delta bytes) set."""
    b = bytearray(m.data)
    struct.pack_into("<" + fmtc, b, m.at[label] + delta, value)
    return bytes(b)


if __name__ == "__main__":
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    for f in ("1.2", "1.16", "1.18", "1.20"):
        with open(f"{out}/synth-{f}.wasm", "wb") as fh:
            fh.write(build(f).data)
