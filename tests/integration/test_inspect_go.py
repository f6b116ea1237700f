# SPDX-License-Identifier: MIT
"""gowasm-inspect on Go 1.19 fixtures compiled at test time."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, go_fixture, inspect_json, run, INSPECT, GO_FIXTURES, SOURCE_ROOT  # noqa: E402

GO119_JS_IMPORTS = {
    # runtime imports every Go 1.19 js/wasm program has
    "debug", "runtime.resetMemoryDataView", "runtime.wasmExit", "runtime.wasmWrite",
    "runtime.nanotime1", "runtime.walltime", "runtime.scheduleTimeoutEvent",
    "runtime.clearTimeoutEvent", "runtime.getRandomData",
}

MODULES = {
    "hello": "example.com/fixtures/hello",
    "hello-stripped": "example.com/fixtures/hello",
    "bridge": "example.com/fixtures/bridge",
    "deps": "example.com/fixtures/deps",
    "callbacks": "example.com/fixtures/callbacks",
    "callbacks-stripped": "example.com/fixtures/callbacks",
    "loops": "example.com/fixtures/loops",
    "loops-stripped": "example.com/fixtures/loops",
    "leak": "example.com/fixtures/leak",
    "leak-stripped": "example.com/fixtures/leak",
    "leak-fixed": "example.com/fixtures/leakfixed",
    "leak-fixed-stripped": "example.com/fixtures/leakfixed",
}

reports = {}
for name in GO_FIXTURES:
    path = go_fixture(name)
    j, r = inspect_json(path)
    if not ok(j is not None, f"{name}: inspect --json exits 0", r.stderr.decode(errors="replace")):
        continue
    reports[name] = j
    eq(j["schema"], "gowasm-inspect/1", f"{name}: schema")
    eq(j["producer"], "gc", f"{name}: producer gc")
    eq(j["target"], "js/wasm", f"{name}: target js/wasm")
    eq(j["go_version"], "go1.19.8", f"{name}: Go version from the producers section")
    eq(j["go_version_source"], "producers", f"{name}: version source")
    eq(j["abi"], "go", f"{name}: import module 'go' (Go <= 1.20)")
    ok(j["build_id"] and j["build_id"].count("/") == 3, f"{name}: build id has four parts", j["build_id"])
    eq([e["name"] for e in j["exports"]], ["run", "resume", "getsp", "mem"], f"{name}: exports")
    fields = {i["name"] for i in j["imports"]}
    ok(GO119_JS_IMPORTS <= fields, f"{name}: runtime imports present", sorted(GO119_JS_IMPORTS - fields))
    ok(all(i["module"] == "go" and i["type"] == "(i32) -> ()" for i in j["imports"]),
       f"{name}: every import is go.* with type (i32) -> ()")
    ok(all(i["role"] != "unknown" for i in j["imports"]), f"{name}: every import has a known role",
       [i["name"] for i in j["imports"] if i["role"] == "unknown"])
    # Every host import but go.debug (never called) has a wrapper and a call site.
    for i in j["imports"]:
        if i["name"] == "debug":
            continue
        ok(i["wrapper"] is not None and i["call_sites"] >= 1,
           f"{name}: {i['name']} has a wrapper and call sites", i)
    bi = j["build_info"]
    ok(bi is not None, f"{name}: build info found in rodata")
    if bi:
        eq(bi["path"], MODULES[name], f"{name}: main package path")
        eq(bi["main"]["path"], MODULES[name], f"{name}: main module")
        eq(bi["main"]["version"], "(devel)", f"{name}: main module version")
        settings = {s["key"]: s["value"] for s in bi["settings"]}
        eq((settings.get("GOOS"), settings.get("GOARCH")), ("js", "wasm"), f"{name}: GOOS/GOARCH settings")
    eq(j["memory"]["maximum"], None, f"{name}: memory has no maximum")
    ok(j["counts"]["data_segments"] > 1000, f"{name}: zero runs split the data into many segments",
       j["counts"]["data_segments"])

# Stripped vs unstripped: same program, same shape; only the names go.
h, hs = reports.get("hello"), reports.get("hello-stripped")
if h and hs:
    eq(h["name_section"]["present"], True, "hello: name section present")
    eq(h["name_section"]["function_names"], h["counts"]["defined_functions"],
       "hello: every defined function is named")
    eq(hs["name_section"]["present"], False, "hello-stripped: name section absent")
    eq(hs["counts"]["defined_functions"], h["counts"]["defined_functions"],
       "stripping keeps the defined functions")
    eq([(i["name"], i["call_sites"]) for i in hs["imports"]], [(i["name"], i["call_sites"]) for i in h["imports"]],
       "stripping keeps imports and call-site counts")
    ok("-ldflags=-s" in {s["key"] + "=" + s["value"] for s in hs["build_info"]["settings"]},
       "hello-stripped: build settings record -ldflags=-s")
    eq([s["name"] for s in h["sections"] if s["kind"] == "custom"], ["go.buildid", "producers", "name"],
       "hello: custom sections")

# The bridge fixture imports every syscall/js function Go 1.19 has.
b = reports.get("bridge")
if b:
    bridge = {i["name"] for i in b["imports"] if i["role"] == "bridge"}
    want = {"syscall/js." + n for n in (
        "finalizeRef stringVal valueGet valueSet valueDelete valueIndex valueSetIndex valueCall "
        "valueInvoke valueNew valueLength valuePrepareString valueLoadString valueInstanceOf "
        "copyBytesToGo copyBytesToJS").split()}
    eq(bridge, want, "bridge: every syscall/js import of Go 1.19")
    ro = {i["name"] for i in b["imports"] if i["reads_only"]}
    ok({"syscall/js.finalizeRef", "syscall/js.valueSet", "syscall/js.valueSetIndex",
        "syscall/js.valueDelete"} <= ro, "bridge: the deferrable imports are marked reads_only")
    ok("syscall/js.valueGet" not in ro and "syscall/js.valueCall" not in ro,
       "bridge: imports that write results are not reads_only")

# Dependencies with a replacement, from runtime.modinfo.
d = reports.get("deps")
if d and d["build_info"]:
    eq(d["build_info"]["deps"], [{
        "path": "example.com/greet", "version": "v1.2.3", "sum": None,
        "replace": {"path": "./greet", "version": "(devel)", "sum": None}}],
       "deps: dependency and its replacement")

# The text report says the same things.
r = run([INSPECT, go_fixture("hello-stripped")])
eq(r.returncode, 0, "text report exits 0")
out = r.stdout.decode()
for needle in ("Go WebAssembly module (js/wasm)", "go version:    go1.19.8 (from producers)",
               "abi:           go", "main module:   example.com/fixtures/hello (devel)",
               "name section:  absent (stripped)", "run  func[", "syscall/js.valueSet"):
    ok(needle in out, f"text report contains {needle!r}", out[:2000])
eq(r.stderr, b"", "text report: nothing on stderr")

# The demo example builds the same way and reads as Go 1.19 too.
ex = os.path.join(SOURCE_ROOT, "examples", "hello", "main.go")
ok(os.path.exists(ex), "examples/hello exists")
