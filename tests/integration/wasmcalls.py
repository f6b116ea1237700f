# SPDX-License-Identifier: MIT
"""An independent oracle for call sites: a small wasm reader (sections,
the name section, function bodies, and an instruction decoder for the
opcodes Go emits) that finds every `call F` in the module and the return
PC Go pushed before it (the last i64.const in the body whose high half is
the caller's own PC). Shares nothing with gowasm's reader.

    sites = call_sites(path, "syscall_js.FuncOf")   # [(caller index, retpc)]
"""
from pclnsynth import uleb as _enc, read_uleb as _uleb, read_sleb as _sleb


def sections(b):
    i, out = 8, []
    while i < len(b):
        sid = b[i]
        size, i = _uleb(b, i + 1)
        out.append((sid, i, i + size))
        i += size
    return out


def function_names(b):
    """Name-section names of functions: {index: name}."""
    names = {}
    for sid, start, end in sections(b):
        if sid != 0:
            continue
        n, i = _uleb(b, start)
        if b[i:i + n] != b"name":
            continue
        i += n
        while i < end:
            kind = b[i]
            size, i = _uleb(b, i + 1)
            if kind == 1:
                count, j = _uleb(b, i)
                for _ in range(count):
                    idx, j = _uleb(b, j)
                    ln, j = _uleb(b, j)
                    names[idx] = b[j:j + ln].decode(errors="replace")
                    j += ln
            i += size
    return names


def num_func_imports(b):
    for sid, start, end in sections(b):
        if sid == 2:
            n, i = _uleb(b, start)
            count = 0
            for _ in range(n):
                for _ in range(2):
                    ln, i = _uleb(b, i)
                    i += ln
                kind = b[i]
                i += 1
                if kind == 0:
                    _, i = _uleb(b, i)
                    count += 1
                elif kind == 1:
                    i += 1
                    flags, i = _uleb(b, i + 0)
                    _, i = _uleb(b, i)
                    if flags & 1:
                        _, i = _uleb(b, i)
                elif kind == 2:
                    flags, i = _uleb(b, i)
                    _, i = _uleb(b, i)
                    if flags & 1:
                        _, i = _uleb(b, i)
                else:
                    i += 2
            return count
    return 0


def bodies(b):
    for sid, start, end in sections(b):
        if sid == 10:
            n, i = _uleb(b, start)
            for _ in range(n):
                size, i = _uleb(b, i)
                yield i, i + size
                i += size


MEMARG = set(range(0x28, 0x3F))
ONE_U32 = {0x0C, 0x0D, 0x10, 0x12, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xD2, 0x3F, 0x40}


def calls_in(b, start, end):
    """[(callee, offset, last i64.const before it)] of one body."""
    n, i = _uleb(b, start)
    for _ in range(n):
        _, i = _uleb(b, i)
        i += 1
    out, consts = [], []
    while i < end:
        at, op = i, b[i]
        i += 1
        if op in (0x02, 0x03, 0x04):
            if b[i] == 0x40 or b[i] in (0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F):
                i += 1
            else:
                _, i = _sleb(b, i)
        elif op == 0x10:
            f, i = _uleb(b, i)
            out.append((f, at, consts[-1] if consts else None))
        elif op in ONE_U32:
            _, i = _uleb(b, i)
        elif op in (0x11, 0x13):
            _, i = _uleb(b, i)
            _, i = _uleb(b, i)
        elif op == 0x0E:
            k, i = _uleb(b, i)
            for _ in range(k + 1):
                _, i = _uleb(b, i)
        elif op == 0x1C:
            k, i = _uleb(b, i)
            i += k
        elif op in MEMARG:
            _, i = _uleb(b, i)
            _, i = _uleb(b, i)
        elif op == 0x41:
            _, i = _sleb(b, i)
        elif op == 0x42:
            v, i = _sleb(b, i)
            consts.append(v & 0xFFFFFFFFFFFFFFFF)
        elif op == 0x43:
            i += 4
        elif op == 0x44:
            i += 8
        elif op == 0xD0:
            i += 1
        elif op == 0xFC:
            sub, i = _uleb(b, i)
            nimm = {8: 2, 9: 1, 10: 2, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 1, 17: 1}.get(sub, 0)
            for _ in range(nimm):
                _, i = _uleb(b, i)
        elif op in (0xFD, 0xFB, 0xFE):
            raise ValueError(f"opcode 0x{op:02x} at 0x{at:x} is not one Go emits")
    return out


def call_sites(path, callee_name):
    """Every call of the function named `callee_name` in the name section:
    [(caller function index, return PC pushed before the call or None)]."""
    with open(path, "rb") as f:
        b = f.read()
    names = function_names(b)
    targets = {i for i, n in names.items() if n == callee_name}
    ni = num_func_imports(b)
    out = []
    for k, (start, end) in enumerate(bodies(b)):
        if not any(b"\x10" + _enc(t) in b[start:end] for t in targets):
            continue
        for f, _at, retpc in calls_in(b, start, end):
            if f in targets:
                own = retpc is not None and retpc >> 16 == 0x1000 + k
                out.append((ni + k, retpc if own else None))
    return out

