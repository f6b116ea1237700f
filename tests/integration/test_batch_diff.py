# SPDX-License-Identifier: MIT
"""gowasm-batch, differential: a batched module behaves exactly like its
original under Node 20.

The Go 1.19 programs tests/go/batch-* (fixtures batch-values,
batch-callbacks and its stripped build, batch-async, batch-gc, batch-exit in
four modes, batch-setindex in seven: every target whose [[Set]] of an
index is observable or fails, and six exceptions thrown by a SetIndex,
which must be the same, as must the state they leave; also with the ES
module in a worker-like host, where Reflect.set is used) and
esbuild-wasm@0.28.2 (go1.26.5) as a command-line program (and five older
releases, Go 1.14 to 1.25) run through tests/js/run-go.cjs with their own
wasm_exec.js:

  original                      the reference
  original + CJS companion      enableBatching is harmless on an unbatched module
  batched + CJS companion       \\  byte-identical stdout, stderr and exit code,
  batched + ESM companion       /   and the companion really replayed batches
  batched, no companion         fails to instantiate, naming the new import

@cdktf/hcl2json 0.4.1 (go1.16) runs with its own glue, whose run takes a
second argument (tests/js/run-hcl2json.cjs), original and batched.

Each program's output must also hold the lines it is known to print, and no
"MISMATCH:" line (the programs check what they read back). gowasm-batch must
exit 0, its output must pass wasm-validate (wabt), and gowasm-inspect must
still see the same Go module. A difference is a failure showing the first
differing line of each stream; nothing is skipped."""
import gzip
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, bail, go_fixture, npm_file, npm_cache, esbuild_wasm, run, inspect_json, SOURCE_ROOT, CHECK  # noqa: E402

BATCH = os.environ.get("GOWASM_BATCH", "")
COMPANION_DIR = os.environ.get("GOWASM_COMPANION_DIR", "")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
RUNNER = os.path.join(SOURCE_ROOT, "tests", "js", "run-go.cjs")
RUN_TIMEOUT = 120

# (fixture, arguments, exit code, lines stdout must hold, lines stderr must hold
#  (each the start of a line), whether stderr must hold nothing else)
GO_CASES = [
    ("batch-values", [], 0,
     ["[names] get \"ключ\" = cyrillic", "[index] length after max index 4294967295",
      "[order] copy Uint8Array(4)[1,5,77,9]", "[order] keys [\"y\",\"s\",\"before-string\",\"after-string\",\"x\"] x 2",
      "[finalize] held 100 sum of ids 247500", "batch-values: done, 0 mismatches"], [], True),
    ("batch-callbacks", [], 0,
     ["[nested] result go1(go2(go3/js3)/js2)/js1", "[nested] js3 after: {l0:\"main\",l1:\"go1\",l2:\"go2\",l3:\"go3\"}",
      "[returns] invoked 50 times, count 50", "[setter] read back two seen one,two",
      "[setter] Length -> 3; seen before-Length; last before-Length", "[setter] calls 13 u8 {0:7,1:8,2:0}",
      "[panic] object {before:\"set-before-throw\",recovered:true,after:\"written after the recover\"}",
      "batch-callbacks: done, 0 mismatches"], ["call to released function"], True),
    ("batch-callbacks-stripped", [], 0, ["batch-callbacks: done, 0 mismatches"], ["call to released function"], True),
    ("batch-async", [], 0,
     ["[timers] js log: t10 {0:\"zero\",phase:2}", "[select] first: from JS", "[select] second: timeout",
      "[goroutines] keys 152 sum 54720", "[pipeline] <src2<stage1<stage2",
      "[strings] lone surrogates become \"a\ufffdb\ufffdc\"", "batch-async: done, 0 mismatches"], [], True),
    ("batch-gc", [], 0,
     ["[gc] holder: 1000 objects, id sum 49950000, 1000 strings match, 0 holes", "[gc] float64 sum: 4999950000",
      "[gc] bad strings: 0", "[gc] after growth: {\"0\":\"r0\",\"1\":\"r1\",\"2\":\"r2\",\"3\":\"r3\",\"round3\":3}",
      "batch-gc: done, 0 mismatches"], [], True),
    ("batch-setindex", [], 0,
     ["[frozen] Array frozen non-extensible{0-w-c:1,1-w-c:2,2-w-c:3,length-w-e-c:3} | log: ",
      "[fixedLength] Array{0:10,1:\"eleven\",length-w-e-c:2} | log: ",
      "[own] Array{0:0,1-w:\"ro\",2:<get true set true>,3:<get true set false>,4:400,5:500,length-e-c:6} | log: own[2] setter 200",
      "[protoSetter] Array{6:6,10:10,length-e-c:11} | log: Array.prototype[7] setter array 7 Object.prototype[9] setter 9",
      "[protoRO] Array{6:6,10:10,length-e-c:11} | log: ",
      "[falseProxy] log: falseProxy.set 0 1 falseProxy.set 1 <obj>", "[noSetTrap] log: ",
      "[proxy] log: set(\"0\",1,<object>) getOwnPropertyDescriptor(\"0\") defineProperty(\"0\",<object>) set(\"1\"",
      "[frozenUnderProxy] Array frozen non-extensible{0-w-c:5,1-w-c:6,length-w-e-c:2} | log: ",
      "[underProxy] object{0:1,1:<obj>,4:\"four\",-1:\"minus\"} | log: ",
      "[string] object{0-w-c:\"a\",1-w-c:\"b\",2-w-c:\"c\",3:\"string3\",length-w-e-c:3}",
      "[plain] sum 5997000 tail Array{0:1,1:0,2:-1.5,3:NaN,4:Infinity,5:0,6:\"s\",7:true,8:false,9:null,10:undefined,11:<obj>",
      "[u8] Uint8Array(4)[1,44,255,0]", "batch-setindex: done, 0 mismatches"], [], True),
    ("batch-setindex", ["throw-setter"], 5,
     ["caught TypeError: setter refuses fifty", "after: Array{49:\"forty-nine\",length-e-c:50} log: "], [], True),
    ("batch-setindex", ["throw-proxy"], 5,
     ["caught RangeError: trap refuses 1", "after: Array{0:7,1:0,2:0,length-e-c:3,"], [], True),
    ("batch-setindex", ["throw-revoked"], 5,
     ["caught TypeError: Cannot perform 'set' on a proxy that has been revoked", "after: Array{0:0,1:0,2:0,"], [], True),
    ("batch-setindex", ["throw-invariant"], 5,
     ["caught TypeError: 'set' on proxy: trap returned truish for property '1'", "after: Array{0:0,1-w-c:0,2:0,"], [], True),
    ("batch-setindex", ["throw-bigint"], 5,
     ["caught TypeError: Cannot convert 1 to a BigInt", "after: BigInt64Array(2)[0,0] log: "], [], True),
    ("batch-setindex", ["throw-valueof"], 5,
     ["caught Error: valueOf refuses", "after: Float64Array(4)[1.5,0,0,0] log: "], [], True),
    ("batch-exit", ["exit"], 3,
     ["exiting with 3", "exit hook: code 3 state mode=\"exit\" arr=[\"a0\",null,\"a2\"] "
      "pending=\"written just before the end\" ключ=\"значение\""], [], True),
    ("batch-exit", ["stderr"], 0,
     ["out 1", "exit hook: code 0 state mode=\"stderr\" arr=[\"a0\",null,\"a2\"] "
      "pending=\"written just before the end\" ключ=\"значение\""],
     ["err 1: ошибка 错误 ⚠️", "log: through the log package", "runtime println to stderr 42", "trap: a=1",
      "println after trap a", "trap: d=4", "err 3: no newline at the end"], False),
    ("batch-exit", ["panic"], 2,
     ["panicking", "exit hook: code 2 state mode=\"panic\" arr=[\"a0\",null,\"a2\"] "
      "pending=\"written just before the end\" ключ=\"значение\""],
     ["panic: boom: ключ panic", "goroutine 1 [running]:"], False),
    ("batch-exit", ["deadlock"], 2,
     ["blocking forever", "exit hook: code 0 state mode=\"deadlock\" arr=[\"a0\",null,\"a2\"] "
      "pending=\"written just before the end\" ключ=\"значение\""],
     ["fatal error: all goroutines are asleep - deadlock!", "goroutine 1 [chan receive]:"], False),
]


def clip(s, n=300):
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


class Run:
    def __init__(self, r, stats_file):
        self.rc = r.returncode
        self.out = r.stdout.decode("utf-8", errors="replace")
        self.err = r.stderr.decode("utf-8", errors="replace")
        self.stats = None
        if stats_file and os.path.exists(stats_file):
            with open(stats_file) as f:
                self.stats = json.load(f)

    def summary(self):
        return f"exit {self.rc}; stdout {len(self.out)} chars; stderr: {clip(self.err, 600)}"


def node(tmp, glue, module, args, companion=None, stdin=None, node_flags=()):
    """Runs module under run-go.cjs with a small, fixed environment."""
    stats = os.path.join(tmp, "stats.json")
    if os.path.exists(stats):
        os.unlink(stats)
    argv = ["node", *node_flags, RUNNER, "--glue", glue, "--stats", stats]
    if companion:
        argv += ["--companion", companion]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TMPDIR": tmp}
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        r = run(argv + [module] + list(args), stdin=f, env=env, timeout=RUN_TIMEOUT)
    return Run(r, stats)


def missing_lines(text, starts):
    """The expected lines (each the start of a line) that text lacks."""
    lines = text.split("\n")
    return [m for m in starts if not any(line.startswith(m) for line in lines)]


def first_diff(a, b):
    la, lb = a.split("\n"), b.split("\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<end of output>"
        y = lb[i] if i < len(lb) else "<end of output>"
        if x != y:
            return f"first difference at line {i + 1}:\n  reference: {clip(x)}\n  this run:  {clip(y)}"
    return "no line differs"


def same(ref, got, name):
    """Byte-identical exit code, stdout and stderr; one assertion each."""
    eq(got.rc, ref.rc, f"{name}: same exit code", got.summary())
    ok(got.out == ref.out, f"{name}: same stdout",
       None if got.out == ref.out else first_diff(ref.out, got.out) + f"\nstderr of this run: {clip(got.err, 1500)}")
    ok(got.err == ref.err, f"{name}: same stderr",
       None if got.err == ref.err else first_diff(ref.err, got.err))


def batched(got, name):
    s = got.stats
    ok(isinstance(s, dict) and s.get("flushes", 0) > 0 and s.get("records", 0) > 0,
       f"{name}: the companion replayed batches", f"batchingStats: {s}")
    return s


def batch(src, out, name):
    r = run([BATCH, src, "-o", out], timeout=600)
    ok(r.returncode == 0 and os.path.exists(out), f"{name}: gowasm-batch exits 0 and writes the output",
       f"exit {r.returncode}: {r.stderr.decode(errors='replace')}")
    if r.returncode != 0 or not os.path.exists(out):
        return False
    v = run(["wasm-validate", out])
    eq(v.returncode, 0, f"{name}: the batched module passes wasm-validate", v.stderr.decode(errors="replace"))
    return True


def check_inspect(orig, out, name, version, abi):
    """gowasm-inspect still reads the batched module as the same Go module;
    returns the imports the rewrite added."""
    jo, _ = inspect_json(orig)
    jb, r = inspect_json(out)
    if not ok(jo is not None and jb is not None, f"{name}: gowasm-inspect --json reads both", r.stderr):
        return set()
    eq((jb["go"], jb["producer"], jb["target"], jb["go_version"], jb["abi"]), (True, "gc", "js/wasm", version, abi),
       f"{name}: the batched module is still a {version} js/wasm module (abi {abi})")
    eq((jb["build_id"], (jb.get("build_info") or {}).get("path")), (jo["build_id"], (jo.get("build_info") or {}).get("path")),
       f"{name}: same build id and main package")
    eq(jb["symbols"]["pclntab"]["format"], jo["symbols"]["pclntab"]["format"], f"{name}: the Go symbol table is still read")
    # The batched module reads as the same Go module: integrity unchanged
    # (the appended functions are outside Go's table by design), the same
    # functions named from the symbol table, the same bridge call sites.
    eq([p["message"] for p in jb["integrity"]["problems"]], [p["message"] for p in jo["integrity"]["problems"]],
       f"{name}: the symbol-table integrity checks say the same of both")
    eq(jb["symbols"]["pclntab"], jo["symbols"]["pclntab"], f"{name}: the same Go symbol table")
    ok(jb["symbols"]["named"] >= jo["symbols"]["named"], f"{name}: every function named in the original still is",
       f'{jb["symbols"]["named"]} named, {jo["symbols"]["named"]} in the original')
    eq(jb.get("bridge_calls"), jo.get("bridge_calls"), f"{name}: the same bridge call sites")
    if CHECK:
        co = run([CHECK, "--format", "json", orig])
        cb = run([CHECK, "--format", "json", out])
        strip = lambda r: [(f["rule"], f["severity"], f["message"], f["file"], f["line"], f["function"])
                           for f in json.loads(r.stdout)["findings"]] if r.stdout else None
        eq((cb.returncode, strip(cb)), (co.returncode, strip(co)), f"{name}: gowasm-check finds the same in both")
    added = {(i["module"], i["name"]) for i in jb["imports"]} - {(i["module"], i["name"]) for i in jo["imports"]}
    ok(added, f"{name}: the rewrite added an import", "no new import: was the module rewritten at all?")
    return added


def refuses_without_companion(glue, out, added, tmp, name):
    r = node(tmp, glue, out, [])
    mods = sorted({m for m, _ in added})
    ok(r.rc != 0 and "Import" in r.err and any(f'module="{m}"' in r.err for m in mods),
       f"{name}: without the companion the batched module fails to instantiate, naming module {','.join(mods)}",
       r.summary())
    eq(r.out, "", f"{name}: nothing ran without the companion")


def main():
    if not BATCH or not os.path.exists(BATCH):
        bail(f"GOWASM_BATCH ({BATCH or 'unset'}) does not exist: build gowasm-batch (ninja -C build)")
    cjs = os.path.join(COMPANION_DIR, "gowasm-batch.cjs")
    mjs = os.path.join(COMPANION_DIR, "gowasm-batch.mjs")
    for p in (cjs, mjs):
        if not os.path.exists(p):
            bail(f"companion {p} does not exist (GOWASM_COMPANION_DIR={COMPANION_DIR or 'unset'})")
    for tool in ("node", "wasm-validate"):
        if not shutil.which(tool):
            bail(f"{tool} is not installed (./setup.sh --deps-only)")
    if not os.path.exists(GO_GLUE):
        bail(f"Go 1.19's wasm_exec.js is not at {GO_GLUE}")
    tmp = tempfile.mkdtemp(prefix="gowasm-batch-diff-")
    try:
        go_programs(tmp, cjs, mjs)
        esbuild(tmp, cjs, mjs)
        older_esbuilds(tmp, cjs, mjs)
        hcl2json(tmp, cjs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def go_programs(tmp, cjs, mjs):
    done = {}
    for fixture, args, code, out_lines, err_lines, err_only in GO_CASES:
        name = fixture + "".join(" " + a for a in args)
        orig = go_fixture(fixture)
        if fixture not in done:
            out = os.path.join(tmp, fixture + ".batched.wasm")
            done[fixture] = None
            if batch(orig, out, fixture):
                added = check_inspect(orig, out, fixture, "go1.19.8", "go")
                refuses_without_companion(GO_GLUE, out, added, tmp, fixture)
                done[fixture] = out
        out = done[fixture]

        ref = node(tmp, GO_GLUE, orig, args)
        eq(ref.rc, code, f"{name}: the original exits {code}", ref.summary())
        eq(missing_lines(ref.out, out_lines), [], f"{name}: the original prints the expected lines", clip(ref.out, 2000))
        eq(missing_lines(ref.err, err_lines), [], f"{name}: the original's stderr holds the expected lines",
           clip(ref.err, 2000))
        if err_only:
            eq(ref.err.split("\n"), err_lines + [""] if err_lines else [""], f"{name}: nothing else on stderr")
        bad = [line for line in ref.out.split("\n") if line.startswith("MISMATCH")]
        eq(bad, [], f"{name}: the original's own checks pass")

        harmless = node(tmp, GO_GLUE, orig, args, cjs)
        same(ref, harmless, f"{name}: original + CJS companion")
        s = harmless.stats
        ok(isinstance(s, dict) and s.get("flushes") == 0 and s.get("records") == 0,
           f"{name}: the companion does nothing for an unbatched module", f"batchingStats: {s}")
        if out is None:
            continue
        got = node(tmp, GO_GLUE, out, args, cjs)
        same(ref, got, f"{name}: batched + CJS companion")
        s = batched(got, f"{name}: batched + CJS companion")
        if isinstance(s, dict) and s.get("flushes"):
            print(f"# {name}: {s['records']} records in {s['flushes']} flushes "
                  f"({s['records'] / s['flushes']:.1f} per flush); stats {json.dumps(s)}")
        if fixture == "batch-setindex":
            setindex_paths(s, name, "CJS", args)
        got = node(tmp, GO_GLUE, out, args, mjs)
        same(ref, got, f"{name}: batched + ESM companion")
        s = batched(got, f"{name}: batched + ESM companion")
        if fixture == "batch-setindex":
            setindex_paths(s, name, "ESM", args)
            # In a browser or worker the ES module makes no sloppy-mode store
            # (new Function would break a Content Security Policy): there it
            # uses Reflect.set, with the same output. A worker-like host.
            preload = os.path.join(tmp, "worker-like.cjs")
            with open(preload, "w") as f:
                f.write("globalThis.WorkerGlobalScope = class WorkerGlobalScope {};\n")
            got = node(tmp, GO_GLUE, out, args, mjs, node_flags=["--require", preload])
            same(ref, got, f"{name}: batched + ESM companion in a worker-like host")
            setindex_paths(batched(got, f"{name}: batched + ESM companion in a worker-like host"), name,
                           "ESM in a worker-like host", args)


# The runs of SetIndex records each batch-setindex case replays, by path:
# the sloppy-mode store, typed-array assignment, Reflect.set.
SETINDEX_PATHS = {"": ("loose", "typed"), "throw-setter": ("loose",), "throw-proxy": ("loose",),
                  "throw-revoked": ("loose",), "throw-invariant": ("loose",), "throw-bigint": ("typed",),
                  "throw-valueof": ("typed",)}


def setindex_paths(s, name, how, args):
    """item 14: the fast paths really ran (identical output alone would also
    hold if everything fell back to Reflect.set)."""
    if not isinstance(s, dict):
        return
    want = SETINDEX_PATHS["".join(args)]
    if how == "ESM in a worker-like host":
        want = tuple("reflect" if p == "loose" else p for p in want)
    got = {p: s.get("setIndex" + p.capitalize(), 0) for p in ("loose", "typed", "reflect")}
    ok(all(got[p] > 0 for p in want) and all(got[p] == 0 for p in got if p not in want),
       f"item 14: {name}: {how}: SetIndex runs replayed by {' and '.join(want)} only", f"batchingStats: {s}")


def label(arg):
    """A short, unique name for a file argument: spec/path for npm files."""
    if not os.path.isabs(arg):
        return arg
    rel = os.path.relpath(arg, npm_cache())
    if rel.startswith(".."):
        return os.path.basename(arg)
    spec, _, rest = rel.partition(os.sep + "node_modules" + os.sep)
    pkg = spec.rsplit("@", 1)[0]
    return spec + "/" + rest[len(pkg) + 1:]


def esbuild(tmp, cjs, mjs):
    """esbuild-wasm@0.28.2 (go1.26.5, gojs) as a command-line program."""
    spec = "esbuild-wasm@0.28.2"
    orig = esbuild_wasm()
    glue = npm_file(spec, "wasm_exec.js")
    out = os.path.join(tmp, "esbuild.batched.wasm")
    if not batch(orig, out, "esbuild"):
        return
    added = check_inspect(orig, out, "esbuild", "go1.26.5", "gojs")
    refuses_without_companion(glue, out, added, tmp, "esbuild")

    inputs = [npm_file(spec, "lib/main.js"), npm_file(spec, "esm/browser.js"),
              npm_file("esbuild-wasm@0.19.12", "lib/main.js"),
              npm_file("@microsoft/sarif-multitool-linux@5.7.0", "index.js"), GO_GLUE]
    broken = os.path.join(tmp, "broken.js")
    with open(broken, "w") as f:
        f.write("export const ok = 1;\nlet x = ;\nconst названиe = `ключ ${x}`;\n")
    typed = os.path.join(tmp, "typed.ts")
    with open(typed, "w") as f:
        f.write("enum Colour { Red, Green }\nexport const c: Colour = Colour.Green;\n"
                "export function f<T>(x: T): T { return x; }\nexport const s = 'ключ 名前 😀';\n")
    big = os.path.join(tmp, "big.js")  # 1.2 MB: the heap, so linear memory, grows while esbuild works
    with open(big, "w") as f:
        for _ in range(4):
            for p in (inputs[0], inputs[2], npm_file(spec, "lib/browser.js")):  # CommonJS: no exports
                with open(p) as src:
                    f.write("{\n" + src.read() + "\n}\n")  # block scopes: no clashing declarations
    cases = [([p, "--minify"], None) for p in inputs + [big]]
    cases += [([inputs[0], "--format=esm"], None), ([inputs[4], "--format=esm", "--minify-syntax", "--target=es2015"], None),
              ([inputs[3], "--format=cjs", "--platform=node", "--sourcemap=inline"], None),
              (["--minify", "--loader=js"], inputs[4]),            # stdin
              (["--loader=ts", "--format=esm"], typed),            # stdin, TypeScript
              ([broken], None),                                     # a syntax error: exit 1, message on stderr
              (["--version"], None)]
    for args, stdin in cases:
        name = "esbuild " + " ".join(label(a) for a in args)
        if stdin:
            name += " < " + label(stdin)
        ref = node(tmp, glue, orig, args, stdin=stdin)
        if args == [broken]:
            ok(ref.rc == 1 and "ERROR" in ref.err, f"{name}: the original reports the syntax error", ref.summary())
        else:
            ok(ref.rc == 0 and len(ref.out) > 0, f"{name}: the original succeeds with output", ref.summary())
        same(ref, node(tmp, glue, orig, args, cjs, stdin=stdin), f"{name}: original + CJS companion")
        got = node(tmp, glue, out, args, cjs, stdin=stdin)
        same(ref, got, f"{name}: batched + CJS companion")
        batched(got, f"{name}: batched + CJS companion")
        same(ref, node(tmp, glue, out, args, mjs, stdin=stdin), f"{name}: batched + ESM companion")



def older_esbuilds(tmp, cjs, mjs):
    """Older published esbuild-wasm releases, each with the wasm_exec.js of
    its own Go version (1.14, 1.15, 1.16, 1.20, 1.25): the companion works
    with the user's unmodified glue across the versions it supports. Go
    1.14 and 1.15 modules carry the Go 1.2-1.15 symbol table (item 12)."""
    for spec, version, abi in (("esbuild-wasm@0.4.11", "go1.14.2", "go"), ("esbuild-wasm@0.6.31", "go1.15", "go"),
                               ("esbuild-wasm@0.11.23", "go1.16.3", "go"), ("esbuild-wasm@0.19.12", "go1.20.12", "go"),
                               ("esbuild-wasm@0.27.2", "go1.25.5", "gojs")):
        orig = npm_file(spec, "esbuild.wasm")
        glue = npm_file(spec, "wasm_exec.js")
        name = spec.replace("esbuild-wasm@", "esbuild ")
        out = os.path.join(tmp, spec + ".batched.wasm")
        if not batch(orig, out, name):
            continue
        check_inspect(orig, out, name, version, abi)
        for args in ([GO_GLUE, "--minify"], [npm_file(spec, "lib/main.js"), "--minify"], ["--version"]):
            case = f"{name} " + " ".join(label(a) for a in args)
            ref = node(tmp, glue, orig, args)
            # (esbuild 0.6 prints its version on stderr)
            ok(ref.rc == 0 and (len(ref.out) > 0 or (args == ["--version"] and len(ref.err) > 0)),
               f"{case}: the original succeeds with output", ref.summary())
            got = node(tmp, glue, out, args, cjs)
            same(ref, got, f"{case}: batched + CJS companion, its own glue")
            if args[0] != "--version":
                batched(got, f"{case}: batched + CJS companion")
            same(ref, node(tmp, glue, out, args, mjs), f"{case}: batched + ESM companion, its own glue")


def hcl2json(tmp, cjs):
    """@cdktf/hcl2json 0.4.1 (go1.16): its own glue's run takes a second
    argument, run(instance, thing), the object the program registers its
    functions on. The companion must pass it on, for the original and the
    batched module alike (it dropped it: the program panicked at startup)."""
    spec = "@cdktf/hcl2json@0.4.1"
    glue = npm_file(spec, "lib/wasm_exec.js")
    orig = os.path.join(tmp, "hcl2json.wasm")
    with gzip.open(npm_file(spec, "main.wasm.gz"), "rb") as f, open(orig, "wb") as g:
        shutil.copyfileobj(f, g)
    out = os.path.join(tmp, "hcl2json.batched.wasm")
    runner = os.path.join(SOURCE_ROOT, "tests", "js", "run-hcl2json.cjs")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TMPDIR": tmp}

    def hrun(module, companion=None):
        r = run(["node", runner, glue, module] + ([companion] if companion else []), env=env, timeout=RUN_TIMEOUT)
        lines = r.stdout.decode(errors="replace").split("\n")
        stats = json.loads(lines[-2][6:]) if len(lines) >= 2 and lines[-2].startswith("STATS ") else None
        return r, "\n".join(lines[:-2]), stats

    ref, ref_out, _ = hrun(orig)
    ok(ref.returncode == 0 and ref_out.startswith("main.tf: {") and "big.tf: {" in ref_out and
       'unicode.tf: {"locals"' in ref_out and "bad.tf: ERR parse config" in ref_out,
       "item 8: hcl2json 0.4.1, its own glue: the original parses (the reference)", clip((ref.stdout + ref.stderr).decode(errors="replace"), 1000))
    for module, label in ((orig, "the original"), (out, "the batched module")):
        if module == out and not batch(orig, out, "item 8: hcl2json 0.4.1"):
            continue
        r, got, stats = hrun(module, cjs)
        ok(r.returncode == 0 and got == ref_out and r.stderr == ref.stderr,
           f"item 8: hcl2json 0.4.1, its own glue's run(instance, thing) with the companion: {label} prints "
           "byte-identical output", first_diff(ref_out, got) + "\n" + clip((r.stdout + r.stderr).decode(errors="replace"), 1500))
        if module == out:
            ok(isinstance(stats, dict) and stats.get("flushes", 0) > 0 and stats.get("records", 0) > 0,
               "item 8: hcl2json 0.4.1 batched: the companion replayed batches", stats)


main()
