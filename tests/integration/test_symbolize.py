# SPDX-License-Identifier: MIT
"""gowasm-symbolize: wasm stack frames to Go file:line.

Oracles:
- Go's own debug/gosym (tests/go/oracle-gosym, built for the host with
  Go 1.19 by meson) on the same module, for every call site of the Go fixtures:
  the call sites and their return PCs are read independently from
  `wasm-objdump -d` (i64.const RETPC; i64.store; ...; call);
- Go's own traceback: the panic fixture (tests/go/panic) dies three ways
  (panic, nil map write, index out of range) under Node and in headless
  Chromium; the JavaScript stack captured at runtime.wasmExit, symbolized,
  must give exactly the frames the Go runtime printed (inlined one
  included), at the lines marked MARK: in the source, for plain, stripped
  and stripped -trimpath builds, and every frame must agree with gosym.
Also: Firefox, Safari and anonymous frame syntaxes, batched modules,
malformed text, wrong module, offsets outside code, the CLI."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from browser import HEADLESS, Server, browse  # noqa: E402
from tap import ok, eq, bail, env_path, go_fixture, oracle_gosym, run, SOURCE_ROOT, need_chromium  # noqa: E402

SYMBOLIZE = env_path("GOWASM_SYMBOLIZE")
BATCH = os.environ.get("GOWASM_BATCH", "")
COMPANION_DIR = os.environ.get("GOWASM_COMPANION_DIR", "")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
RUNNER = os.path.join(SOURCE_ROOT, "tests", "js", "run-go.cjs")
PANIC_SRC = os.path.join(SOURCE_ROOT, "tests", "go", "panic", "main.go")
MODES = ("panic", "nilmap", "index")
BUILDS = ("panic", "panic-stripped", "panic-trimpath")


def marks():
    out = {}
    with open(PANIC_SRC) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"MARK:([\w-]+)", line)
            if m:
                out[m.group(1)] = n
    return out


MARK = marks()


def symbolize(module, text, *args):
    r = run([SYMBOLIZE, *args, module, "-"], input=text.encode() if isinstance(text, str) else text)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def symbolize_json(module, text):
    rc, out, err = symbolize(module, text, "--json")
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + out[:300]


def gosym(oracle, module, pcs):
    """debug/gosym's (function, file, line) for each pc."""
    r = run([oracle, "-tsv", module], input="".join(f"0x{pc:x}\n" for pc in pcs).encode())
    if r.returncode != 0:
        bail(f"gosym oracle failed on {module}: {r.stderr.decode(errors='replace')[-400:]}")
    out = []
    for line in r.stdout.decode().splitlines():
        fn, file, ln = line.split("\t")
        out.append((fn, file, int(ln)))
    return out


CALL_RE = re.compile(r"^ *([0-9a-f]+): [0-9a-f ]+\|\s*(.*)$")
FUNC_RE = re.compile(r"^([0-9a-f]+) func\[(\d+)\]")


def objdump_call_sites(module):
    """(function index, call offset, return PC) of every call preceded by the
    Go return-PC push, read from wasm-objdump -d."""
    r = run(["wasm-objdump", "-d", module])
    if r.returncode != 0:
        bail("wasm-objdump -d failed: " + r.stderr.decode(errors="replace")[-300:])
    sites, func, recent = [], None, []
    for line in r.stdout.decode(errors="replace").splitlines():
        m = FUNC_RE.match(line)
        if m:
            func, recent = int(m.group(2)), []
            continue
        m = CALL_RE.match(line)
        if not m or func is None:
            continue
        off, insn = int(m.group(1), 16), m.group(2).strip()
        if insn.startswith("call ") and not insn.startswith("call_indirect"):
            for i in range(len(recent) - 1, max(len(recent) - 6, 0) - 1, -1):
                if recent[i] == "i64.store 3 0" and i > 0 and recent[i - 1].startswith("i64.const "):
                    v = int(recent[i - 1].split()[1]) & 0xFFFFFFFFFFFFFFFF
                    if v >> 16 >= 0x1000 and v & 0xFFFF:
                        sites.append((func, off, v))
                    break
        recent.append(insn)
        if len(recent) > 8:
            recent.pop(0)
    return sites


def frame_line(func, off, style="chrome"):
    if style == "chrome":
        return f"    at wasm://wasm/0123abcd:wasm-function[{func}]:0x{off:x}"
    if style == "chrome-named":
        return f"    at main.main (wasm://wasm/0123abcd:wasm-function[{func}]:0x{off:x})"
    if style == "firefox":
        return f"main.main@http://localhost:8000/wasm_exec.js line 437 > WebAssembly.instantiate:wasm-function[{func}]:0x{off:x}"
    if style == "firefox-url":
        return f"@https://example.com/app.wasm:wasm-function[{func}]:0x{off:x}"
    if style == "anonymous":
        return f"    at <anonymous>:wasm-function[{func}]:0x{off:x}"
    raise ValueError(style)


# ---------------------------------------------------------------- 1. every call site against debug/gosym

def oracle_call_sites(oracle, name):
    module = go_fixture(name)
    sites = objdump_call_sites(module)
    ok(len(sites) > 1000, f"item 12: {name}: wasm-objdump finds the call sites with a Go return PC", len(sites))
    text = "\n".join(frame_line(f, o) for f, o, _ in sites) + "\n"
    t0 = time.monotonic()
    rc, j, err = symbolize_json(module, text)
    elapsed = time.monotonic() - t0
    if not ok(rc == 0 and j is not None, f"item 12: {name}: {len(sites)} frames symbolized, exit 0", err[:400]):
        return
    frames = j["frames"]
    eq(len(frames), len(sites), f"item 12: {name}: one JSON entry per frame")
    eq([f["status"] for f in frames if f["status"] != "ok"], [], f"item 12: {name}: every frame resolved")
    bad_pc = [(s, f["function"]) for s, f in zip(sites, frames)
              if not f["function"] or f["function"]["pc"] != s[2] - 1 or not f["function"]["at_call"]]
    eq(bad_pc[:3], [], f"item 12: {name}: every call offset runs at its return PC - 1 (objdump's i64.const), at a call")
    want = gosym(oracle, module, [s[2] - 1 for s in sites])
    got = [(f["frames"][-1]["function"], f["frames"][0]["file"], f["frames"][0]["line"]) if f["frames"] else None
           for f in frames]
    diff = [(hex(s[1]), g, w) for s, g, w in zip(sites, got, want) if g != w]
    eq(diff[:3], [], f"item 12: {name}: all {len(sites)} call sites agree with debug/gosym "
                     "(function, innermost file and line)")
    inl = sum(1 for f in frames if len(f["frames"]) > 1)
    ok(inl > 100, f"item 12: {name}: inlined frames are expanded ({inl} sites inside inlined code)")
    chain = [f for f in frames if not all(x["inlined"] for x in f["frames"][:-1]) or f["frames"][-1]["inlined"]]
    eq(chain[:1], [], f"item 12: {name}: every frame but the last is marked inlined")
    ok(elapsed < 5, f"item 12: {name}: {len(sites)} frames in {elapsed:.2f} s")
    return sites, frames


def objdump_bodies(module):
    """{function index: (name or None, [(offset, instruction text)])} from wasm-objdump -d."""
    r = run(["wasm-objdump", "-d", module])
    bodies, cur = {}, None
    for line in r.stdout.decode(errors="replace").splitlines():
        m = FUNC_RE.match(line)
        if m:
            name = re.search(r"<(.*)>", line)
            cur = bodies[int(m.group(2))] = (name.group(1) if name else None, [])
            continue
        m = CALL_RE.match(line)
        if m and cur is not None:
            cur[1].append((int(m.group(1), 16), m.group(2).strip()))
    return bodies


def dispatch_regions(insns):
    """The dispatch table (PC_B -> region, default last) and the region of
    each instruction (-1 before the first), or None without a dispatch
    loop: Go's layout (loop, one block per region, local.get 0, br_table),
    read from the text."""
    depth, loop_depth, table, dispatch_depth = 0, None, None, None
    regions, region, level = [], -1, None
    for i, (off, insn) in enumerate(insns):
        op = insn.split()[0] if insn else ""
        regions.append(region)
        if op in ("block", "loop", "if"):
            depth += 1
            if op == "loop" and loop_depth is None:
                loop_depth = depth
        elif op == "end":
            depth -= 1
            if table is not None and depth >= loop_depth and (level is None or depth < level):
                region = dispatch_depth - 1 - depth
                level = depth
        elif op == "br_table" and table is None and loop_depth is not None and i and insns[i - 1][1] == "local.get 0":
            table = [int(x) for x in insn.split()[1:]]
            dispatch_depth = depth
    return (table, regions) if table else None


def region_pcs(oracle, name):
    """Offsets that are not calls: each takes a PC_B that the dispatch sends to
    the region holding the offset, the region's first instruction its lowest
    one, PCs never decrease along a region, and every frame agrees with
    debug/gosym at that PC."""
    module = go_fixture(name)
    bodies = objdump_bodies(module)
    chosen = [f for f, (n, _) in bodies.items() if n and n.startswith("main.")]
    others = sorted(f for f, (n, ins) in bodies.items() if dispatch_regions(ins) and f not in chosen)
    chosen += others[::max(1, len(others) // 60)]
    lines, expect = [], []
    for f in chosen:
        insns = bodies[f][1]
        d = dispatch_regions(insns)
        if not d:
            continue
        table, regions = d
        for (off, insn), reg in zip(insns, regions):
            lines.append(frame_line(f, off))
            expect.append((f, off, reg, table, insn))
    rc, j, err = symbolize_json(module, "\n".join(lines) + "\n")
    if not ok(rc == 0 and j, f"item 12: {name}: {len(lines)} instruction offsets of {len(chosen)} functions symbolized",
              err[:300]):
        return
    frames = j["frames"]
    bad_region, bad_first, bad_order = [], [], []
    prev = {}
    for (f, off, reg, table, insn), fr in zip(expect, frames):
        pcb = fr["function"]["pc"] & 0xFFFF
        if reg < 0:
            if pcb != 0:
                bad_region.append((f, hex(off), insn, "prologue", pcb))
            continue
        if table[min(pcb, len(table) - 1)] != reg:
            bad_region.append((f, hex(off), insn, reg, pcb))
        key = (f, reg)
        if key not in prev:
            if pcb != min(p for p in range(len(table)) if table[p] == reg):
                bad_first.append((f, hex(off), reg, pcb))
        elif pcb < prev[key]:
            bad_order.append((f, hex(off), reg, pcb, prev[key]))
        prev[key] = pcb
    eq(bad_region[:3], [], f"item 12: {name}: every offset runs at a PC_B the dispatch sends to its region")
    eq(bad_first[:3], [], f"item 12: {name}: a region's first instruction runs at its lowest PC_B")
    eq(bad_order[:3], [], f"item 12: {name}: PCs never decrease along a region")
    want = gosym(oracle, module, [fr["function"]["pc"] for fr in frames])
    got = [(fr["frames"][-1]["function"], fr["frames"][0]["file"], fr["frames"][0]["line"]) for fr in frames]
    diff = [(l, g, w) for l, g, w in zip(lines, got, want) if g != w]
    eq(diff[:3], [], f"item 12: {name}: frames at every offset agree with debug/gosym at the PC chosen")


# ---------------------------------------------------------------- 2. real panics: Go's traceback is the oracle

def go_traceback(stderr):
    """The frames Go printed after 'goroutine 1 [running]:': (function, file, line)."""
    lines = stderr.split("\n")
    try:
        i = next(k for k, l in enumerate(lines) if l.startswith("goroutine 1 [running]"))
    except StopIteration:
        return []
    out = []
    for k in range(i + 1, len(lines) - 1, 2):
        m = re.match(r"^(\S+?)\((.*)\)$", lines[k])
        f = re.match(r"^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$", lines[k + 1])
        if not m or not f:
            break
        out.append((m.group(1), f.group(1), int(f.group(2))))
    return out


def expected_file(build):
    return "example.com/fixtures/panic/main.go" if build == "panic-trimpath" else PANIC_SRC


def check_trace(oracle, label, build, mode, stack, stderr, module=None):
    module = module or go_fixture(build)
    ok(stack and "wasm-function[" in stack, f"item 12: {label}: the JavaScript stack has wasm frames", (stack or "")[:300])
    if not stack:
        return
    rc, out, err = symbolize(module, stack)
    eq((rc, err), (0, ""), f"item 12: {label}: symbolized, exit 0, no warning")
    hashes = set(re.findall(r"wasm://wasm/([0-9a-f]{8}):", stack))
    if hashes:  # V8 names a module compiled from bytes by a hash of its length
        eq(hashes, {"%08x" % ((os.path.getsize(module) << 2 | 2) & 0xFFFFFFFF)},
           f"item 12: {label}: V8's wasm://wasm/HASH is (length << 2) | 2, as gowasm-symbolize assumes")
    rc, j, err = symbolize_json(module, stack)
    if not ok(j is not None, f"item 12: {label}: --json", err[:300]):
        return
    frames = j["frames"]
    eq([f["status"] for f in frames if f["status"] != "ok"], [], f"item 12: {label}: every wasm frame resolved")
    go_frames = [(x["function"], x["file"], x["line"]) for f in frames for x in f["frames"]]
    mains = [g for g in go_frames if g[0].startswith("main.")]
    tb = go_traceback(stderr)
    tb_mains = [t for t in tb if t[0].startswith("main.")]
    ok(len(tb_mains) == 4, f"item 12: {label}: Go printed its traceback", stderr[-400:])
    eq(mains, tb_mains, f"item 12: {label}: the symbolized main.* frames are exactly Go's own traceback")
    f = expected_file(build)
    eq(mains, [("main.handle", f, MARK[mode]), ("main.check", f, MARK["check"]), ("main.serve", f, MARK["serve"]),
               ("main.main", f, MARK["main"])],
       f"item 12: {label}: panic site line {MARK[mode]} and its callers' lines (check inlined, serve, main)")
    inl = [x["inlined"] for fr in frames for x in fr["frames"] if x["function"] == "main.check"]
    eq(inl, [True], f"item 12: {label}: main.check is marked inlined")
    eq([fr["frames"][-1]["function"] for fr in frames if not fr["function"]["at_call"] and any(
        x["function"].startswith(("main.", "runtime.gopanic")) for x in fr["frames"])], [],
       f"item 12: {label}: the frames of main.* and runtime.gopanic are call sites (exact PCs)")
    ok(any(g[0] == "runtime.gopanic" for g in go_frames), f"item 12: {label}: runtime.gopanic is named")
    # Every frame against debug/gosym at the PC the tool chose.
    pcs = [fr["function"]["pc"] for fr in frames if fr["function"]["pc"] is not None]
    want = gosym(oracle, module, pcs)
    got = [(fr["frames"][-1]["function"], fr["frames"][0]["file"], fr["frames"][0]["line"]) for fr in frames
           if fr["function"]["pc"] is not None]
    eq(got, want, f"item 12: {label}: every one of the {len(got)} frames agrees with debug/gosym")
    # The text form: one line per Go frame, addr2line style.
    ok(f"main.handle  {f}:{MARK[mode]}" in out and f"main.check  {f}:{MARK['check']}  (inlined)" in out,
       f"item 12: {label}: text output 'FUNC  FILE:LINE', inlined marked", out[:600])


def node_trace(tmp, module, mode):
    stackfile = os.path.join(tmp, f"stack-{os.path.basename(module)}-{mode}.txt")
    r = run(["node", RUNNER, "--glue", GO_GLUE, "--exit-stack", stackfile, module, mode], timeout=120)
    stack = open(stackfile).read() if os.path.exists(stackfile) else None
    return r.returncode, stack, r.stderr.decode(errors="replace")


def node_traces(oracle, tmp):
    out = {}
    for build in BUILDS:
        for mode in MODES:
            rc, stack, stderr = node_trace(tmp, go_fixture(build), mode)
            eq(rc, 2, f"item 12: node {build} {mode}: the program dies with exit 2", stderr[-300:])
            check_trace(oracle, f"node {build} {mode}", build, mode, stack, stderr)
            out[(build, mode)] = stack
    return out


def chromium_traces(oracle, tmp):
    chromium = need_chromium()
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    shutil.copyfile(os.path.join(SOURCE_ROOT, "tests", "browser", "trace.html"), os.path.join(site, "trace.html"))
    shutil.copyfile(GO_GLUE, os.path.join(site, "wasm_exec.js"))
    for build in ("panic-stripped", "panic-trimpath"):
        shutil.copyfile(go_fixture(build), os.path.join(site, build + ".wasm"))
    server = Server(site)
    try:
        for build in ("panic-stripped", "panic-trimpath"):
            for mode in MODES:
                case = f"{build}-{mode}"
                res, log = browse(chromium, server, tmp, case, f"module={build}.wasm&mode={mode}", timeout=60,
                                  page="trace.html")
                if not ok(res is not None and res.get("ok"), f"item 12: chromium {case}: the page ran and reported",
                          (res, f"chromium {HEADLESS[0]} log:\n" + "\n".join(log.splitlines()[-15:]))):
                    continue
                eq(res.get("exitCode"), 2, f"item 12: chromium {case}: exit 2")
                stack = res.get("stack") or ""
                ok(f"/{build}.wasm:wasm-function[" in stack,
                   f"item 12: chromium {case}: frames name the module's URL (streaming compilation)", stack[:300])
                check_trace(oracle, f"chromium {case}", build, mode, stack, res.get("stderr", ""))
    finally:
        server.close()


# ---------------------------------------------------------------- 3. syntaxes, bad input, wrong module

def syntaxes(module, stack):
    lines = [l for l in stack.splitlines() if "wasm-function[" in l]
    refs = [re.search(r"wasm-function\[(\d+)\]:0x([0-9a-f]+)", l) for l in lines]
    refs = [(int(m.group(1)), int(m.group(2), 16)) for m in refs]
    _, base, _ = symbolize(module, "\n".join(frame_line(f, o) for f, o in refs) + "\n")
    for style in ("chrome-named", "firefox", "firefox-url", "anonymous"):
        text = "\n".join(frame_line(f, o, style) for f, o in refs) + "\n"
        rc, out, err = symbolize(module, text)
        eq(rc, 0, f"item 12: {style} frames: exit 0", err[:200])
        norm = lambda s: [l.strip() for l in s.splitlines()]  # noqa: E731
        eq(norm(out), norm(base), f"item 12: {style} frames give the same Go frames as Chrome's")
    # Safari prints no offset: the function's own entry.
    safari = "\n".join(f"<?>.wasm-function[{f}]@[wasm code]" for f, _ in refs) + "\n"
    rc, j, err = symbolize_json(module, safari)
    eq(rc, 0, "item 12: Safari frames (no offset): exit 0", err[:200])
    if j:
        eq({f["status"] for f in j["frames"]}, {"entry"}, "item 12: Safari frames resolve to the function entry")
        names = [f["function"]["name"] for f in j["frames"]]
        ok("main.handle" in names and "main.serve" in names, "item 12: Safari frames name the Go functions", names)


def bad_input(module, other, stack):
    cases = {
        "empty": b"",
        "no newline at the end": b"Error: boom\n    at f (x.js:1:2)",
        "CRLF": b"Error: boom\r\n    at f (x.js:1:2)\r\n",
        "binary bytes": bytes(range(256)) * 4,
        "truncated frame": b"at wasm://wasm/ab:wasm-function[",
        "no index": b"at wasm://wasm/ab:wasm-function[]:0x10\n",
        "name instead of index": b"<?>.wasm-function[main.main]@[wasm code]\n",
        "index too large": b"wasm-function[99999999999999999999]:0x10\n",
        "unterminated index": b"wasm-function[12:0x10\n",
        "long line": b"x" * 200000 + b"\n",
    }
    for label, text in cases.items():
        r = run([SYMBOLIZE, module, "-"], input=text)
        eq((r.returncode, r.stdout), (0, text), f"item 12: malformed text ({label}): passed through unchanged, exit 0",
           r.stderr[:200])
    # Offsets outside code, and an index that disagrees with its offset.
    code_end = None
    for line in stack.splitlines():
        m = re.search(r"wasm-function\[(\d+)\]:0x([0-9a-f]+)", line)
        if m:
            func, off = int(m.group(1)), int(m.group(2), 16)
            break
    for label, text, rc_want, msg in [
        ("offset in the header", f"at wasm://wasm/ab:wasm-function[{func}]:0x4\n", 1, "outside every function body"),
        ("offset past the module", f"at wasm://wasm/ab:wasm-function[{func}]:0xffffffffff\n", 1,
         "outside every function body"),
        ("offset too long", f"at wasm://wasm/ab:wasm-function[{func}]:0x{'f' * 20}\n", 1, "outside every function body"),
        ("index disagrees", f"at wasm://wasm/ab:wasm-function[{func + 1}]:0x{off:x}\n", 1, "does not hold offset"),
        ("an import's index", "at wasm://wasm/ab:wasm-function[0]\n", 1, "not a function defined"),
    ]:
        r = run([SYMBOLIZE, module, "-"], input=text.encode())
        err = r.stderr.decode(errors="replace")
        eq(r.returncode, rc_want, f"item 12: {label}: exit {rc_want}", err[:300])
        eq(r.stdout.decode(), text, f"item 12: {label}: the line is kept as it is")
        if msg:
            ok(msg in err and "standard input:1: warning:" in err, f"item 12: {label}: one warning naming the line",
               err[:300])
    del code_end
    # Another build with the same code (the unstripped twin: its name section
    # comes after the code): frames agree, V8's module hash does not.
    twin = go_fixture("panic")
    r = run([SYMBOLIZE, twin, "-"], input=stack.encode())
    err = r.stderr.decode(errors="replace")
    eq(r.returncode, 0, "item 12: the unstripped twin: frames agree, exit 0", err)
    ok("but V8 names this one wasm://wasm/%08x" % ((os.path.getsize(twin) << 2 | 2) & 0xFFFFFFFF) in err and
       "may come from another build" in err, "item 12: the unstripped twin: the V8 module hash mismatch is warned", err)
    # The wrong module: most frames disagree.
    r = run([SYMBOLIZE, other, "-"], input=stack.encode())
    err = r.stderr.decode(errors="replace")
    eq(r.returncode, 1, "item 12: wrong module: exit 1", err[-300:])
    ok("probably from another module" in err, "item 12: wrong module: warned", err[-300:])
    eq(r.stdout.decode(), stack, "item 12: wrong module: the trace is kept unchanged")
    rc, j, err = symbolize_json(other, stack)
    ok(j and j["summary"]["wrong_module"] is True, "item 12: wrong module: --json summary says so",
       j and j["summary"])


def batched(oracle, tmp):
    if not BATCH or not os.path.exists(BATCH):
        bail(f"GOWASM_BATCH ({BATCH or 'unset'}) does not exist")
    for build in ("panic", "panic-stripped"):
        src = go_fixture(build)
        out = os.path.join(tmp, build + ".batched.wasm")
        r = run([BATCH, src, "-o", out])
        if not ok(r.returncode == 0, f"item 12: {build}: gowasm-batch", r.stderr[-300:]):
            continue
        # Go frames survive batching: the same panic, symbolized with the batched module.
        companion = os.path.join(COMPANION_DIR, "gowasm-batch.cjs")
        stackfile = os.path.join(tmp, build + ".batched.stack")
        r = run(["node", RUNNER, "--glue", GO_GLUE, "--companion", companion, "--exit-stack", stackfile, out, "index"],
                timeout=120)
        stack = open(stackfile).read() if os.path.exists(stackfile) else None
        if ok(stack, f"item 12: {build} batched: a stack was captured", r.stderr[-300:]):
            check_trace(oracle, f"node {build} batched index", build, "index", stack,
                        r.stderr.decode(errors="replace"), module=out)
        # gowasm-batch's own functions are named by what they do.
        d = run(["wasm-objdump", "-d", out]).stdout.decode(errors="replace")
        heads = [(int(m.group(2)), int(m.group(1), 16)) for m in (FUNC_RE.match(l) for l in d.splitlines()) if m]
        j = json.loads(run([os.environ.get("GOWASM_INSPECT", ""), "--json", out]).stdout)
        ngo = j["symbols"]["pclntab"]["functions"]
        nimp = j["counts"]["functions"] - j["counts"]["defined_functions"]
        extra = [(f, o + 1) for f, o in heads if f - nimp >= ngo]
        ok(len(extra) >= 3, f"item 12: {build} batched: the module has functions after Go's", len(extra))
        rc, js, err = symbolize_json(out, "\n".join(frame_line(f, o) for f, o in extra) + "\n")
        names = [f["function"]["name"] if f["function"] else None for f in (js or {"frames": []})["frames"]]
        eq(rc, 0, f"item 12: {build} batched: its own functions resolve", err[:300])
        ok("gowasm-batch flush" in names, f"item 12: {build} batched: the flush function is named as such", names)
        ok("gowasm-batch stand-in for syscall/js.finalizeRef" in names and
           any(n.startswith("gowasm-batch wrapper of export ") for n in names),
           f"item 12: {build} batched: stand-ins and export wrappers are named as such", names)


def cli(module):
    r = run([SYMBOLIZE, "--help"])
    eq(r.returncode, 0, "item 12: --help exits 0")
    ok(b"Usage: gowasm-symbolize" in r.stdout, "item 12: --help prints the usage")
    r = run([SYMBOLIZE, "--version"])
    ok(r.returncode == 0 and r.stdout.startswith(b"gowasm-symbolize (gowasm) "), "item 12: --version")
    for label, args, inp in [("no module", [], b""), ("unknown option", ["--frobnicate", module], b""),
                             ("three files", [module, "a", "b"], b""),
                             ("missing module", ["/nonexistent.wasm"], b""),
                             ("not wasm", [RUNNER], b""),
                             ("missing trace", [module, "/nonexistent.txt"], b"")]:
        r = run([SYMBOLIZE, *args], input=inp)
        err = r.stderr.decode(errors="replace")
        eq(r.returncode, 2, f"item 12: {label}: exit 2", err)
        ok(err.startswith("gowasm-symbolize: ") and r.stdout == b"", f"item 12: {label}: one message, no output", err)


def main():
    tmp = tempfile.mkdtemp(prefix="gowasm-symbolize-")
    try:
        oracle = oracle_gosym()
        for name in ("panic", "panic-stripped", "panic-trimpath", "hello-stripped", "callbacks"):
            oracle_call_sites(oracle, name)
        region_pcs(oracle, "panic")
        stacks = node_traces(oracle, tmp)
        chromium_traces(oracle, tmp)
        stack = stacks.get(("panic-stripped", "index")) or ""
        syntaxes(go_fixture("panic-stripped"), stack)
        bad_input(go_fixture("panic-stripped"), go_fixture("hello"), stack)
        batched(oracle, tmp)
        cli(go_fixture("panic-stripped"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
