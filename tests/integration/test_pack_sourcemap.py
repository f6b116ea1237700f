# SPDX-License-Identifier: MIT
"""gowasm-pack --source-map and what gowasm-verify checks of it.

The Go 1.19 panic fixture is packed with --source-map (zip and --npm):
  - the bundle holds panic.wasm.map, listed in manifest.json with role
    source-map, size, SHA-256 and SRI (checked with hashlib), and the
    manifest validates under ajv against packager/manifest.schema.json;
  - the packed module is the input with one custom section appended,
    `sourceMappingURL` naming "panic.wasm.map" (parsed here, independently
    of gowasm), and wabt's wasm-validate accepts it;
  - the map is byte for byte what gowasm-sourcemap writes for the packed
    module, a source map v3 whose "file" is the module;
  - the same inputs give the same zip twice; packing the packed module
    again gives the same zip;
  - gowasm-verify accepts both forms, and refuses a map changed in place, a
    map changed and re-hashed in the manifest (re-derived from the module),
    a module whose section names another map, and a map listed under
    another name;
  - gowasm-pack without --source-map refuses a module whose section names
    the map it would not ship;
  - the loader runs the packed module in Node (its integrity check passes
    with the section attached), printing what tests/js/run-go.cjs prints
    for the input module.
"""
import base64
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, bail, env_path, go_fixture, run, SOURCE_ROOT  # noqa: E402
import ajvcheck  # noqa: E402
from wasmcalls import sections, _uleb as uleb  # noqa: E402
from pclnsynth import uleb as enc  # noqa: E402

PACK = env_path("GOWASM_PACK")
VERIFY = env_path("GOWASM_VERIFY")
SOURCEMAP = env_path("GOWASM_SOURCEMAP")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
SDE = "1700000000"

for tool in ("wasm-validate", "node"):
    if not shutil.which(tool):
        bail(f"{tool} is not installed")
if not os.path.isfile(GO_GLUE):
    bail(f"Go 1.19's wasm_exec.js is not at {GO_GLUE}")

PANIC = go_fixture("panic")
INPUT = open(PANIC, "rb").read()
tmp = tempfile.mkdtemp(prefix="gowasm-pack-sourcemap-")
ENV = {**os.environ, "SOURCE_DATE_EPOCH": SDE}


def pack(*args):
    return run([PACK, "-q", "--glue", GO_GLUE, *args], env=ENV, timeout=300)


def verify(path):
    return run([VERIFY, path], timeout=300)


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def source_mapping_urls(b):
    urls = []
    for sid, start, end in sections(b):
        if sid != 0:
            continue
        n, j = uleb(b, start)
        if b[j:j + n] == b"sourceMappingURL":
            n, j = uleb(b, j + n)
            urls.append(b[j:j + n].decode())
    return urls


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")


# ---------------------------------------------------------------- the bundle
za, zb = os.path.join(tmp, "a.zip"), os.path.join(tmp, "b.zip")
r = pack("--source-map", PANIC, "-o", za)
if not eq(r.returncode, 0, "pack --source-map panic.wasm exits 0", r.stderr):
    bail("no bundle")
r = pack("--source-map", PANIC, "-o", zb)
eq(r.returncode, 0, "pack --source-map a second time exits 0", r.stderr)
eq(open(za, "rb").read(), open(zb, "rb").read(), "the same inputs give the same zip, byte for byte")

with zipfile.ZipFile(za) as z:
    data = {n: z.read(n) for n in z.namelist()}
eq(sorted(data), ["LICENSE.wasm_exec.js", "README.md", "index.d.ts", "loader.cjs", "loader.mjs", "manifest.json", "panic.wasm",
                  "panic.wasm.map", "wasm_exec.js"],
   "the zip holds panic.wasm.map beside the module")
man = json.loads(data["manifest.json"])
listed = {f["path"]: f for f in man["files"]}
m = listed.get("panic.wasm.map", {})
mp = data["panic.wasm.map"]
eq((m.get("role"), m.get("size"), m.get("sha256"), m.get("integrity")),
   ("source-map", len(mp), hashlib.sha256(mp).hexdigest(), sri(mp)),
   "manifest.json lists panic.wasm.map: role source-map, its size, SHA-256 and SRI")
mod = data["panic.wasm"]
eq((listed["panic.wasm"]["sha256"], listed["panic.wasm"]["integrity"]), (hashlib.sha256(mod).hexdigest(), sri(mod)),
   "manifest.json's module hashes are of the packed module (with its section)")

mp_path = os.path.join(tmp, "manifest.json")
with open(mp_path, "wb") as f:
    f.write(data["manifest.json"])
bad_role = json.loads(data["manifest.json"])
for f in bad_role["files"]:
    if f["role"] == "source-map":
        f["role"] = "sourcemap"
bad_path = os.path.join(tmp, "bad-role.json")
with open(bad_path, "w") as f:
    json.dump(bad_role, f)
res, r = ajvcheck.validate([mp_path, bad_path], tmp)
if ok(res is not None and len(res["results"]) == 2, "ajv runs on the manifests", r.stderr):
    ok(res["results"][0]["valid"], "the manifest with a source map is valid under ajv", res["results"][0]["errors"])
    ok(not res["results"][1]["valid"], "ajv refuses an unknown role (\"sourcemap\")")

# ---------------------------------------------------------------- the module
eq(source_mapping_urls(mod), ["panic.wasm.map"], "the packed module has one sourceMappingURL section: panic.wasm.map")
tail = mod[len(INPUT):]
size, i = uleb(tail, 1) if tail else (0, 1)
ok(mod.startswith(INPUT) and tail[:1] == b"\0" and i + size == len(tail) and source_mapping_urls(b"\0asm\1\0\0\0" + tail),
   "the packed module is the input with the section appended (code offsets unchanged)")
mod_path = os.path.join(tmp, "panic.wasm")
with open(mod_path, "wb") as f:
    f.write(mod)
r = run(["wasm-validate", mod_path], timeout=120)
eq(r.returncode, 0, "wasm-validate accepts the packed module", r.stderr)

# ---------------------------------------------------------------- the map
own = os.path.join(tmp, "own.map")
r = run([SOURCEMAP, mod_path, "-o", own], timeout=300)
eq(r.returncode, 0, "gowasm-sourcemap maps the packed module", r.stderr)
ok(os.path.exists(own) and open(own, "rb").read() == mp,
   "the shipped map is byte for byte gowasm-sourcemap's map of the packed module")
try:
    sm = json.loads(mp)
except ValueError:
    sm = {}
eq((sm.get("version"), sm.get("file"), bool(sm.get("mappings")), any(s.endswith("main.go") for s in sm.get("sources", []))),
   (3, "panic.wasm", True, True), "the map is a source map v3 of panic.wasm, mapping the program's main.go")

# Packing the packed module again (its section already there) changes nothing.
zc = os.path.join(tmp, "c.zip")
r = pack("--source-map", mod_path, "-o", zc)
ok(r.returncode == 0 and open(zc, "rb").read() == open(za, "rb").read(),
   "packing the packed module with --source-map gives the same zip (the section is replaced, not added)", r.stderr)
r = pack(mod_path, "-o", os.path.join(tmp, "d.zip"))
eq(r.returncode, 2, "pack without --source-map refuses a module whose section names the map it would not ship")
ok("sourceMappingURL section names panic.wasm.map" in text(r.stderr) and not os.path.exists(os.path.join(tmp, "d.zip")),
   "... saying so, and writing nothing", r.stderr)



def with_section(payload):
    """The input module with a sourceMappingURL section of this payload."""
    body = enc(16) + b"sourceMappingURL" + payload
    return INPUT + b"\0" + enc(len(body)) + body


junk = os.path.join(tmp, "junk.wasm")
with open(junk, "wb") as f:
    f.write(with_section(enc(14) + b"panic.wasm.map" + b"xx"))
r = pack("--source-map", junk, "-o", os.path.join(tmp, "e.zip"))
eq(r.returncode, 0, "pack --source-map replaces a malformed sourceMappingURL section", r.stderr)
r = pack(junk, "-o", os.path.join(tmp, "f.zip"))
ok(r.returncode == 2 and "2 bytes after the URL in the sourceMappingURL section" in text(r.stderr),
   "pack without --source-map refuses a malformed sourceMappingURL section, saying why", r.stderr)
two = os.path.join(tmp, "two.wasm")
with open(two, "wb") as f:
    f.write(with_section(enc(5) + b"a.map") + with_section(enc(5) + b"b.map")[len(INPUT):])
r = pack(two, "-o", os.path.join(tmp, "g.zip"))
ok(r.returncode == 2 and "a second sourceMappingURL section" in text(r.stderr),
   "pack without --source-map refuses two sourceMappingURL sections", r.stderr)

# ---------------------------------------------------------------- verify
r = verify(za)
eq(r.returncode, 0, "gowasm-verify accepts the bundle with its source map", text(r.stdout) + text(r.stderr))
npm = os.path.join(tmp, "npm")
r = pack("--source-map", PANIC, "--npm", npm)
eq(r.returncode, 0, "pack --source-map --npm exits 0", r.stderr)
ok(os.path.exists(os.path.join(npm, "panic.wasm.map")) and
   "panic.wasm.map" in json.load(open(os.path.join(npm, "package.json"))).get("files", []),
   "the npm folder holds panic.wasm.map, and package.json's files name it")
r = verify(npm)
eq(r.returncode, 0, "gowasm-verify accepts the npm folder with its source map", text(r.stdout) + text(r.stderr))


def variant(key, files=None, manifest=None, rehash=()):
    """A copy of the npm folder with files replaced; rehash: re-hash those in
    manifest.json, so only the re-derived checks can catch them."""
    d = os.path.join(tmp, key)
    shutil.copytree(npm, d)
    for name, b in (files or {}).items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(b)
    mj = json.load(open(os.path.join(d, "manifest.json")))
    for f in mj["files"]:
        if f["path"] in rehash:
            b = open(os.path.join(d, f["path"]), "rb").read()
            f["size"], f["sha256"], f["integrity"] = len(b), hashlib.sha256(b).hexdigest(), sri(b)
    if manifest:
        manifest(mj)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        f.write(json.dumps(mj, indent=2) + "\n")
    return d


def refused(d, want, name):
    r = verify(d)
    out = text(r.stdout) + text(r.stderr)
    ok(r.returncode == 1 and want in out, name, out)


i = mp.index(b'"mappings":"') + len(b'"mappings":"') + 10
changed = mp[:i] + (b"A" if mp[i:i + 1] != b"A" else b"B") + mp[i + 1:]
refused(variant("map-changed", {"panic.wasm.map": changed}), "panic.wasm.map: sha256",
        "verify refuses a map changed in place (its hashes)")
refused(variant("map-rehashed", {"panic.wasm.map": changed}, rehash=("panic.wasm.map",)),
        "panic.wasm.map: is not the module's source map",
        "verify refuses a map changed and re-hashed: it differs from the map re-derived from the module")
other = os.path.join(tmp, "other.wasm")
r = run([SOURCEMAP, "--attach", "other.wasm.map", mod_path, "-o", other], timeout=300)
eq(r.returncode, 0, "gowasm-sourcemap --attach names another map", r.stderr)
refused(variant("url-other", {"panic.wasm": open(other, "rb").read()}, rehash=("panic.wasm",)),
        "its sourceMappingURL section names \"other.wasm.map\", not the bundle's panic.wasm.map",
        "verify refuses a module whose sourceMappingURL section names another map")

refused(variant("url-junk", {"panic.wasm": open(junk, "rb").read()}, rehash=("panic.wasm",)),
        "its sourceMappingURL section: 2 bytes after the URL",
        "verify refuses a module whose sourceMappingURL section has bytes after the URL")


def set_role(path, role):
    def edit(mj):
        for f in mj["files"]:
            if f["path"] == path:
                f["role"] = role
    return edit


refused(variant("map-readme", manifest=set_role("panic.wasm.map", "readme")),
        "listed with role readme, but panic.wasm.map is the bundle's source-map",
        "verify refuses panic.wasm.map listed under another role")
refused(variant("map-twice", manifest=set_role("index.d.ts", "source-map")), "a second file of role source-map",
        "verify refuses a second file of role source-map")

# ---------------------------------------------------------------- the loader, in Node
ux = os.path.join(tmp, "unzipped")
os.mkdir(ux)
with zipfile.ZipFile(za) as z:
    z.extractall(ux)
script = ("import { run } from " + json.dumps("file://" + os.path.join(ux, "loader.mjs")) + ";\n"
          "process.exitCode = await run({ argv: [\"index\"] });\n")
got = run(["node", "--input-type=module", "-e", script], cwd=ux, timeout=120)
refdir = os.path.join(tmp, "ref")
os.mkdir(refdir)
shutil.copyfile(PANIC, os.path.join(refdir, "panic.wasm"))
ref = run(["node", os.path.join(SOURCE_ROOT, "tests", "js", "run-go.cjs"), "--glue", GO_GLUE, "panic.wasm", "index"],
          cwd=refdir, timeout=120)
ok("integrity check failed" not in text(got.stderr) and "serving index" in text(got.stdout),
   "node: the loader's integrity check passes and the packed module runs", text(got.stderr)[-2000:])
eq((got.returncode, text(got.stdout)), (ref.returncode, text(ref.stdout)),
   "node: the loader prints and exits as run-go.cjs does for the input module")
ok("index out of range" in text(got.stderr) and "main.handle" in text(got.stderr),
   "node: the program's own panic trace, as for the input module", text(got.stderr)[-2000:])

shutil.rmtree(tmp, ignore_errors=True)
