# SPDX-License-Identifier: MIT
"""gowasm-sourcemap: source maps of Go modules from the pclntab.

The map is decoded here by an independent VLQ decoder and checked:
- well formed (version 3, one generated line, increasing columns inside
  the code section, every index in range);
- at every call site of the panic fixtures (found by wasm-objdump -d with
  its return PC), the segment covering the offset names the file and line
  Go's own debug/gosym gives for that PC (tests/go/oracle-gosym), and the
  innermost function gowasm-symbolize names there;
- --source-root maps -trimpath names of the main module under the root,
  --sources-content embeds exactly the file's bytes;
- --attach writes a new module (input untouched) whose last section is a
  sourceMappingURL custom section, replaced when attached again, that
  validates and still runs;
- in headless Chromium, through the DevTools protocol: the panic fixture
  with the map attached, paused at a breakpoint set by the map's Go
  file:line, pauses in the function and at the offset the map gives.
And the CLI: usage errors, a module without a Go symbol table."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from browser import HEADLESS, Server, kill_group  # noqa: E402
from tap import ok, eq, bail, env_path, go_fixture, npm_file, oracle_gosym, run, SOURCE_ROOT, need_chromium  # noqa: E402
import pclnsynth  # noqa: E402
import test_symbolize as ts  # noqa: E402  (its oracles and helpers; it runs nothing when imported)

SOURCEMAP = env_path("GOWASM_SOURCEMAP")
B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def decode_mappings(s):
    """Segments of line 1 as absolute (col, src, line, srccol, name) tuples
    (1-tuples for unmapped segments)."""
    if ";" in s:
        return None
    out, state = [], [0, 0, 0, 0, 0]
    for seg in s.split(",") if s else []:
        vals, v, shift = [], 0, 0
        for ch in seg:
            d = B64[ch]
            v |= (d & 31) << shift
            if d & 32:
                shift += 5
                continue
            vals.append(-(v >> 1) if v & 1 else v >> 1)
            v, shift = 0, 0
        if len(vals) not in (1, 4, 5):
            return None
        for i, x in enumerate(vals):
            state[i] += x
        out.append(tuple(state[:len(vals)]))
    return out


def make_map(module, *args):
    tmp = tempfile.mkdtemp(prefix="gowasm-map-")
    path = os.path.join(tmp, "m.map")
    r = run([SOURCEMAP, *args, module, "-o", path])
    data = None
    if r.returncode == 0:
        with open(path) as f:
            data = json.load(f)
    shutil.rmtree(tmp, ignore_errors=True)
    return r, data


def code_section(module):
    r = run(["wasm-objdump", "-h", module]).stdout.decode()
    for line in r.splitlines():
        if line.strip().startswith("Code start="):
            parts = dict(p.split("=") for p in line.split() if "=" in p)
            return int(parts["start"], 16), int(parts["end"], 16)
    return None


def segment_at(segs, off):
    lo, hi = 0, len(segs)
    while lo < hi:
        mid = (lo + hi) // 2
        if segs[mid][0] <= off:
            lo = mid + 1
        else:
            hi = mid
    return segs[lo - 1] if lo else None


def check_map(oracle, name, root=None):
    module = go_fixture(name)
    args = ["--source-root", root, "--sources-content"] if root else []
    r, m = make_map(module, *args)
    if not ok(r.returncode == 0 and m, f"item 12: {name}: gowasm-sourcemap exits 0 and writes JSON",
              r.stderr.decode(errors="replace")):
        return None
    eq((m.get("version"), m.get("file")), (3, os.path.basename(module)), f"item 12: {name}: version 3, file named")
    segs = decode_mappings(m["mappings"])
    if not ok(segs, f"item 12: {name}: mappings decode, one generated line (wasm: line 1, column = offset)"):
        return None
    cols = [s[0] for s in segs]
    eq(all(a < b for a, b in zip(cols, cols[1:])), True, f"item 12: {name}: columns strictly increase")
    code = code_section(module)
    ok(code and code[0] <= cols[0] and cols[-1] <= code[1], f"item 12: {name}: every column is inside the code section",
       (code, cols[0], cols[-1]))
    bad = [s for s in segs if len(s) == 5 and not (0 <= s[1] < len(m["sources"]) and s[2] >= 0 and
                                                   0 <= s[4] < len(m["names"]))]
    eq(bad[:3], [], f"item 12: {name}: every source and name index in range")
    ok(len(segs) > 10000, f"item 12: {name}: {len(segs)} segments")
    # Every call site against debug/gosym.
    sites = ts.objdump_call_sites(module)
    want = ts.gosym(oracle, module, [s[2] - 1 for s in sites])
    got = []
    for (_, off, _), w in zip(sites, want):
        s = segment_at(segs, off)
        got.append((m["sources"][s[1]], s[2] + 1) if s and len(s) >= 4 else None)
    mapped_want = []
    for w in want:
        f = w[1]
        if root and f.startswith("example.com/fixtures/panic/"):
            f = root.rstrip("/") + f[len("example.com/fixtures/panic"):]
        mapped_want.append((f, w[2]))
    diff = [(hex(s[1]), g, w) for s, g, w in zip(sites, got, mapped_want) if g != w]
    eq(diff[:3], [], f"item 12: {name}: the map gives debug/gosym's file and line at all {len(sites)} call sites")
    # Names: the innermost function, as gowasm-symbolize says.
    text = "\n".join(ts.frame_line(f, o) for f, o, _ in sites) + "\n"
    rc, j, err = ts.symbolize_json(module, text)
    if j:
        inner = [f["frames"][0]["function"] for f in j["frames"]]
        names = [m["names"][segment_at(segs, o)[4]] for _, o, _ in sites]
        eq([(a, b) for a, b in zip(names, inner) if a != b][:3], [],
           f"item 12: {name}: names[] holds the innermost function at every call site")
    return m


def sources_content(m, root):
    main_go = os.path.join(root, "main.go")
    ok(main_go in m["sources"], f"item 12: --source-root {root}: the main module's -trimpath file is under the root",
       [s for s in m["sources"] if "main.go" in s])
    ok("runtime/panic.go" in m["sources"], "item 12: --source-root: standard library names are kept")
    eq(len(m.get("sourcesContent", [])), len(m["sources"]), "item 12: --sources-content: one entry per source")
    if main_go in m["sources"]:
        with open(main_go) as f:
            eq(m["sourcesContent"][m["sources"].index(main_go)], f.read(),
               "item 12: --sources-content: main.go embedded byte for byte")
    eq(m["sourcesContent"][m["sources"].index("runtime/panic.go")], None,
       "item 12: --sources-content: a file that cannot be read is null")


def sections(module):
    out = run(["wasm-objdump", "-h", module]).stdout.decode()
    return [l.split('"')[1] if '"' in l else l.split()[0] for l in out.splitlines() if "start=" in l]


def attach(tmp):
    src = go_fixture("panic-trimpath")
    before = hashlib.sha256(open(src, "rb").read()).hexdigest()
    out = os.path.join(tmp, "attached.wasm")
    mp = os.path.join(tmp, "attached.wasm.map")
    r = run([SOURCEMAP, "--attach", "attached.wasm.map", "--map", mp, src, "-o", out])
    eq(r.returncode, 0, "item 12: --attach --map: exit 0", r.stderr)
    eq(hashlib.sha256(open(src, "rb").read()).hexdigest(), before, "item 12: --attach: the input is not modified")
    secs = sections(out)
    eq(secs[-1:], ["sourceMappingURL"], "item 12: --attach: the last section is sourceMappingURL", secs[-3:])
    data = open(out, "rb").read()
    orig = open(src, "rb").read()
    eq(data[:len(orig)], orig, "item 12: --attach: the module's bytes are unchanged before the new section")
    tail = data[len(orig):]
    url = b"attached.wasm.map"
    want = bytes([0, 1 + 16 + 1 + len(url), 16]) + b"sourceMappingURL" + bytes([len(url)]) + url
    eq(tail, want, "item 12: --attach: the section is name + URL as a wasm string")
    eq(run(["wasm-validate", out]).returncode, 0, "item 12: --attach: wasm-validate accepts the module")
    ok(os.path.exists(mp) and json.load(open(mp))["version"] == 3, "item 12: --map writes the map too")
    again = os.path.join(tmp, "again.wasm")
    r = run([SOURCEMAP, "--attach", "https://cdn.example/x.map", out, "-o", again])
    eq(r.returncode, 0, "item 12: --attach on an attached module: exit 0", r.stderr)
    eq(sections(again).count("sourceMappingURL"), 1, "item 12: attaching again replaces the section")
    ok(open(again, "rb").read().endswith(b"https://cdn.example/x.map"), "item 12: ... with the new URL")
    rc, stack, err = ts.node_trace(tmp, out, "index")
    eq(rc, 2, "item 12: the attached module still runs (and panics as it should)", err[-200:])
    rc2, stack2, _ = ts.node_trace(tmp, src, "index")
    strip = lambda s: [l for l in (s or "").splitlines() if "wasm-function" in l]  # noqa: E731
    eq([l.split("wasm-function")[1] for l in strip(stack)], [l.split("wasm-function")[1] for l in strip(stack2)],
       "item 12: code offsets are the same as in the input (the section is appended)")
    return out, mp


def devtools(tmp, module, mapfile):
    """Chromium, DevTools protocol: a breakpoint at the panic call of
    main.handle, set by the offset the map gives for that Go line; at the
    pause, the wasm script's sourceMapURL is the attached one and every
    paused wasm frame resolves through the map to the Go lines of the panic
    site and its callers."""
    chromium = need_chromium()
    with open(mapfile) as f:
        m = json.load(f)
    segs = decode_mappings(m["mappings"])
    main_go = "example.com/fixtures/panic/main.go"
    # The breakpoint: the first offset the map places at the panic line in main.handle.
    want_line = ts.MARK["panic"]
    cands = [s[0] for s in segs if len(s) == 5 and m["sources"][s[1]] == main_go and s[2] + 1 == want_line and
             m["names"][s[4]] == "main.handle"]
    if not ok(cands, f"item 12: the map places code of main.handle at main.go:{want_line}"):
        return
    calls = {o for _, o, _ in ts.objdump_call_sites(module)}
    at_calls = [c for c in cands if c in calls] or cands
    site = os.path.join(tmp, "devtools-site")
    os.makedirs(site)
    shutil.copyfile(os.path.join(SOURCE_ROOT, "tests", "browser", "trace.html"), os.path.join(site, "trace.html"))
    shutil.copyfile(ts.GO_GLUE, os.path.join(site, "wasm_exec.js"))
    shutil.copyfile(module, os.path.join(site, "panic.wasm"))
    shutil.copyfile(mapfile, os.path.join(site, "attached.wasm.map"))  # the URL attach() wrote
    server = Server(site)
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    log = open(os.path.join(tmp, "chromium-devtools.log"), "wb")
    p = subprocess.Popen([chromium, *HEADLESS, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                          "--no-default-browser-check", "--disable-background-networking", "--disable-extensions",
                          "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        portfile, port = os.path.join(profile, "DevToolsActivePort"), None
        end = time.monotonic() + 30
        while time.monotonic() < end and p.poll() is None:
            if os.path.exists(portfile):
                first = open(portfile).read().split("\n")[0].strip()
                if first.isdigit():
                    port = first
                    break
            time.sleep(0.2)
        if not ok(port, "item 12: chromium listens for the DevTools protocol"):
            return
        url = f"http://127.0.0.1:{server.port}/trace.html?case=devtools&module=panic.wasm&mode=panic&debug=1"
        r = run(["node", "--experimental-websocket", os.path.join(SOURCE_ROOT, "tests", "js", "cdp-wasm-pause.cjs"),
                 port, url, str(at_calls[0])], timeout=120)
        res = None
        try:
            res = json.loads(r.stdout)
        except ValueError:
            pass
        if not ok(res and not res.get("error") and res.get("frames"),
                  "item 12: DevTools: paused at the breakpoint set in the module",
                  (res, r.stderr.decode(errors="replace")[-600:])):
            return
        eq((res["script"]["sourceMapURL"], res["script"]["url"].endswith("/panic.wasm")), ("attached.wasm.map", True),
           "item 12: DevTools: the wasm script's sourceMapURL is the attached section's", res["script"])
        eq(res["breakpoint"]["columnNumber"], at_calls[0], "item 12: DevTools: the breakpoint sits at the offset asked")
        top = res["frames"][0]
        eq((top["url"].endswith("/panic.wasm"), top["line"], top["column"]), (True, 0, at_calls[0]),
           "item 12: DevTools: the paused location is that offset of the module (line 0, column = offset)")
        resolved = []
        for fr in res["frames"]:
            if fr["url"].endswith("/panic.wasm"):
                s = segment_at(segs, fr["column"])
                resolved.append((m["sources"][s[1]], s[2] + 1, m["names"][s[4]]) if s and len(s) == 5 else None)
        mains = [x for x in resolved if x and x[0] == main_go]
        eq(mains, [(main_go, ts.MARK["panic"], "main.handle"), (main_go, ts.MARK["check"], "main.check"),
                   (main_go, ts.MARK["main"], "main.main")],
           "item 12: DevTools: through the map, the paused frames are the panic line and its callers' lines "
           "(serve's call is inlined check's line)")
    finally:
        kill_group(p)
        log.close()
        server.close()


def published(tmp):
    """Real published modules of two table formats (esbuild-wasm: Go 1.19's
    and Go 1.26's): a well-formed map naming esbuild's own functions and
    files, and gowasm-symbolize placing a sample of mapped offsets where the
    map does (the two tools share the offset-to-PC step, not the output)."""
    for spec in ("esbuild-wasm@0.14.54", "esbuild-wasm@0.28.2"):
        module = npm_file(spec, "esbuild.wasm")
        r, m = make_map(module)
        if not ok(r.returncode == 0 and m, f"item 12: {spec}: map written", r.stderr[-300:]):
            continue
        segs = decode_mappings(m["mappings"])
        ok(segs and len(segs) > 50000, f"item 12: {spec}: {len(segs or [])} segments on one line")
        ok(any(n.startswith("github.com/evanw/esbuild/") for n in m["names"]) and
           any(f.startswith("github.com/evanw/esbuild/") and f.endswith(".go") for f in m["sources"]),
           f"item 12: {spec}: esbuild's functions and -trimpath files are named")
        mapped = [x for x in segs if len(x) == 5][::997]
        text = "".join(f"at <anonymous>:wasm-function[0]:0x{x[0]:x}\n" for x in mapped)
        rs = run([ts.SYMBOLIZE, "--json", "-q", module, "-"], input=text.encode())
        j = json.loads(rs.stdout) if rs.stdout else {"frames": []}
        # Index 0 is an import: every frame disagrees on the index; the
        # offset still names the function, which the warning line gives.
        eq(len(j["frames"]), len(mapped), f"item 12: {spec}: symbolize read every sampled frame")
        funcs = [f.get("function_at_offset") for f in j["frames"]]
        ok(all(isinstance(x, int) for x in funcs), f"item 12: {spec}: every sampled offset is inside a function")
        text = "".join(f"at <anonymous>:wasm-function[{fn}]:0x{x[0]:x}\n" for fn, x in zip(funcs, mapped)
                       if isinstance(fn, int))
        rs = run([ts.SYMBOLIZE, "--json", module, "-"], input=text.encode())
        j = json.loads(rs.stdout)
        got = [(f["frames"][0]["file"], f["frames"][0]["line"] - 1, f["frames"][0]["function"]) if f["frames"] else None
               for f in j["frames"]]
        want = [(m["sources"][x[1]], x[2], m["names"][x[4]]) for x in mapped]
        eq([(a, b) for a, b in zip(got, want) if a != b][:3], [],
           f"item 12: {spec}: symbolize places {len(want)} sampled offsets where the map does")


def pclntab_file_ranges(module):
    """File ranges of the data segments holding the pclntab (from its
    header to runtime.firstmoduledata), read from the data section here."""
    j = json.loads(run([os.environ.get("GOWASM_INSPECT", ""), "--json", module]).stdout)
    lo, hi = j["symbols"]["pclntab"]["address"], j["symbols"]["pclntab"]["moduledata"]
    data = open(module, "rb").read()
    sec = next(x for x in j["sections"] if x.get("id") == 11)
    p = sec["payload_offset"]
    n, p = pclnsynth.read_uleb(data, p)
    out = []
    for _ in range(n):
        flags, p = pclnsynth.read_uleb(data, p)
        p += 1  # i32.const
        addr, p = pclnsynth.read_uleb(data, p)  # offsets are small and positive: the unsigned reading is the signed one
        p += 1  # end
        size, p = pclnsynth.read_uleb(data, p)
        if addr < hi and addr + size > lo:
            out.append((p + max(0, lo - addr), p + min(size, hi - addr)))
        p += size
    return out


def corrupt_tables(tmp, budget=20.0):
    """Bytes of the pclntab flipped, one at a time, for a time budget: both
    tools exit 0, 1 or 2 (one line on stderr), never crash or hang."""
    import random
    src = go_fixture("panic-stripped")
    ranges = pclntab_file_ranges(src)
    ok(sum(b - a for a, b in ranges) > 100000, "item 12: robustness: the pclntab's bytes are located", ranges[:3])
    sites = ts.objdump_call_sites(src)[::200]
    trace = ("\n".join(ts.frame_line(f, o) for f, o, _ in sites) + "\n").encode()
    orig = open(src, "rb").read()
    rnd = random.Random(1212)
    bad, runs, end = [], 0, time.monotonic() + budget
    path = os.path.join(tmp, "flipped.wasm")
    while time.monotonic() < end:
        a, b = rnd.choice(ranges)
        pos = rnd.randrange(a, b)
        data = bytearray(orig)
        data[pos] ^= 1 << rnd.randrange(8) if rnd.random() < 0.5 else 0xFF
        with open(path, "wb") as f:
            f.write(data)
        for argv, inp in (([ts.SYMBOLIZE, path, "-"], trace), ([SOURCEMAP, path, "-o", "-"], None)):
            try:
                r = run(argv, input=inp, timeout=60)
            except subprocess.TimeoutExpired:
                bad.append((pos, argv[0], "timeout"))
                continue
            err = r.stderr.decode(errors="replace")
            if r.returncode not in (0, 1, 2) or (r.returncode == 2 and len(err.strip().splitlines()) != 1):
                bad.append((pos, os.path.basename(argv[0]), r.returncode, err[-300:]))
        runs += 1
    ok(runs >= 5, f"item 12: robustness: {runs} modules with a pclntab byte flipped")
    eq(bad[:3], [], "item 12: robustness: symbolize and sourcemap exit 0, 1 or 2 on every one (one line on stderr)")


def cli(tmp):
    src = go_fixture("panic-stripped")
    for label, args in [("no module", []), ("--map without --attach", ["--map", "x.map", src]),
                        ("--attach without -o", ["--attach", "u", src]),
                        ("unknown option", ["--frobnicate", src]),
                        ("missing module", ["/nonexistent.wasm", "-o", os.path.join(tmp, "x")]),
                        ("not wasm", [ts.RUNNER, "-o", os.path.join(tmp, "x")]),
                        ("output is the input", [src, "-o", src]),
                        ("--attach output is the input", ["--attach", "u", src, "-o", src])]:
        r = run([SOURCEMAP, *args])
        err = r.stderr.decode(errors="replace")
        eq(r.returncode, 2, f"item 12: sourcemap {label}: exit 2", err)
        ok(err.startswith("gowasm-sourcemap: "), f"item 12: sourcemap {label}: one message", err)
    # A module with no Go symbol table: a minimal valid module.
    empty = os.path.join(tmp, "empty.wasm")
    with open(empty, "wb") as f:
        f.write(b"\0asm\1\0\0\0")
    r = run([SOURCEMAP, empty, "-o", os.path.join(tmp, "e.map")])
    eq((r.returncode, os.path.exists(os.path.join(tmp, "e.map"))), (2, False),
       "item 12: a module without a Go symbol table: exit 2, nothing written", r.stderr)
    ok(b"no Go symbol table" in r.stderr, "item 12: ... saying so", r.stderr)
    r = run([SOURCEMAP, "--help"])
    ok(r.returncode == 0 and b"Usage: gowasm-sourcemap" in r.stdout, "item 12: sourcemap --help")
    r = run([SOURCEMAP, "--version"])
    ok(r.returncode == 0 and r.stdout.startswith(b"gowasm-sourcemap (gowasm) "), "item 12: sourcemap --version")
    # Default output: APP.wasm.map beside the module.
    copy = os.path.join(tmp, "copy.wasm")
    shutil.copyfile(src, copy)
    r = run([SOURCEMAP, copy])
    ok(r.returncode == 0 and os.path.exists(copy + ".map"), "item 12: default output APP.wasm.map", r.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="gowasm-sourcemap-")
    try:
        oracle = oracle_gosym()
        for name in ("panic", "panic-stripped", "hello-stripped"):
            check_map(oracle, name)
        root = os.path.join(SOURCE_ROOT, "tests", "go", "panic")
        m = check_map(oracle, "panic-trimpath", root=root)
        if m:
            sources_content(m, root)
        m = check_map(oracle, "panic", root=root)
        if m:
            ok(ts.PANIC_SRC in m["sources"], "item 12: without -trimpath, absolute names are kept under --source-root")
            eq(m["sourcesContent"][m["sources"].index(ts.PANIC_SRC)], open(ts.PANIC_SRC).read(),
               "item 12: without -trimpath, --sources-content reads the absolute path")
        published(tmp)
        out, mp = attach(tmp)
        devtools(tmp, out, mp)
        corrupt_tables(tmp)
        cli(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
