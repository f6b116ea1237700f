# SPDX-License-Identifier: MIT
"""Typed exports (item: the functions a Go program registers on globalThis).

tests/go/pack-exports registers gowasmAdd and gowasmGreet with
js.Global().Set(<constant>, js.FuncOf(...)), and sets other properties
that are not such registrations (a name built at run time, a property of
another object, a string and a js.Value on the global object).
tests/go/callbacks registers "direct", "viaHelper" (through an inlined
helper that calls js.FuncOf) and "h0".."h2" (names built at run time);
tests/go/pack-args registers nothing. gowasm-pack must list exactly the
constant-named functions in manifest.json's "globals" and declare them in
index.d.ts; tsc --strict (typescript@5.6.3) must accept a consumer that
calls them and reject one that uses a name not registered; in Node the
declared functions must be there once the program runs; gowasm-verify must
accept the bundle and reject one whose index.d.ts lost the declarations."""
import hashlib
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, env_path, go_fixture, run, npm_file  # noqa: E402

GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
TYPESCRIPT = "typescript@5.6.3"
CASES = (("pack-exports", ["gowasmAdd", "gowasmGreet"]), ("callbacks", ["direct", "viaHelper"]), ("pack-args", []))


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")


CONSUMER = """// tsc --noEmit --strict: the functions index.d.ts declares on globalThis.
import { run } from "@gowasm-test/pack-exports";
import type { GoGlobals } from "@gowasm-test/pack-exports";

export async function main(): Promise<string> {
  void run();
  const sum: number = gowasmAdd(2, 3);
  const viaThis = globalThis.gowasmGreet("x");
  const f: GoGlobals["gowasmAdd"] = gowasmAdd;
  return String(sum) + viaThis + String(f(1, 1));
}
"""

WRONG = """import "@gowasm-test/pack-exports";
// gowasmDynamic1 is registered under a name built at run time: not declared.
export const g: unknown = gowasmDynamic1(1);
"""

NODE = """import { load } from "@gowasm-test/pack-exports";
const { go, instance } = await load();
go.run(instance); // the program blocks in select {}: its functions stay
console.log(JSON.stringify({ add: gowasmAdd(2, 3), greet: gowasmGreet("gowasm"),
  dynamic: typeof globalThis.gowasmDynamic1, nested: typeof globalThis.gowasmNested,
  version: globalThis.gowasmVersion }));
process.exit(0);
"""


def main():
    tool, verify = env_path("GOWASM_PACK"), env_path("GOWASM_VERIFY")
    tsc = npm_file(TYPESCRIPT, "bin/tsc")
    tmp = tempfile.mkdtemp(prefix="gowasm-pack-exports-")
    try:
        folders = {}
        for fixture, want in CASES:
            d = os.path.join(tmp, "npm-" + fixture)
            # callbacks leaks a js.Func on purpose (a check error): packed anyway.
            r = run([tool, go_fixture(fixture), "--glue", GO_GLUE, "--name", "@gowasm-test/" + fixture, "--npm", d, "-q",
                     "--allow-findings"], timeout=120)
            if not eq(r.returncode, 0, f"typed exports: {fixture}: gowasm-pack --npm exits 0", text(r.stderr)):
                continue
            folders[fixture] = d
            man = json.load(open(os.path.join(d, "manifest.json")))
            eq(man.get("globals"), want, f"typed exports: {fixture}: manifest.json globals lists the functions "
               "registered with a constant name, sorted")
            dts = open(os.path.join(d, "index.d.ts")).read()
            for name in want:
                ok(f'  "{name}": (...args: any[]) => any;' in dts and f'  var {name}: GoGlobals["{name}"];' in dts,
                   f"typed exports: {fixture}: index.d.ts declares {name} as (...args: any[]) => any on globalThis")
            if not want:
                ok("GoGlobals" not in dts, f"typed exports: {fixture}: index.d.ts declares no globals")
            r = run([verify, d], timeout=300)
            eq(r.returncode, 0, f"typed exports: {fixture}: gowasm-verify accepts the package", text(r.stderr))

        d = folders.get("pack-exports")
        if not d:
            return
        # index.d.ts without its declarations (the manifest rehashed): invalid.
        bad = os.path.join(tmp, "bad")
        shutil.copytree(d, bad)
        dts_path = os.path.join(bad, "index.d.ts")
        data = open(dts_path, "rb").read()
        data = data[:data.index(b"\n// The functions this program registers")] + b"\n"
        open(dts_path, "wb").write(data)
        man = json.load(open(os.path.join(bad, "manifest.json")))
        for f in man["files"]:
            if f["path"] == "index.d.ts":
                import base64
                f["size"], f["sha256"] = len(data), hashlib.sha256(data).hexdigest()
                f["integrity"] = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        json.dump(man, open(os.path.join(bad, "manifest.json"), "w"))
        r = run([verify, bad], timeout=300)
        eq(r.returncode, 1, "typed exports: index.d.ts without the declarations: gowasm-verify exits 1", text(r.stderr))
        ok("does not end with the declarations of the manifest's globals" in text(r.stderr),
           "typed exports: ... and says the declarations are missing", text(r.stderr))

        # Installed into a project: tsc, then Node.
        env = {**os.environ, "npm_config_cache": os.path.join(tmp, "npm-cache"), "npm_config_update_notifier": "false"}
        r = run(["npm", "pack", "--json", "--pack-destination", tmp], cwd=d, env=env, timeout=300)
        if not eq(r.returncode, 0, "typed exports: npm pack", text(r.stderr)):
            return
        tarball = os.path.join(tmp, json.loads(r.stdout)[0]["filename"])
        project = os.path.join(tmp, "project")
        os.mkdir(project)
        json.dump({"name": "exports-consumer", "version": "1.0.0", "private": True, "type": "module"},
                  open(os.path.join(project, "package.json"), "w"))
        r = run(["npm", "install", "--offline", "--no-audit", "--no-fund", tarball], cwd=project, env=env, timeout=300)
        if not eq(r.returncode, 0, "typed exports: npm install --offline of the tarball", text(r.stderr)):
            return
        open(os.path.join(project, "consumer.ts"), "w").write(CONSUMER)
        open(os.path.join(project, "wrong.ts"), "w").write(WRONG)
        base = ["node", tsc, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
                "--moduleResolution", "nodenext"]
        r = run(base + ["consumer.ts"], cwd=project, timeout=300)
        eq(r.returncode, 0, "typed exports: tsc --strict accepts calls of gowasmAdd and globalThis.gowasmGreet",
           text(r.stdout) + text(r.stderr))
        r = run(base + ["wrong.ts"], cwd=project, timeout=300)
        ok(r.returncode != 0 and "gowasmDynamic1" in text(r.stdout),
           "typed exports: tsc --strict rejects a global the program registers under a name built at run time",
           text(r.stdout) + text(r.stderr))
        open(os.path.join(project, "call.mjs"), "w").write(NODE)
        r = run(["node", "call.mjs"], cwd=project, timeout=120)
        lines = text(r.stdout).splitlines()
        try:
            got = json.loads(lines[-1]) if lines else {}
        except ValueError:
            got = {}
        eq(got, {"add": 5, "greet": "hello, gowasm", "dynamic": "function", "nested": "undefined", "version": "1.0"},
           "typed exports: node: gowasmAdd and gowasmGreet work once the program runs (the dynamic name exists "
           "too, undeclared; the nested one is not global)", text(r.stdout) + text(r.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
