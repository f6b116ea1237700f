# SPDX-License-Identifier: MIT
"""gowasm-inspect on a real published module: esbuild.wasm from npm
esbuild-wasm@0.28.2 (Go 1.26.5, module gojs, stripped)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, esbuild_wasm, inspect_json, run, INSPECT  # noqa: E402

path = esbuild_wasm()
j, r = inspect_json(path)
if not ok(j is not None, "inspect --json exits 0 on esbuild.wasm", r.stderr):
    raise SystemExit(1)
eq(j["producer"], "gc", "producer gc")
eq(j["target"], "js/wasm", "target js/wasm")
eq(j["go_version"], "go1.26.5", "Go version go1.26.5")
eq(j["abi"], "gojs", "ABI gojs (Go 1.21+)")
eq(j["counts"]["imports"], 22, "22 imports")
eq(len(j["imports"]), 22, "22 import entries listed")
eq([e["name"] for e in j["exports"]], ["run", "resume", "getsp", "mem"], "exports run/resume/getsp/mem")
eq(j["name_section"]["present"], False, "no name section (stripped release build)")
eq(j["build_info"]["main"]["path"], "github.com/evanw/esbuild", "main module github.com/evanw/esbuild")
eq(j["build_info"]["path"], "github.com/evanw/esbuild/cmd/esbuild", "main package")
eq(j["build_id"], None, "no build id section")
eq(j["counts"]["defined_functions"], 5307, "5307 defined functions")
eq(j["counts"]["data_segments"], 98450, "98450 data segments")
names = [i["name"] for i in j["imports"]]
eq(names.count("runtime.getRandomData"), 2, "runtime.getRandomData imported twice (legal)")
ok(all(i["module"] == "gojs" for i in j["imports"]), "every import from gojs")
ok(all(i["role"] in ("runtime", "bridge") for i in j["imports"]), "every import has a known role")
# Both copies of getRandomData get a wrapper; every import is called.
ok(all(i["wrapper"] is not None for i in j["imports"]), "every import has a wrapper",
   [i["name"] for i in j["imports"] if i["wrapper"] is None])
ok(all(i["call_sites"] >= 1 for i in j["imports"]), "every import has a call site")
ok(j["bridge_calls"]["total"] >= 22, "call sites counted", j["bridge_calls"])
eq(j["memory"]["initial"], 95, "95 initial memory pages")

r = run([INSPECT, path])
eq(r.returncode, 0, "text report exits 0")
out = r.stdout.decode()
ok("go version:    go1.26.5" in out and "abi:           gojs" in out, "text report: version and ABI")
ok("name section:  absent (stripped)" in out, "text report: stripped")
