"""The Go symbol table (runtime.pclntab): names for every function in
stripped modules, call sites at file:line with inlined frames, code size
by package, and the integrity checks, on Go 1.19 fixtures and on real
published modules of every pclntab format."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, npm_file, esbuild_wasm, run, INSPECT, SOURCE_ROOT, OLD_ESBUILDS  # noqa: E402


def inspect(path, *args):
    r = run([INSPECT, "--json", *args, path])
    if r.returncode != 0:
        return None, r.stderr.decode(errors="replace")
    return json.loads(r.stdout), ""


def marks(fixture):
    """MARK:name comments in a fixture's main.go -> line numbers."""
    out = {}
    with open(os.path.join(SOURCE_ROOT, "tests", "go", fixture, "main.go")) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"MARK:([\w-]+)", line)
            if m:
                out[m.group(1)] = n
    return out


def sanitize(name):
    # Go's wasm linker: every rune matching [^\w.] (ASCII \w) becomes '_'.
    return re.sub(r"[^0-9A-Za-z_.]", "_", name)


# --- Go 1.19 fixtures: pclntab against the name section, stripped against unstripped.
funcs = {}
for name in ("hello", "hello-stripped", "callbacks", "callbacks-stripped", "bridge", "deps"):
    j, err = inspect(go_fixture(name), "--functions")
    if not ok(j, f"{name}: inspect --functions", err):
        continue
    funcs[name] = j["functions"]
    eq(j["symbols"]["source"], "pclntab", f"{name}: names come from the pclntab")
    eq(j["symbols"]["pclntab"]["format"], "1.18-1.19", f"{name}: Go 1.18-1.19 table format")
    eq(j["symbols"]["pclntab"]["functions"], j["counts"]["defined_functions"], f"{name}: one entry per defined function")
    eq(j["symbols"]["named"], j["counts"]["defined_functions"], f"{name}: every defined function named")
    ok(all(f["file"] and f["line"] and f["line"] > 0 for f in j["functions"][1:]),
       f"{name}: every function but go.buildid has a file:line",
       [f for f in j["functions"][1:] if not (f["file"] and f["line"])][:3])
    eq(j["functions"][0]["name"], "go.buildid", f"{name}: function 0 is the go.buildid stub")
    eq(j["integrity"]["ok"], True, f"{name}: integrity ok", j["integrity"]["problems"])
    eq(j["integrity"]["functions_checked"], j["counts"]["defined_functions"], f"{name}: every record checked")
    if not name.endswith("stripped"):
        n = j["counts"]["defined_functions"]
        eq((j["integrity"]["names_compared"], j["integrity"]["names_matched"]), (n, n),
           f"{name}: pclntab names equal the name section for 100% of functions")
        bad = [f for f in j["functions"] if sanitize(f["name"]) != f["name_section"] and "[...]" not in f["name"]]
        eq(bad, [], f"{name}: independent check: sanitize(pclntab name) == name-section name")
    sizes = sum(p["code_bytes"] for p in j["code_size"]["packages"]) + j["code_size"]["section_header"]
    eq(sizes, j["code_size"]["section"], f"{name}: package breakdown adds up to the code section")

for base in ("hello", "callbacks"):
    a, b = funcs.get(base), funcs.get(base + "-stripped")
    if a and b:
        key = lambda f: (f["index"], f["name"], f["file"], f["line"], f["size"], f["package"])  # noqa: E731
        eq([key(f) for f in b], [key(f) for f in a], f"{base}: stripped and unstripped give identical function lists")
        eq({f["name_section"] for f in b}, {None}, f"{base}-stripped: no name section names")


def calls(path, target):
    j, err = inspect(path, "--calls", target)
    if not ok(j, f"{os.path.basename(path)}: --calls {target}", err):
        return []
    eq(j["calls"]["target"], target, f"--calls {target}: target echoed")
    return j["calls"]["sites"]


def where(site):
    return (os.path.basename(site["file"] or ""), site["line"], site["function"])


# --- Call sites at the lines the fixtures mark, stripped builds included.
hm = marks("hello")
cm = marks("callbacks")
for name in ("hello", "hello-stripped"):
    sites = calls(go_fixture(name), "syscall/js.FuncOf")
    user = [where(s) for s in sites if s["file"] and s["file"].endswith("/tests/go/hello/main.go")]
    eq(user, [("main.go", hm["funcof"], "main.main")], f"{name}: js.FuncOf at main.go:{hm['funcof']} in main.main")
    ok(all(s["return_pc"] and s["return_pc"] >> 16 == 0x1000 + s["caller_index"] - 21 for s in sites),
       f"{name}: return PCs name their callers")

for name in ("callbacks", "callbacks-stripped"):
    sites = calls(go_fixture(name), "syscall/js.FuncOf")
    user = sorted((where(s), [(os.path.basename(f["file"]), f["line"], f["function"]) for f in s["inlined_into"]])
                  for s in sites if s["file"] and "/tests/go/callbacks/" in s["file"])
    want = sorted([
        (("main.go", cm["direct-funcof"], "main.main"), []),
        (("main.go", cm["loop-funcof"], "main.handlers"), []),
        (("main.go", cm["wrap-funcof"], "main.wrap"), [("main.go", cm["wrap-call"], "main.main")]),
    ])
    eq(user, want, f"{name}: js.FuncOf direct, in a loop, and through the inlined helper wrap")
    eq(sorted((s["line"], s["in_loop"]) for s in sites if s["file"] and "/tests/go/callbacks/" in s["file"]),
       sorted([(cm["direct-funcof"], False), (cm["loop-funcof"], True), (cm["wrap-funcof"], False)]),
       f"{name}: only the FuncOf in handlers' for loop is in a loop")
    inl = calls(go_fixture(name), "main.wrap")
    eq([(where(s), s["inlined_target"]) for s in inl], [(("main.go", cm["wrap-call"], "main.main"), True)],
       f"{name}: --calls main.wrap finds the inlined copy at main.go:{cm['wrap-call']}")
    # A host import: the calls to its wrapper, placed in syscall/js.
    sets = calls(go_fixture(name), "syscall/js.valueSet")
    ok(sets and all(s["file"].endswith("syscall/js/js.go") and s["function"] == "syscall/js.Value.Set" for s in sets),
       f"{name}: --calls syscall/js.valueSet: the wrapper's callers in syscall/js", [where(s) for s in sets])

# Source loops, from the cycles of Go's dispatch jumps (tests/go/loops).
loop_marks = {}
with open(os.path.join(SOURCE_ROOT, "tests", "go", "loops", "main.go")) as f:
    for n, line in enumerate(f, 1):
        m = re.search(r"MARK:(loop|noloop)\b", line)
        if m:
            loop_marks[n] = m.group(1) == "loop"
for name in ("loops", "loops-stripped"):
    sets = calls(go_fixture(name), "syscall/js.Value.Set")
    got = {s["line"]: s["in_loop"] for s in sets if s["file"] and "/tests/go/loops/" in s["file"]}
    eq(got, loop_marks, f"{name}: in_loop is true exactly for the calls inside for loops")

r = run([INSPECT, "--calls", "syscall/js.FuncOf", go_fixture("callbacks-stripped")])
out = r.stdout.decode()
ok(re.search(rf"main\.go:{cm['wrap-funcof']}: main\.wrap calls syscall/js\.FuncOf \(inlined into main\.main at \S+main\.go:{cm['wrap-call']}\)\n", out),
   "text --calls: the inlined site names the function it was inlined into", out[-600:])
ok(re.search(rf"main\.go:{cm['loop-funcof']}: main\.handlers calls syscall/js\.FuncOf in a loop\n", out),
   "text --calls: a site in a loop says so", out[-600:])
r = run([INSPECT, "--calls", "no.such.function", go_fixture("hello")])
ok(r.returncode == 0 and "call sites of no.such.function: 0" in r.stdout.decode(), "--calls of an unknown name: none")

# --- esbuild.wasm (stripped, Go 1.26.5)
j, err = inspect(esbuild_wasm(), "--functions")
if ok(j, "esbuild: inspect --functions", err):
    fs = j["functions"]
    unnamed = [f["index"] for f in fs if not f["name"]]
    eq(unnamed, [], "esbuild: every defined function named (documented exceptions: none)")
    names = {f["name"] for f in fs}
    for want in ("main.main", "syscall/js.FuncOf", "syscall/js.Value.Call", "github.com/evanw/esbuild/pkg/api.transformImpl"):
        ok(want in names, f"esbuild: {want} is named")
    # api.Transform is a one-line wrapper the compiler inlined everywhere: no
    # out-of-line copy exists, but the inline tree names it at its callers.
    ok("github.com/evanw/esbuild/pkg/api.Transform" not in names, "esbuild: api.Transform has no out-of-line copy")
    sites = calls(esbuild_wasm(), "github.com/evanw/esbuild/pkg/api.Transform")
    ok(("service.go", "main.(*serviceType).handleTransformRequest") in
       {(os.path.basename(s["file"]), s["function"]) for s in sites if s["inlined_target"]},
       "esbuild: api.Transform found inlined into the service's transform handler", [where(s) for s in sites])
    # Compiler-generated functions (wrappers, type equality) have the file
    # name "<autogenerated>"; every other file is Go or assembly.
    badfiles = [f for f in fs if not (f["file"] or "").endswith((".go", ".s")) and f["file"] != "<autogenerated>"]
    eq(badfiles[:3], [], "esbuild: every file name ends in .go or .s, or is <autogenerated>")
    auto = sum(1 for f in fs if f["file"] == "<autogenerated>")
    ok(0 < auto < len(fs) // 5, f"esbuild: {auto} compiler-generated functions")
    total = sum(p["code_bytes"] for p in j["code_size"]["packages"]) + j["code_size"]["section_header"]
    eq(total, j["code_size"]["section"], "esbuild: package breakdown adds up to the code section size")
    sec = [s for s in j["sections"] if s["kind"] == "code"][0]
    eq(j["code_size"]["section"], sec["size"], "esbuild: code section size as read")
    top = j["code_size"]["packages"][0]
    eq(top["name"], "github.com/evanw/esbuild/internal/js_parser", "esbuild: the largest package is js_parser")
    eq(j["symbols"]["pclntab"]["entry_form"], "index", "esbuild: Go 1.26 tables hold function indices")
    eq(j["integrity"]["ok"], True, "esbuild: integrity ok", j["integrity"]["problems"])
    eq([p["check"] for p in j["integrity"]["problems"]], ["build-id"], "esbuild: only the build-id note")

# --- One real module per pclntab format.
for spec, version, fmt in OLD_ESBUILDS:
    j, err = inspect(npm_file(spec, "esbuild.wasm"), "--functions")
    if not ok(j, f"{spec}: inspect", err):
        continue
    eq(j["go_version"], version, f"{spec}: {version}")
    eq(j["symbols"]["pclntab"]["format"], fmt, f"{spec}: pclntab format {fmt}")
    eq(j["symbols"]["named"], j["counts"]["defined_functions"], f"{spec}: every function named")
    eq(j["integrity"]["errors"], 0, f"{spec}: no integrity errors", j["integrity"]["problems"])
    ok(all((f["file"] or "").endswith((".go", ".s")) or f["file"] == "<autogenerated>"
           for f in j["functions"] if f["name"] not in ("go.buildid", "go:buildid")),
       f"{spec}: every file name ends in .go or .s, or is <autogenerated>")
    ok("main.main" in {f["name"] for f in j["functions"]}, f"{spec}: main.main named")
    total = sum(p["code_bytes"] for p in j["code_size"]["packages"]) + j["code_size"]["section_header"]
    eq(total, j["code_size"]["section"], f"{spec}: package breakdown adds up")
