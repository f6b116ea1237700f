# SPDX-License-Identifier: MIT
"""The Go symbol table (runtime.pclntab): names for every function in
stripped modules, call sites at file:line with inlined frames, code size
by package, and the integrity checks, on Go 1.19 fixtures and on real
published modules of every pclntab format."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, npm_file, esbuild_wasm, run, INSPECT, SOURCE_ROOT, OLD_ESBUILDS, ORACLE_GOSYM  # noqa: E402
import wasmcalls  # noqa: E402


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
# item 12: a name the module does not have is a usage error, not "0 call sites".
for args in ([], ["--json"]):
    r = run([INSPECT, *args, "--calls", "no.such.function", go_fixture("hello")])
    err = r.stderr.decode()
    ok(r.returncode == 2 and r.stdout == b"" and err.count("\n") == 1 and
       "--calls no.such.function: no Go function, inlined function or host import of that name" in err,
       f"item 12: --calls of a name the module does not have exits 2 with one line {args}", (r.returncode, err))
# Names that exist but are never called still answer (0 sites, exit 0):
# a defined function, a host import, a function only inlined.
for name, path in (("main.main", go_fixture("hello")), ("runtime.wasmExit", go_fixture("hello")),
                   ("syscall/js.valueGet", go_fixture("hello-stripped"))):
    r = run([INSPECT, "--calls", name, path])
    ok(r.returncode == 0 and f"call sites of {name}: " in r.stdout.decode(),
       f"item 12: --calls {name} (in the module) exits 0", r.stderr.decode())

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

# --- item 12: Go 1.14 and 1.15 (the Go 1.2-1.15 table format), against Go's
# own debug/gosym (tests/go/oracle-gosym, built for this machine) and an
# independent reader of the code (wasmcalls.py) for the call sites.
ORACLE = ORACLE_GOSYM
FUNCOF_SITES = {"esbuild-wasm@0.4.11": 7, "esbuild-wasm@0.6.31": 1}
for spec, version, fmt in OLD_ESBUILDS[:2]:
    path = npm_file(spec, "esbuild.wasm")
    j, err = inspect(path, "--functions")
    if not ok(j, f"item 12: {spec}: inspect", err):
        continue
    fs = j["functions"]
    eq(j["symbols"]["source"], "pclntab", f"item 12: {spec}: names come from the Go 1.2-1.15 pclntab")
    eq(j["integrity"]["ok"], True, f"item 12: {spec}: integrity checks pass", j["integrity"]["problems"])
    n = j["counts"]["defined_functions"]
    eq((j["integrity"]["names_compared"], j["integrity"]["names_matched"]), (n, n),
       f"item 12: {spec}: pclntab names equal the name section for every function")
    bad = [f for f in fs if sanitize(f["name"]) != f["name_section"]]
    eq(bad[:3], [], f"item 12: {spec}: sanitize(pclntab name) == name-section name (demangled names)")
    # Package sizes: from the Go names (last slash, then the first dot), never
    # from the name section's mangled "github.com_evanw_..." names.
    def package(name):
        if name.startswith(("go.", "go:")):
            return "go:"
        if name.startswith(("type.", "type:")):
            return "type:"
        head = name.split("[")[0]
        slash = head.rfind("/")
        dot = head.find(".", slash + 1)
        return head[:dot] if dot >= 0 else head
    eq([f["package"] for f in fs], [package(f["name"]) for f in fs], f"item 12: {spec}: every function's package")
    pk = {p["name"]: p for p in j["code_size"]["packages"]}
    ok("github.com/evanw/esbuild/internal/parser" in pk and pk["github.com/evanw/esbuild/internal/parser"]["code_bytes"] > 500000,
       f"item 12: {spec}: the parser package is one entry of its real size", list(pk)[:5])
    ok(not any(p.startswith("github.com_") or p == "github" for p in pk),
       f"item 12: {spec}: no package split at the first dot of a mangled name", list(pk)[:8])
    # debug/gosym reads the same table: every name, file and entry line.
    r = run([ORACLE, path], input=b"")
    if not ok(r.returncode == 0, f"item 12: {spec}: debug/gosym reads the table", r.stderr.decode()):
        continue
    o = json.loads(r.stdout)
    eq(j["symbols"]["pclntab"]["address"], o["address"], f"item 12: {spec}: the table debug/gosym reads")
    eq([(f["name"], f["file"] or "", f["line"] if f["file"] else None) for f in fs],
       [(g["name"], g["file"], g["line"] if g["file"] else None) for g in o["funcs"]],
       f"item 12: {spec}: every function's name, file and entry line equal debug/gosym's")
    eq([(0x1000 + f["index"] - (fs[0]["index"])) << 16 for f in fs], [g["entry"] for g in o["funcs"]],
       f"item 12: {spec}: entry PCs equal debug/gosym's")
    # --calls syscall/js.FuncOf: the calls the code makes, placed by debug/gosym.
    oracle_sites = wasmcalls.call_sites(path, "syscall_js.FuncOf")
    ok(all(pc for _, pc in oracle_sites), f"item 12: {spec}: every FuncOf call pushes a return PC (oracle sanity)")
    r = run([ORACLE, path], input="".join(f"{pc - 1}\n" for _, pc in oracle_sites).encode())
    want = sorted((p["file"], p["line"], p["func"]) for p in json.loads(r.stdout)["pcs"])
    sites = calls(path, "syscall/js.FuncOf")
    got = sorted((s["file"], s["line"], (s["inlined_into"][-1]["function"] if s["inlined_into"] else s["function"]))
                 for s in sites)
    eq(len(got), FUNCOF_SITES[spec], f"item 12: {spec}: --calls syscall/js.FuncOf finds {FUNCOF_SITES[spec]} call sites")
    eq(got, want, f"item 12: {spec}: the FuncOf call sites at the file:line and in the function debug/gosym gives")
    eq(sorted(s["caller_index"] for s in sites), sorted(c for c, _ in oracle_sites),
       f"item 12: {spec}: the FuncOf callers are the functions whose code calls it")

# The same oracle on the formats Go 1.19's debug/gosym also reads (1.16-1.17
# and 1.18-1.19): one decoder for every format, agreeing with Go's.
for label, path in [(spec, npm_file(spec, "esbuild.wasm")) for spec, _, fmt in OLD_ESBUILDS
                    if fmt in ("1.16-1.17", "1.18-1.19")] + [("hello-stripped", go_fixture("hello-stripped"))]:
    j, err = inspect(path, "--functions")
    r = run([ORACLE, path], input=b"")
    if not ok(j and r.returncode == 0, f"{label}: inspect and debug/gosym read the table", err + r.stderr.decode()):
        continue
    o = json.loads(r.stdout)
    eq([(f["name"], f["file"] or "", f["line"] if f["file"] else None) for f in j["functions"]],
       [(g["name"], g["file"], g["line"] if g["file"] else None) for g in o["funcs"]],
       f"{label}: every function's name, file and entry line equal debug/gosym's")

# item 12: without a usable symbol table (its magic wiped) the names come
# from the name section, where the linker wrote "syscall_js.FuncOf":
# --calls syscall/js.FuncOf still finds the calls, by function.
import tempfile  # noqa: E402
src = npm_file("esbuild-wasm@0.4.11", "esbuild.wasm")
with open(src, "rb") as f:
    data = f.read()
wiped = data.replace(b"\xfb\xff\xff\xff\x00\x00\x01\x08", b"\x00\x00\x00\x00\x00\x00\x01\x08")
path = os.path.join(tempfile.mkdtemp(prefix="gowasm-symbols-"), "esbuild-0.4.11-no-pclntab.wasm")
with open(path, "wb") as f:
    f.write(wiped)
j, err = inspect(path, "--calls", "syscall/js.FuncOf")
if ok(j and wiped != data, "item 12: esbuild 0.4.11 with its pclntab magic wiped: inspect --calls", err):
    eq(j["symbols"]["source"], "name section", "item 12: wiped pclntab: names from the name section")
    eq(sorted(s["caller_index"] for s in j["calls"]["sites"]),
       sorted(c for c, _ in wasmcalls.call_sites(src, "syscall_js.FuncOf")),
       "item 12: wiped pclntab: --calls syscall/js.FuncOf matches the name section's syscall_js.FuncOf")
