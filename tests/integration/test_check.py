# SPDX-License-Identifier: MIT
"""gowasm-check: every rule fires on a fixture that has the defect and
not on its corrected twin (stripped and unstripped builds alike), the
glue check against real wasm_exec.js files, SARIF accepted by the
reference validator, baselines, --allow, --fail-on and exit codes."""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, go_marks, npm_file, esbuild_wasm, run, CHECK, SOURCE_ROOT  # noqa: E402
import pclnsynth  # noqa: E402

tmp = tempfile.mkdtemp(prefix="gowasm-check-")


def check(path, *args):
    r = run([CHECK, "--format", "json", *args, path])
    j = json.loads(r.stdout) if r.returncode in (0, 1) and r.stdout else None
    return r, j


marks = go_marks


def found(j, rule):
    return sorted((os.path.basename(f["file"] or ""), f["line"], f["function"]) for f in j["findings"] if f["rule"] == rule)


lm = marks("leak")
for name in ("leak", "leak-stripped"):
    r, j = check(go_fixture(name), "--target", "browser")
    eq(r.returncode, 1, f"{name}: findings at error severity: exit 1")
    if not j:
        continue
    eq(j["schema"], "gowasm-check/1", f"{name}: schema")
    eq(found(j, "js-func-leak"), sorted([("main.go", lm["leak-loop"], "main.addButtons"),
                                         ("main.go", lm["leak-event"], "main.onMessage")]),
       f"{name}: js-func-leak in the loop and per event, not the startup FuncOf")
    eq(found(j, "hot-bridge-call"), sorted([("main.go", lm["hot-call"], "main.addButtons"),
                                            ("main.go", lm["hot-set"], "main.addButtons")]),
       f"{name}: hot-bridge-call for Call and Set in the loop")
    eq(found(j, "browser-fs"), [("main.go", lm["fs"], "main.readConfig")], f"{name}: browser-fs at the os.ReadFile line")
    eq(sorted(f["rank"] for f in j["findings"] if f["rule"] == "hot-bridge-call"), [2, 2],
       f"{name}: hot-bridge-call ranked by the function's count of bridge calls in loops")
    leaks = [f for f in j["findings"] if f["rule"] == "js-func-leak"]
    ok(all(f["severity"] == "error" and "Release" in f["message"] for f in leaks), f"{name}: leaks are errors naming Release")
    ok(any("per event" in f["message"] for f in leaks) and any("in a loop" in f["message"] for f in leaks),
       f"{name}: the messages say why the FuncOf repeats")
    eq(j["summary"]["failed"], True, f"{name}: summary says failed")
    # Without --target browser the file system is a capability, not a warning.
    r2, j2 = check(go_fixture(name))
    eq(found(j2, "browser-fs"), [], f"{name}: no browser-fs without --target browser")
    ok(any("file system" in f["message"] for f in j2["findings"] if f["rule"] == "host-capabilities"),
       f"{name}: host-capabilities lists the file system")

for name in ("leak-fixed", "leak-fixed-stripped"):
    r, j = check(go_fixture(name), "--target", "browser")
    eq(r.returncode, 0, f"{name}: the corrected twin passes")
    if j:
        eq([f["rule"] for f in j["findings"] if f["severity"] != "note"], [], f"{name}: no warnings or errors")
        ok(not any("file system" in f["message"] for f in j["findings"]), f"{name}: no file system capability")

# The loop fixtures of inspect: the loop FuncOf in callbacks, the Set calls in loops.
r, j = check(go_fixture("callbacks-stripped"))
cm = marks("callbacks")
eq(found(j, "js-func-leak"), [("main.go", cm["loop-funcof"], "main.handlers")],
   "callbacks: only the FuncOf in the loop leaks (direct and inlined-helper ones run once)")
lp = marks("loops")
r, j = check(go_fixture("loops"))
loop_lines = sorted(n for n, line in enumerate(open(os.path.join(SOURCE_ROOT, "tests/go/loops/main.go")), 1)
                    if "MARK:loop" in line)
eq(sorted(f[1] for f in found(j, "hot-bridge-call")), loop_lines, "loops: hot-bridge-call exactly on the Sets in loops")

# Text output: GNU diagnostics on stderr.
r = run([CHECK, go_fixture("leak")])
err = r.stderr.decode()
ok(re.search(rf"^\S+/tests/go/leak/main\.go:{lm['leak-loop']}: error: main\.addButtons: js\.FuncOf in a loop .* \[js-func-leak\]$", err, re.M),
   "text: file:line: error: function: message [rule]", err[:1500])
eq(r.stdout, b"", "text: nothing on stdout")

# --- missing finalizers, on synthetic modules.
def synth(label, **kw):
    p = os.path.join(tmp, label + ".wasm")
    with open(p, "wb") as f:
        f.write(pclnsynth.build(kw.pop("fmt", "1.20"), **kw).data)
    return p


JS = ("runtime.wasmExit", "syscall/js.valueGet", "syscall/js.valueSet")
r, j = check(synth("go113", imports=JS, version="go1.13.15", fmt="1.16"))
ok(j and [f for f in j["findings"] if f["rule"] == "missing-finalizers" and "go1.13.15" in f["message"]],
   "missing-finalizers: Go 1.13 never releases js.Values", j and j["findings"])
eq(r.returncode, 1, "missing-finalizers is an error")
r, j = check(synth("nofinalize", imports=JS, version="go1.20.14"))
ok(j and [f for f in j["findings"] if f["rule"] == "missing-finalizers" and "finalizeRef" in f["message"]],
   "missing-finalizers: syscall/js without the finalizeRef import")
r, j = check(synth("finalize", imports=JS + ("syscall/js.finalizeRef",), version="go1.20.14"))
eq([f for f in j["findings"] if f["rule"] == "missing-finalizers"], [], "no missing-finalizers with finalizeRef")
r, j = check(go_fixture("bridge"))
eq([f for f in j["findings"] if f["rule"] == "missing-finalizers"], [],
   "bridge (Go 1.19): makeValue sets the finalizer: no missing-finalizers")

# --- integrity rules come through.
m = pclnsynth.build("1.20")
p = os.path.join(tmp, "cycle.wasm")
with open(p, "wb") as f:
    f.write(pclnsynth.patch(m, "inl0.parentPc", "i", 2))
r, j = check(p)
ok(j and [f for f in j["findings"] if f["rule"] == "pclntab-corrupt" and "cycle" in f["message"]],
   "integrity: a corrupt table is a pclntab-corrupt finding", j and j["findings"])

# item 15: decoy pclntab headers in a string constant do not hide the real table from the rules.
for fmt in ("1.2", "1.20"):
    r0, plain = check(synth(f"plain-{fmt}", fmt=fmt))
    r1, decoyed = check(synth(f"decoys-{fmt}", fmt=fmt, decoys=9, decoy_moduledata=True))
    rules = lambda j: sorted((f["rule"], f["message"]) for f in j["findings"])  # noqa: E731
    eq(rules(decoyed), rules(plain), f"item 15: {fmt}: decoy pclntab headers ignored, the same findings as without them")
    eq([f for f in decoyed["findings"] if f["rule"].startswith("pclntab")], [],
       f"item 15: {fmt}: no pclntab finding with nine decoys before the table")

# --- glue
esb = esbuild_wasm()
esb_glue = npm_file("esbuild-wasm@0.28.2", "wasm_exec.js")
go119_glue = "/usr/lib/go-1.19/misc/wasm/wasm_exec.js"
r, j = check(esb, "--glue", esb_glue)
eq([f for f in j["findings"] if f["rule"] == "glue-mismatch"], [], "esbuild with its own wasm_exec.js: no mismatch")
r, j = check(esb, "--glue", go119_glue)
gm = [f["message"] for f in j["findings"] if f["rule"] == "glue-mismatch"]
ok(len(gm) == 1 and 'module="gojs": module is not an object or function' in gm[0],
   "esbuild with Go 1.19's glue: the module mismatch, with the browser's error", gm)
eq(r.returncode, 1, "glue mismatch fails the check")
r, j = check(go_fixture("hello"), "--glue", go119_glue)
eq([f for f in j["findings"] if f["rule"].startswith("glue")], [], "hello with Go 1.19's glue: no glue finding")
broken = os.path.join(tmp, "wasm_exec.js")
with open(go119_glue) as f:
    text = f.read()
with open(broken, "w") as f:
    f.write(text.replace('"runtime.walltime":', '"runtime.walltime_gone":'))
r, j = check(go_fixture("hello"), "--glue", broken)
gm = [f["message"] for f in j["findings"] if f["rule"] == "glue-mismatch"]
ok(len(gm) == 1 and "runtime.walltime" in gm[0] and "function import requires a callable" in gm[0],
   "a glue without runtime.walltime: named, with the browser's error", gm)
r, j = check(go_fixture("hello"))
gv = [f["message"] for f in j["findings"] if f["rule"] == "glue-version"]
ok(gv and "go1.19.8" in gv[0] and "misc/wasm" in gv[0], "without --glue: the glue version it needs", gv)
r, j = check(esb)
gv = [f["message"] for f in j["findings"] if f["rule"] == "glue-version"]
ok(gv and "go1.26.5" in gv[0] and "lib/wasm" in gv[0] and '"gojs"' in gv[0], "esbuild needs Go 1.26.5's lib/wasm glue", gv)
notglue = os.path.join(tmp, "notglue.js")
with open(notglue, "w") as f:
    f.write("console.log('hello')\n")
r = run([CHECK, "--glue", notglue, go_fixture("hello")])
eq(r.returncode, 2, "a glue that is not wasm_exec.js: exit 2")
ok("notglue.js" in r.stderr.decode() and r.stderr.decode().count("\n") == 1, "and one line naming it", r.stderr)

# --- item 13: the glue's object keys are read as JavaScript reads them.
def glue_variant(label, text):
    path = os.path.join(tmp, label.replace(" ", "-") + ".wasm_exec.js")
    with open(path, "w") as f:
        f.write(text)
    return path


def glue_findings(module, glue):
    r, j = check(module, "--glue", glue)
    return r, [f["message"] for f in (j or {}).get("findings", []) if f["rule"] == "glue-mismatch"]


hello = go_fixture("hello")   # Go 1.19: imports go.debug among 25 imports
DEBUG = '"debug": (value) => {'
ok(DEBUG in text, "item 13: Go 1.19's glue defines debug with a quoted key (test sanity)")
variants = [
    ("identifier key", text.replace(DEBUG, "debug: (value) => {")),
    ("method", text.replace(DEBUG, "debug(value) {")),
    ("function expression", text.replace(DEBUG, "debug: function (value) {")),
    ("computed single-quoted keys", re.sub(r'"((?:runtime|syscall/js)\.\w+)": \(sp\) =>', r"['\1']: (sp) =>", text)),
    ("escaped key", text.replace('"runtime.walltime":', '"runtime\\x2ewalltime":')),
    ("async method", text.replace(DEBUG, "async debug(value) {")),
]
variants.append(("all at once", re.sub(r'"((?:runtime|syscall/js)\.\w+)": \(sp\) =>', r"'\1'(sp)",
                                       text.replace(DEBUG, "debug: function (value) {"))))
for label, v in variants:
    ok(v != text, f"item 13: {label}: the variant differs from the original (test sanity)")
    r, gm = glue_findings(hello, glue_variant(label, v))
    eq(gm, [], f"item 13: {label}: every import found, no glue-mismatch")
    eq(r.returncode, 0, f"item 13: {label}: check passes")
# esbuild's minifier turns "debug": into debug: (a real reformatting).
minify = os.path.join(tmp, "minify.cjs")
with open(minify, "w") as f:
    f.write("const e = require(process.argv[2]);\n"
            "e.transform(require('fs').readFileSync(process.argv[3], 'utf8'), { minify: true })"
            ".then((r) => { process.stdout.write(r.code); if (e.stop) e.stop(); }, (x) => { console.error(x); process.exit(1); });\n")
r = run(["node", minify, npm_file("esbuild-wasm@0.28.2", "lib/main.js"), go119_glue], timeout=120)
mini = r.stdout.decode()
if ok(r.returncode == 0 and "debug:" in mini and '"debug":' not in mini,
      "item 13: esbuild minifies Go 1.19's glue into an identifier key debug: (test sanity)", r.stderr.decode()[-400:]):
    r, gm = glue_findings(hello, glue_variant("minified", mini))
    eq(gm, [], "item 13: the minified Go 1.19 glue provides every import")
# gowasm-pack refused such a glue (its glue check is this one); gowasm-verify accepts the bundle.
PACK, VERIFY = os.environ.get("GOWASM_PACK", ""), os.environ.get("GOWASM_VERIFY", "")
zp = os.path.join(tmp, "hello-debug-ident.zip")
r = run([PACK, hello, "--glue", glue_variant("pack identifier key", variants[0][1]), "--pkg-version", "1.0.0", "-o", zp],
        env={**os.environ, "SOURCE_DATE_EPOCH": "0"})
eq(r.returncode, 0, "item 13: gowasm-pack packs a glue with debug: (value) => {", r.stderr.decode())
if r.returncode == 0:
    r = run([VERIFY, zp])
    eq(r.returncode, 0, "item 13: and gowasm-verify finds the bundle valid", r.stdout.decode() + r.stderr.decode())
# Keys in comments, strings and templates provide nothing.
gone = text.replace('"runtime.walltime":', '"runtime.walltime_gone":')
for label, extra in (("line comment", '// "runtime.walltime": (sp) => {},\n'),
                     ("block comment", '/* { "runtime.walltime": (sp) => {}, } */\n'),
                     ("string", 'const s = "{ \\"runtime.walltime\\": 1 }";\n'),
                     ("template", 'const t = `{ "runtime.walltime": ${ { "x": 1 }.x } }`;\n')):
    v = gone.replace('"use strict";', '"use strict";\n' + extra, 1)
    r, gm = glue_findings(hello, glue_variant("gone " + label, v))
    ok(len(gm) == 1 and "import runtime.walltime" in gm[0],
       f"item 13: runtime.walltime only in a {label}: reported missing", gm)
# The real glue of each pinned esbuild release provides its module's imports.
for spec in ("esbuild-wasm@0.4.11", "esbuild-wasm@0.6.31", "esbuild-wasm@0.11.23", "esbuild-wasm@0.19.12",
             "esbuild-wasm@0.27.2"):
    r, gm = glue_findings(npm_file(spec, "esbuild.wasm"), npm_file(spec, "wasm_exec.js"))
    eq(gm, [], f"item 13: {spec} with its own wasm_exec.js: no glue-mismatch")

# --- item 14: a batched module needs the gowasm-batch companion with its glue.
BATCH = os.environ.get("GOWASM_BATCH", "")
batched_bridge = os.path.join(tmp, "bridge.batched.wasm")
r = run([BATCH, "--quiet", go_fixture("bridge"), "-o", batched_bridge])
if ok(r.returncode == 0, "item 14: gowasm-batch rewrites the bridge fixture (test sanity)", r.stderr.decode()):
    r, j = check(batched_bridge, "--glue", go119_glue)
    bc = [f["message"] for f in j["findings"] if f["rule"] == "batch-companion"]
    ok(len(bc) == 1 and 'module="gowasm": module is not an object or function' in bc[0] and "companion" in bc[0],
       "item 14: a batched module checked with a glue alone: batch-companion says it needs the companion", j["findings"])
    eq(r.returncode, 1, "item 14: and the check fails")
    eq([f["rule"] for f in j["findings"] if f["rule"] == "glue-mismatch"], [],
       "item 14: the glue itself provides every go import (no glue-mismatch)")
    r, j = check(batched_bridge, "--glue", go119_glue, "--companion")
    eq([f["rule"] for f in j["findings"] if f["rule"] in ("batch-companion", "glue-mismatch")], [],
       "item 14: with --companion (the glue runs with enableBatching): no finding")
    r, j = check(go_fixture("bridge"), "--glue", go119_glue)
    eq([f["rule"] for f in j["findings"] if f["rule"] == "batch-companion"], [],
       "item 14: the unbatched module needs no companion")
    r, j = check(batched_bridge)
    eq([f["rule"] for f in j["findings"] if f["rule"] == "batch-companion"], [],
       "item 14: without --glue nothing is said about the glue's companion")

# --- esbuild: every finding, each judged in the notes of the change that added this test.
r, j = check(esb, "--glue", esb_glue, "--target", "node")
eq(sorted(f["rule"] for f in j["findings"]), ["build-id", "host-capabilities"],
   "esbuild for node: only notes (no build id; host capabilities)")
eq(r.returncode, 0, "esbuild passes the gate")
caps = [f["message"] for f in j["findings"] if f["rule"] == "host-capabilities"][0]
ok("file system" in caps and "process" in caps and "fetch" not in caps,
   "esbuild reaches the file system and the process object (os.Getwd), not fetch", caps)
r, j = check(esb, "--glue", esb_glue, "--target", "browser")
bfs = [f for f in j["findings"] if f["rule"] == "browser-fs"]
ok(bfs and all(f["file"].startswith("github.com/evanw/esbuild/") and f["function"].startswith(("github.com/evanw/esbuild/", "main."))
               and f["severity"] == "warning" for f in bfs),
   f"esbuild for browsers: {len(bfs)} browser-fs warnings, all in esbuild's own code", [(f["file"], f["line"]) for f in bfs][:5])
ok(any(f["function"].startswith("github.com/evanw/esbuild/internal/fs.") for f in bfs),
   "esbuild for browsers: its internal/fs package reaches the file system")
eq(r.returncode, 0, "warnings do not fail the default gate")

# --- SARIF (the reference validator runs in test_check_sarif.py).
for name, path, extra in (("leak", go_fixture("leak-stripped"), ["--target", "browser"]), ("esbuild", esb, []),
                          ("corrupt", p, [])):
    out = os.path.join(tmp, name + ".sarif")
    r = run([CHECK, "--format", "sarif", "-o", out, *extra, path])
    ok(r.returncode in (0, 1) and os.path.exists(out), f"sarif {name}: written")
    s = json.load(open(out))
    eq(s["version"], "2.1.0", f"sarif {name}: version 2.1.0")
    rules = s["runs"][0]["tool"]["driver"]["rules"]
    ok(all(r["id"] and r["shortDescription"]["text"] and r["help"]["text"] for r in rules), f"sarif {name}: rule metadata")
    res = s["runs"][0]["results"]
    ok(all(x["partialFingerprints"]["gowasmFindingKey/v1"] and rules[x["ruleIndex"]]["id"] == x["ruleId"] for x in res),
       f"sarif {name}: results have fingerprints and consistent rule indices")

# --- baselines, --allow, --fail-on
base = os.path.join(tmp, "leak.baseline")
r = run([CHECK, "--write-baseline", base, go_fixture("leak")])
eq(r.returncode, 0, "--write-baseline exits 0")
lines = open(base).read().splitlines()
eq(lines[0], "# gowasm-check baseline 1", "baseline header")
keys = [l for l in lines if not l.startswith("#")]
ok(keys and all(len(k.split("\t")) == 3 for k in keys), "baseline keys are rule, function, file", keys)
ok(not any(re.search(r":\d+", k) for k in keys), "baseline keys carry no line numbers")
ok("js-func-leak\tmain.addButtons\tmain.go" in keys, "the loop leak is keyed by rule, function, file", keys)
r, j = check(go_fixture("leak-stripped"), "--baseline", base)
eq((r.returncode, j["summary"]["suppressed"] > 0, [f for f in j["findings"] if f["severity"] != "note"]),
   (0, True, []), "a baseline applies to the stripped build too (keys survive): exit 0")
r, j = check(go_fixture("leak"), "--allow", "js-func-leak")
eq((r.returncode, found(j, "js-func-leak")), (0, []), "--allow js-func-leak: not reported, exit 0")
r, j = check(go_fixture("leak-fixed"), "--fail-on", "note")
eq(r.returncode, 1, "--fail-on note: notes fail the check")
r, j = check(go_fixture("leak"), "--fail-on", "none")
eq(r.returncode, 0, "--fail-on none: never fails")
r, j = check(go_fixture("leak"), "--allow", "js-func-leak", "--fail-on", "warning")
eq(r.returncode, 1, "--fail-on warning: hot-bridge-call warnings fail it")
badbase = os.path.join(tmp, "bad.baseline")
with open(badbase, "w") as f:
    f.write("not a baseline\n")
r = run([CHECK, "--baseline", badbase, go_fixture("leak")])
eq(r.returncode, 2, "a malformed baseline: exit 2")
for args, what in ((["--format", "xml"], "--format"), (["--target", "deno"], "--target"), (["--allow", "no-such"], "no rule"),
                   (["--fail-on", "fatal"], "--fail-on"), ([], "no input")):
    r = run([CHECK, *args] + ([go_fixture("leak")] if args else []))
    ok(r.returncode == 2 and what in r.stderr.decode(), f"usage error {what}: exit 2", r.stderr)
r = run([CHECK, os.path.join(tmp, "missing.wasm")])
eq(r.returncode, 2, "missing module: exit 2")
with open(os.path.join(tmp, "text.wasm"), "w") as f:
    f.write("text")
r = run([CHECK, os.path.join(tmp, "text.wasm")])
eq(r.returncode, 2, "not wasm: exit 2")
r = run([CHECK, "--list-rules"])
ok(r.returncode == 0 and "js-func-leak" in r.stdout.decode() and "hot-bridge-call" in r.stdout.decode(), "--list-rules")
r = run([CHECK, "--help"])
ok(r.returncode == 0 and r.stdout.decode().startswith("Usage: gowasm-check"), "--help")
# SARIF: distinct results never share a fingerprint.
out = os.path.join(tmp, "fp.sarif")
run([CHECK, "--format", "sarif", "-o", out, "--target", "browser", go_fixture("leak")])
fps = [x["partialFingerprints"]["gowasmFindingKey/v1"] for x in json.load(open(out))["runs"][0]["results"]]
eq(len(fps), len(set(fps)), "sarif: every result has its own fingerprint")
# -o is written even when there is nothing to report: no stale report.
stale = os.path.join(tmp, "report.txt")
with open(stale, "w") as f:
    f.write("old\n")
r = run([CHECK, "-o", stale, "--allow", "glue-version", "--allow", "host-capabilities", go_fixture("leak-fixed")])
eq((r.returncode, open(stale).read()), (0, ""), "-o with no findings leaves an empty report, not the old one")
# A baseline's header must be exactly the version-1 line.
b10 = os.path.join(tmp, "b10.baseline")
with open(b10, "w") as f:
    f.write("# gowasm-check baseline 10\n")
r = run([CHECK, "--baseline", b10, go_fixture("leak")])
eq(r.returncode, 2, "a baseline of another version is refused")
shutil.rmtree(tmp, ignore_errors=True)
