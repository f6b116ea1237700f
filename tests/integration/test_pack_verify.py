# SPDX-License-Identifier: MIT
"""gowasm-pack and gowasm-verify against independent oracles.

1. Go 1.19 fixtures (hello, deps with a replaced dependency,
   callbacks-stripped, bridge batched by gowasm-batch) and esbuild.wasm
   (go1.26.5, with its own wasm_exec.js) are packed; gowasm-verify accepts
   each bundle, and every fact of its manifest is checked against something
   else: the file list and hashes against Python's zipfile and hashlib, the
   Go version, ABI, memory and build info against gowasm-inspect --json,
   imports, exports and memory against wabt's wasm-objdump -x, features
   against wasm-validate --disable-*, the check summary and capabilities
   against gowasm-check --format json, the companion against
   gowasm-batch --companion-path.
2. Every manifest validates against packager/manifest.schema.json under ajv
   (draft 2020-12, strict, with ajv-formats; both pinned in
   tests/npm/pins.txt); manifests with one field broken are refused by ajv
   and by gowasm-verify alike.
3. Reproducibility: the same inputs and SOURCE_DATE_EPOCH give the same zip
   from another folder, other paths, another TZ, a second later; the zip's
   layout (sorted entries, mode 0644, no extra fields, no comment) and its
   dates; SOURCE_DATE_EPOCH absent, 0, or different.
4. Safe writing: a failed pack keeps the previous output, inputs are never
   modified (even when -o names one of them), --npm refuses a non-empty
   folder.
5. Tampered bundles, each refused with its own message: changed bytes,
   unlisted, missing, duplicate and unsafe entries, symbolic links, the
   companion missing or out of place, a wrong gzip copy, a loader loading
   something else, re-hashed substitutions caught by the re-derived facts,
   truncated, empty and non-zip files, and zip bombs (declared and lying
   sizes) handled in bounded memory and time.
6. Bad input to gowasm-pack: a non-Go module, a truncated one, invalid
   --name, --pkg-version, --brotli-quality, SOURCE_DATE_EPOCH.
"""
import base64
import calendar
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import warnings
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, bail, env_path, go_fixture, run, sha256, npm_file, esbuild_wasm, inspect_json, SOURCE_ROOT  # noqa: E402
import ajvcheck  # noqa: E402

PACK = env_path("GOWASM_PACK")
VERIFY = env_path("GOWASM_VERIFY")
BATCH = env_path("GOWASM_BATCH")
INSPECT = env_path("GOWASM_INSPECT")
CHECK = env_path("GOWASM_CHECK")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
SCHEMA = os.path.join(SOURCE_ROOT, "packager", "manifest.schema.json")
SDE = 1700000000  # 2023-11-14T22:13:20Z, an even second (zip dates have 2-second steps)
SDE_ISO = "2023-11-14T22:13:20Z"
MIB = 1 << 20

for tool in ("wasm-objdump", "wasm-validate", "wat2wasm"):
    if not shutil.which(tool):
        bail(f"{tool} (Debian package wabt) is not installed")
NODE = shutil.which("node") or shutil.which("nodejs")
if not NODE:
    bail("node is not installed")
if not os.path.isfile(GO_GLUE):
    bail(f"Go 1.19's wasm_exec.js is not at {GO_GLUE}")

HELLO = go_fixture("hello")
DEPS = go_fixture("deps")
STRIPPED = go_fixture("callbacks-stripped")
BRIDGE = go_fixture("bridge")
ESB = esbuild_wasm()
ESB_GLUE = npm_file("esbuild-wasm@0.28.2", "wasm_exec.js")

INPUTS = [HELLO, DEPS, STRIPPED, BRIDGE, ESB, GO_GLUE, ESB_GLUE]
input_shas = {p: sha256(p) for p in INPUTS}

tmp = tempfile.mkdtemp(prefix="gowasm-pack-verify-")


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def env_with(sde=SDE, **extra):
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    if sde is not None:
        e["SOURCE_DATE_EPOCH"] = str(sde)
    e.update(extra)
    return e


def pack(args, sde=SDE, cwd=None, **env):
    return run([PACK] + args, env=env_with(sde, **env), cwd=cwd, timeout=600)


def verify(path, *opts):
    return run([VERIFY, *opts, path], timeout=300)


def verify_json(path):
    r = verify(path, "--json")
    try:
        return json.loads(r.stdout), r
    except ValueError:
        return None, r


def listing(d):
    return {n: (sha256(os.path.join(d, n)) if os.path.isfile(os.path.join(d, n)) else "dir") for n in os.listdir(d)}


def err_lines(r):
    return text(r.stderr).splitlines()


def zip_entries(path):
    with zipfile.ZipFile(path) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def manifest_of(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def loader_bundle(data):
    """The object of loader.mjs's `export const bundle = {...};` line."""
    m = re.search(rb"^export const bundle = (\{.*\});$", data, re.M)
    return json.loads(m.group(1)) if m else None


# ---------------------------------------------------------------- oracles


def objdump(path):
    """Function imports [(module, name)], exports [(name, kind, index)],
    function signatures {index: type}, types {index: (params, results)},
    memory limits, from wasm-objdump -x."""
    r = run(["wasm-objdump", "-x", path], timeout=300)
    d = {"imports": [], "exports": [], "sigs": {}, "types": {}, "memory": None}
    if r.returncode != 0:
        return None
    section = None

    def vals(s):
        s = s.strip()
        if s == "nil" or s == "()":
            return []
        return [v.strip() for v in s.strip("()").split(",") if v.strip()]

    for line in text(r.stdout).splitlines():
        m = re.match(r"^(\w+)\[(\d+)\]:$", line)
        if m:
            section = m.group(1)
            continue
        if section == "Type":
            m = re.match(r"^ - type\[(\d+)\] \((.*)\) -> (.*)$", line)
            if m:
                d["types"][int(m.group(1))] = (vals(m.group(2)), vals(m.group(3)))
        elif section == "Import":
            m = re.match(r"^ - func\[(\d+)\] sig=(\d+) .*<- ([^.]+)\.(.+)$", line)
            if m:
                d["imports"].append((m.group(3), m.group(4)))
                d["sigs"][int(m.group(1))] = int(m.group(2))
        elif section == "Function":
            m = re.match(r"^ - func\[(\d+)\] sig=(\d+)", line)
            if m:
                d["sigs"][int(m.group(1))] = int(m.group(2))
        elif section == "Export":
            m = re.match(r'^ - (\w+)\[(\d+)\] .*-> "(.*)"$', line)
            if m:
                d["exports"].append((m.group(3), m.group(1), int(m.group(2))))
        elif section == "Memory":
            m = re.match(r"^ - memory\[0\] pages: initial=(\d+)(?: max=(\d+))?", line)
            if m:
                d["memory"] = (int(m.group(1)), int(m.group(2)) if m.group(2) else None)
    return d


OBJDUMP_KINDS = {"func": "function", "memory": "memory", "table": "table", "global": "global", "tag": "tag"}
# manifest feature -> wasm-validate's --disable-FLAG
FEATURE_FLAGS = {"sign-ext": "sign-extension", "nontrapping-float-to-int": "saturating-float-to-int",
                 "bulk-memory": "bulk-memory"}


def check_json(module, glue):
    # A bundle ships the gowasm-batch companion with the glue of a batched module.
    r = run([CHECK, "--format", "json", "--glue", glue, "--companion", "--target", "browser", module], timeout=300)
    try:
        return json.loads(r.stdout), r
    except ValueError:
        return None, r


# ---------------------------------------------------------------- 1. packing and oracles

r = run([PACK, "--version"])
tool_version = text(r.stdout).strip().split()[-1] if r.returncode == 0 and r.stdout else "?"
ok(r.returncode == 0 and re.fullmatch(r"gowasm-pack \(gowasm\) \d+\.\d+\.\d+\S*", text(r.stdout).strip()),
   "gowasm-pack --version banner", r.stdout + r.stderr)

r = run([BATCH, "--companion-path=mjs"])
companion_path = text(r.stdout).strip()
ok(r.returncode == 0 and os.path.isfile(companion_path), "gowasm-batch --companion-path=mjs names a file", r.stderr)
companion_bytes = open(companion_path, "rb").read() if os.path.isfile(companion_path) else b""

batched_dir = os.path.join(tmp, "batched")
os.mkdir(batched_dir)
BATCHED = os.path.join(batched_dir, "bridge-batched.wasm")
r = run([BATCH, "-q", BRIDGE, "-o", BATCHED], timeout=300)
if not eq(r.returncode, 0, "gowasm-batch bridge.wasm: exit 0", r.stderr):
    bail("cannot batch bridge.wasm")
batched_sha = sha256(BATCHED)

# key, module, glue, name, version, extra options, batched
CASES = [
    ("hello", HELLO, GO_GLUE, "hello", "1.2.3", ["--gzip", "--brotli", "--brotli-quality", "5"], False),
    ("deps", DEPS, GO_GLUE, "@acme/deps", "0.1.0-rc.1+build.7", [], False),
    ("callbacks-stripped", STRIPPED, GO_GLUE, "callbacks-stripped", "2.0.0", ["--gzip", "--allow-findings"], False),
    ("bridge-batched", BATCHED, GO_GLUE, "bridge-batched", "1.0.0", ["--gzip"], True),
    ("esbuild", ESB, ESB_GLUE, "esbuild", "0.28.2", ["--gzip"], False),
]

out_dir = os.path.join(tmp, "bundles")
os.mkdir(out_dir)
bundles = {}   # key -> zip path
manifests = {}  # key -> path of the extracted manifest.json

for key, module, glue, name, version, extra, batched in CASES:
    zpath = os.path.join(out_dir, f"{key}.zip")
    r = pack([module, "--glue", glue, "--name", name, "--pkg-version", version, *extra, "-o", zpath])
    if not eq(r.returncode, 0, f"{key}: gowasm-pack exits 0", r.stderr):
        continue
    eq(r.stderr, b"", f"{key}: gowasm-pack: nothing on stderr")
    if not ok(zipfile.is_zipfile(zpath), f"{key}: the output is a zip"):
        continue
    bundles[key] = zpath
    base = name.rsplit("/", 1)[-1]
    mod_path = base + ".wasm"
    module_bytes = open(module, "rb").read()
    glue_bytes = open(glue, "rb").read()

    # gowasm-verify accepts it.
    r = verify(zpath)
    eq(r.returncode, 0, f"{key}: gowasm-verify exits 0", r.stderr)
    n_entries = len(zip_entries(zpath))
    eq(text(r.stdout), f"{zpath}: valid: {name} {version}, {n_entries} files, "
       f"{'batched' if batched else 'not batched'}\n", f"{key}: gowasm-verify prints valid, name, version, files")
    eq(r.stderr, b"", f"{key}: gowasm-verify: nothing on stderr")
    vj, r = verify_json(zpath)
    vj = vj or {}
    eq((r.returncode, vj.get("valid"), vj.get("problems")), (0, True, []), f"{key}: --json: valid, no problems")
    eq((vj.get("schema"), vj.get("name"), vj.get("version"), vj.get("module"), vj.get("batched"), vj.get("entries")),
       ("gowasm-verify/1", name, version, mod_path, batched, n_entries), f"{key}: --json: name, version, module, "
       "batched, entries")

    entries = zip_entries(zpath)
    data = {i.filename: d for i, d in entries}
    man = json.loads(data.get("manifest.json", b"{}"))
    mpath = os.path.join(out_dir, f"{key}.manifest.json")
    with open(mpath, "wb") as f:
        f.write(data.get("manifest.json", b""))
    manifests[key] = mpath

    # Files: listed = zip entries less manifest.json; each one's hashes.
    files = man.get("files", [])
    eq([f.get("path") for f in files], sorted(n for n in data if n != "manifest.json"),
       f"{key}: manifest files = the zip's entries less manifest.json, in order")
    want_roles = {mod_path: "module", "wasm_exec.js": "glue", "loader.mjs": "loader", "loader.cjs": "loader-cjs", "index.d.ts": "types",
                  "README.md": "readme", "LICENSE.wasm_exec.js": "glue-license"}
    if batched:
        want_roles["gowasm-batch.mjs"] = "companion"
    if "--gzip" in extra:
        want_roles[mod_path + ".gz"] = "module-gzip"
    if "--brotli" in extra:
        want_roles[mod_path + ".br"] = "module-brotli"
    eq({f.get("path"): f.get("role") for f in files}, want_roles, f"{key}: files and their roles")
    bad = [f.get("path") for f in files if f.get("path") in data and (
        f.get("size") != len(data[f["path"]]) or f.get("sha256") != hashlib.sha256(data[f["path"]]).hexdigest()
        or f.get("integrity") != sri(data[f["path"]]))]
    eq(bad, [], f"{key}: every file's size, sha256 and sha384 integrity recomputed in Python")
    eq(man.get("module"), mod_path, f"{key}: module is {mod_path}")
    eq(hashlib.sha256(data.get(mod_path, b"")).hexdigest(), input_shas.get(module, batched_sha),
       f"{key}: the module in the zip is the input, byte for byte")
    eq(data.get("wasm_exec.js"), glue_bytes, f"{key}: wasm_exec.js is the --glue file, byte for byte")
    if "--gzip" in extra:
        try:
            gz = gzip.decompress(data.get(mod_path + ".gz", b""))
        except (OSError, EOFError) as e:
            gz = repr(e)
        ok(gz == module_bytes, f"{key}: {mod_path}.gz gunzips to the module")
    if "--brotli" in extra:
        br_file = os.path.join(out_dir, f"{key}.br")
        with open(br_file, "wb") as f:
            f.write(data.get(mod_path + ".br", b""))
        br = run([NODE, "-e", "process.stdout.write(require('zlib').brotliDecompressSync("
                  "require('fs').readFileSync(process.argv[1])))", br_file], timeout=120)
        ok(br.returncode == 0 and br.stdout == module_bytes,
           f"{key}: {mod_path}.br decompresses to the module (node's zlib)", br.stderr)

    # The loader's bundle line.
    lb = loader_bundle(data.get("loader.mjs", b"")) or {}
    eq(lb, {"name": name, "version": version, "module": mod_path, "integrity": sri(module_bytes),
            "glue": "wasm_exec.js", "companion": "gowasm-batch.mjs" if batched else None,
            "go": man.get("go", {}).get("version"), "abiModule": man.get("go", {}).get("abi", {}).get("module")},
       f"{key}: loader.mjs's bundle line: name, version, module, SRI of the module, glue, companion")

    eq((man.get("schema"), man.get("name"), man.get("version")), ("gowasm-manifest/1", name, version),
       f"{key}: schema, name, version")
    eq(man.get("tool"), {"name": "gowasm-pack", "version": tool_version}, f"{key}: tool and version")
    eq((man.get("timestamp"), man.get("source_date_epoch")), (SDE_ISO, SDE),
       f"{key}: timestamp and source_date_epoch from SOURCE_DATE_EPOCH")

    # Go version, ABI, memory, build info: gowasm-inspect --json.
    ins, r = inspect_json(module)
    if not ok(ins is not None, f"{key}: gowasm-inspect --json reads the module", r.stderr):
        ins = {}
    go = man.get("go", {})
    eq((go.get("version"), go.get("target"), go.get("abi", {}).get("module")),
       (ins.get("go_version"), ins.get("target"), ins.get("abi")), f"{key}: go version, target, ABI module = inspect's")
    eq(go.get("version"), "go1.26.5" if key == "esbuild" else "go1.19.8", f"{key}: the Go version is the known one")
    eq(man.get("memory", {}).get("initial"), (ins.get("memory") or {}).get("initial"),
       f"{key}: memory.initial = inspect's")
    bi = ins.get("build_info") or {}
    build = man.get("build", {})
    eq(build.get("id"), ins.get("build_id"), f"{key}: build.id = inspect's build_id")
    eq(build.get("main"), bi.get("main"), f"{key}: build.main = inspect's build_info.main")
    eq(build.get("dependencies"), bi.get("deps", []), f"{key}: build.dependencies = inspect's build_info.deps")
    eq(build.get("settings"), bi.get("settings", []), f"{key}: build.settings = inspect's build_info.settings")
    if key == "deps":
        reps = [d for d in build.get("dependencies", []) if d.get("replace")]
        eq([(d.get("path"), d.get("replace", {}).get("path")) for d in reps], [("example.com/greet", "./greet")],
           "deps: the replaced dependency is in the manifest with its replacement")
    if key == "callbacks-stripped":
        ok({"key": "-ldflags", "value": "-s"} in build.get("settings", []),
           "callbacks-stripped: build settings say -ldflags=-s")

    # Imports, exports, memory: wasm-objdump -x.
    od = objdump(module)
    if not ok(od is not None, f"{key}: wasm-objdump -x reads the module"):
        od = {"imports": [], "exports": [], "sigs": {}, "types": {}, "memory": None}
    eq([(i.get("module"), i.get("name")) for i in go.get("abi", {}).get("imports", [])], od["imports"],
       f"{key}: go.abi.imports = objdump's function imports, in order")
    want_exports = []
    for ename, kind, index in od["exports"]:
        e = {"name": ename, "kind": OBJDUMP_KINDS.get(kind, kind)}
        if kind == "func":
            params, results = od["types"].get(od["sigs"].get(index), (None, None))
            e["params"], e["results"] = params, results
        want_exports.append(e)
    got_exports = [{k: v for k, v in e.items() if k in ("name", "kind", "params", "results")}
                   for e in man.get("exports", [])]
    eq(got_exports, want_exports, f"{key}: exports (names, kinds, params, results) = objdump's")
    ok(len(want_exports) >= 4, f"{key}: objdump found the exports (run, resume, getsp, mem)", od["exports"])
    eq(sorted(e.get("name") for e in man.get("exports", []) if e.get("wasmexport")), [],
       f"{key}: no export is marked wasmexport (Go's glue exports only)")
    eq((man.get("memory", {}).get("initial"), man.get("memory", {}).get("maximum")), od["memory"],
       f"{key}: memory initial and maximum = objdump's")

    # Features: wasm-validate with each feature disabled fails exactly when the module uses it.
    used = {}
    for feat, flag in FEATURE_FLAGS.items():
        used[feat] = run(["wasm-validate", f"--disable-{flag}", module], timeout=300).returncode != 0
    eq([f for f in man.get("features", []) if f in FEATURE_FLAGS], [f for f in FEATURE_FLAGS if used[f]],
       f"{key}: features = those wasm-validate needs enabled")
    if key == "esbuild":
        ok(all(used.values()), "esbuild: go1.26 uses sign-ext, nontrapping-float-to-int and bulk-memory (oracle sanity)")

    # The check summary and capabilities: gowasm-check --format json.
    cj, r = check_json(module, glue)
    if not ok(cj is not None and r.returncode in (0, 1), f"{key}: gowasm-check --format json runs", r.stderr):
        cj = {"findings": [], "summary": {}}
    chk = man.get("check", {})
    s = cj.get("summary", {})
    eq((chk.get("status"), chk.get("target"), chk.get("errors"), chk.get("warnings"), chk.get("notes")),
       ("checked", "browser", s.get("errors"), s.get("warnings"), s.get("notes")),
       f"{key}: check errors/warnings/notes = gowasm-check's summary")
    by_rule = {}
    for fd in cj.get("findings", []):
        by_rule[(fd["rule"], fd["severity"])] = by_rule.get((fd["rule"], fd["severity"]), 0) + 1
    eq(sorted((x.get("rule"), x.get("severity"), x.get("count")) for x in chk.get("rules", [])),
       sorted((k[0], k[1], v) for k, v in by_rule.items()), f"{key}: check rules = gowasm-check's findings by rule")
    caps = []
    for fd in cj.get("findings", []):
        if fd["rule"] == "host-capabilities":
            m = re.search(r"host facilities: (.*)$", fd["message"])
            caps = m.group(1).split(", ") if m else ["?"]
    eq(man.get("capabilities"), caps, f"{key}: capabilities = the host-capabilities finding's list")
    ok(len(caps) >= 3, f"{key}: the module has host capabilities (oracle sanity)", caps)

    # Batching.
    eq(man.get("batch", {}).get("batched"), batched, f"{key}: batch.batched is {batched}")
    eq("gowasm-batch.mjs" in data, batched, f"{key}: the companion is in the zip exactly when batched")
    if batched:
        eq(data.get("gowasm-batch.mjs"), companion_bytes, f"{key}: the companion is gowasm-batch's, byte for byte")
        b = man.get("batch", {})
        eq((b.get("companion"), b.get("protocol"), b.get("tool")),
           ("gowasm-batch.mjs", 1, f"gowasm-batch {tool_version}"), f"{key}: batch companion, protocol, tool")
        ok(b.get("companion_version") and b.get("companion_version") in text(companion_bytes),
           f"{key}: the companion version is the one in the companion", b)
    else:
        eq(set(man.get("batch", {})), {"batched"}, f"{key}: an unbatched module's batch object has batched only")

# ---------------------------------------------------------------- 2. the schema, under ajv

def ajv(docs):
    return ajvcheck.validate(docs, tmp, SCHEMA)


res, r = ajv(list(manifests.values()))
ok(res is not None, "ajv (2020-12, strict, ajv-formats) compiles the schema and runs", r.stderr)
res = res or {"results": []}
eq((res.get("ajv"), res.get("formats"), res.get("foreign")), ("8.17.1", "3.0.1", []),
   "the pinned ajv 8.17.1 and ajv-formats 3.0.1 are used, ajv-formats' own copy of ajv is not")
eq(len(res["results"]), len(CASES), "ajv validated every manifest")
for key, rr in zip(manifests, res["results"]):
    ok(rr["valid"], f"{key}: manifest.json is valid under ajv", rr["errors"])


def rebuild(src, dst, replace=None, drop=(), add=(), rename=None, manifest=None, rehash=False):
    """Writes a copy of the zip src to dst with Python's zipfile: entries
    replaced (name -> bytes), dropped, added [(name or ZipInfo, bytes)],
    renamed; manifest(dict) edits the manifest; rehash rewrites the
    manifest's size and hashes for the replaced entries."""
    replace = replace or {}
    rename = rename or {}
    entries = zip_entries(src)
    man = None
    for i, d in entries:
        if i.filename == "manifest.json":
            man = json.loads(d)
    if man is not None and rehash:
        for f in man.get("files", []):
            if f["path"] in replace:
                new = replace[f["path"]]
                f["size"], f["sha256"], f["integrity"] = len(new), hashlib.sha256(new).hexdigest(), sri(new)
    if man is not None and manifest:
        manifest(man)
    with zipfile.ZipFile(dst, "w") as zo:
        for i, d in entries:
            if i.filename in drop:
                continue
            if i.filename == "manifest.json" and (manifest or rehash):
                d = (json.dumps(man, indent=2) + "\n").encode()
            d = replace.get(i.filename, d)
            if i.filename in rename:
                j = zipfile.ZipInfo(rename[i.filename], i.date_time)
                j.external_attr, j.create_system, j.compress_type = i.external_attr, i.create_system, i.compress_type
                i = j
            zo.writestr(i, d, compress_type=i.compress_type)
        for name, d in add:
            if isinstance(name, zipfile.ZipInfo):
                info = name
            else:
                info = zipfile.ZipInfo(name, (2023, 11, 14, 22, 13, 20))
                info.external_attr, info.create_system, info.compress_type = 0o100644 << 16, 3, zipfile.ZIP_DEFLATED
            zo.writestr(info, d, compress_type=info.compress_type)
    return dst


neg_dir = os.path.join(tmp, "schema")
os.mkdir(neg_dir)
HELLO_ZIP = bundles.get("hello")
if not ok(HELLO_ZIP, "hello bundle available for the schema and tampering tests"):
    bail("no hello bundle")


def set_short_sha(m):
    m["files"][0]["sha256"] = m["files"][0]["sha256"][:63]


def set_extra(m):
    m["signature"] = "x"


def drop_files(m):
    del m["files"]


def set_bad_date(m):
    m["timestamp"] = "2023-13-45T22:13:20Z"  # the schema's pattern matches; format date-time does not


def set_bad_role(m):
    m["files"][0]["role"] = "payload"


def set_export_kind(m):
    m["exports"][0]["kind"] = "func"


for label, edit, vmsg in (
        ("sha256 too short", set_short_sha, "does not match the pattern"),
        ("an extra top-level property", set_extra, "a property the schema does not allow"),
        ("\"files\" missing", drop_files, "the required property \"files\" is missing"),
        ("a timestamp that is not a date-time", set_bad_date, "\"timestamp\" does not match the bundle"),
        ("an unknown file role", set_bad_role, "is not one of the allowed values"),
        ("an export kind outside the enum", set_export_kind, "is not one of the allowed values")):
    m = manifest_of(HELLO_ZIP)
    edit(m)
    mp = os.path.join(neg_dir, re.sub(r"\W+", "-", label) + ".json")
    with open(mp, "w") as f:
        json.dump(m, f, indent=2)
    res, r = ajv([mp])
    rr = (res or {"results": [{}]})["results"][0]
    eq(rr.get("valid"), False, f"schema negative control ({label}): ajv rejects it", rr.get("errors"))
    zp = rebuild(HELLO_ZIP, mp[:-5] + ".zip", manifest=edit)
    r = verify(zp)
    eq(r.returncode, 1, f"schema negative control ({label}): gowasm-verify rejects it too (exit 1)", r.stdout + r.stderr)
    ok(vmsg in text(r.stderr), f"schema negative control ({label}): gowasm-verify says {vmsg!r}", r.stderr)
# The positive control through the same path: the manifest unchanged, re-serialized.
zp = rebuild(HELLO_ZIP, os.path.join(neg_dir, "reserialized.zip"), manifest=lambda m: None)
r = verify(zp)
eq(r.returncode, 0, "schema positive control: the same manifest, re-serialized and repacked, is valid",
   r.stdout + r.stderr)

# ---------------------------------------------------------------- 3. reproducibility


def zip_sha(p):
    return sha256(p) if os.path.exists(p) else None


rep = os.path.join(tmp, "repro")
dir_a, dir_b = os.path.join(rep, "a"), os.path.join(rep, "b", "deeper")
os.makedirs(dir_a)
os.makedirs(dir_b)
# a: cwd a, absolute input and glue, relative output, TZ UTC.
r1 = pack([HELLO, "--glue", GO_GLUE, "--gzip", "-q", "-o", "out.zip"], cwd=dir_a, TZ="UTC")
time.sleep(1.1)
# b: cwd b, relative input and glue, absolute output, another TZ, a second later.
out_b = os.path.join(dir_b, "other-name.zip")
r2 = pack([os.path.relpath(HELLO, dir_b), "--glue", os.path.relpath(GO_GLUE, dir_b), "--gzip", "-q", "-o", out_b],
          cwd=dir_b, TZ="Asia/Kolkata")
eq((r1.returncode, r2.returncode), (0, 0), "reproducible: both packs exit 0", r1.stderr + r2.stderr)
za = os.path.join(dir_a, "out.zip")
eq(zip_sha(za), zip_sha(out_b), "reproducible: the same SOURCE_DATE_EPOCH from another folder, other paths, another "
   "TZ, a second later: identical zips")
ok(zip_sha(za) is not None, "reproducible: the zip was written where -o said (relative to the cwd)")
eq(os.listdir(dir_a), ["out.zip"], "reproducible: nothing else written in the folder")

# The zip's layout.
if os.path.exists(za):
    with zipfile.ZipFile(za) as z:
        infos = z.infolist()
        eq(z.comment, b"", "layout: no archive comment")
    names = [i.filename for i in infos]
    eq(names, sorted(names), "layout: entries sorted by name")
    eq(len(names), len(set(names)), "layout: no duplicate names")
    eq([(i.filename, i.external_attr >> 16) for i in infos if i.external_attr >> 16 != 0o100644], [],
       "layout: every entry is a regular file, mode 0644 (external_attr)")
    eq([i.filename for i in infos if i.create_system != 3], [], "layout: every entry made on Unix (create_system 3)")
    eq([i.filename for i in infos if i.extra != b""], [], "layout: no extra fields (central directory)")
    eq([i.filename for i in infos if i.comment != b""], [], "layout: no entry comments")
    raw = open(za, "rb").read()
    local_extra = [i.filename for i in infos if struct.unpack_from("<H", raw, i.header_offset + 28)[0] != 0]
    eq(local_extra, [], "layout: no extra fields (local headers)")
    eq([i.filename for i in infos if i.flag_bits & 0x8], [], "layout: no data descriptors")
    eq(sorted({i.date_time for i in infos}), [(2023, 11, 14, 22, 13, 20)],
       "layout: every entry dated SOURCE_DATE_EPOCH in UTC (TZ ignored)")
    eq({i.filename: i.compress_type for i in infos if i.filename.endswith(".gz")}, {"hello.wasm.gz": 0},
       "layout: the gzip copy is stored, not deflated again")
    eq(verify(za).returncode, 0, "reproducible bundle verifies")

# Another SOURCE_DATE_EPOCH: another zip.
zc = os.path.join(rep, "c.zip")
r = pack([HELLO, "--glue", GO_GLUE, "--gzip", "-q", "-o", zc], sde=SDE + 86400)
eq(r.returncode, 0, "another SOURCE_DATE_EPOCH: exit 0", r.stderr)
ok(zip_sha(zc) is not None and zip_sha(zc) != zip_sha(za), "another SOURCE_DATE_EPOCH: another zip")
if os.path.exists(zc):
    eq(manifest_of(zc).get("timestamp"), "2023-11-15T22:13:20Z", "another SOURCE_DATE_EPOCH: its timestamp")

# No SOURCE_DATE_EPOCH: now, and source_date_epoch null.
zn = os.path.join(rep, "now.zip")
t0 = time.time()
r = pack([HELLO, "--glue", GO_GLUE, "-q", "-o", zn], sde=None)
t1 = time.time()
eq(r.returncode, 0, "no SOURCE_DATE_EPOCH: exit 0", r.stderr)
if os.path.exists(zn):
    m = manifest_of(zn)
    eq(m.get("source_date_epoch", "absent"), None, "no SOURCE_DATE_EPOCH: source_date_epoch is null")
    try:
        ts = calendar.timegm(time.strptime(m.get("timestamp", ""), "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        ts = None
    ok(ts is not None and t0 - 60 <= ts <= t1 + 60, "no SOURCE_DATE_EPOCH: the timestamp is now (within a minute)",
       m.get("timestamp"))
    with zipfile.ZipFile(zn) as z:
        dates = {i.date_time for i in z.infolist()}
    want = time.gmtime(ts - ts % 2) if ts is not None else None
    eq(sorted(dates), [tuple(want[:6])] if want else ["?"],
       "no SOURCE_DATE_EPOCH: every zip entry dated the manifest's timestamp, in UTC")
    eq(verify(zn).returncode, 0, "no SOURCE_DATE_EPOCH: the bundle verifies")

# SOURCE_DATE_EPOCH=0: DOS dates clamp to 1980-01-01, the manifest says 1970.
z0 = os.path.join(rep, "zero.zip")
r = pack([HELLO, "--glue", GO_GLUE, "-q", "-o", z0], sde=0)
eq(r.returncode, 0, "SOURCE_DATE_EPOCH=0: exit 0", r.stderr)
if os.path.exists(z0):
    with zipfile.ZipFile(z0) as z:
        eq(sorted({i.date_time for i in z.infolist()}), [(1980, 1, 1, 0, 0, 0)],
           "SOURCE_DATE_EPOCH=0: every entry dated 1980-01-01 00:00:00")
    m = manifest_of(z0)
    eq((m.get("timestamp"), m.get("source_date_epoch")), ("1970-01-01T00:00:00Z", 0),
       "SOURCE_DATE_EPOCH=0: timestamp 1970-01-01T00:00:00Z, source_date_epoch 0")
    r = verify(z0)
    eq(r.returncode, 0, "SOURCE_DATE_EPOCH=0: the bundle verifies", r.stderr)
    zero_json = os.path.join(rep, "zero.json")
    with open(zero_json, "w") as f:
        json.dump(m, f)
    res, r = ajv([zero_json])
    ok(res and res["results"][0]["valid"], "SOURCE_DATE_EPOCH=0: the manifest is valid under ajv", res or r.stderr)

# ---------------------------------------------------------------- 4. safe writing

safe = os.path.join(tmp, "safe")
os.mkdir(safe)
prev = os.path.join(safe, "app.zip")
shutil.copyfile(HELLO_ZIP, prev)
prev_sha = sha256(prev)
before = listing(safe)
r = pack([HELLO, "--glue", ESB_GLUE, "-o", prev])
eq(r.returncode, 2, "Go 1.19 module with go1.26's wasm_exec.js: exit 2", r.stdout + r.stderr)
lines = err_lines(r)
ok(len(lines) == 1 and lines[0].startswith(f"gowasm-pack: {ESB_GLUE}: does not match {HELLO}"),
   "mismatched glue: one line, the glue 'does not match' the module", r.stderr)
eq(r.stdout, b"", "mismatched glue: nothing on stdout")
eq(listing(safe), before, "mismatched glue: the existing output is unchanged, no temporary file left")
eq(sha256(prev), prev_sha, "mismatched glue: the previous bundle is intact")

# esbuild with Go 1.19's glue: refused the other way round.
r = pack([ESB, "--glue", GO_GLUE, "-o", prev])
ok(r.returncode == 2 and "does not match" in text(r.stderr), "go1.26 module with Go 1.19's glue: exit 2, does not match",
   r.stderr)
eq(listing(safe), before, "go1.26 module with Go 1.19's glue: nothing changed")

# Success replaces it.
r = pack([DEPS, "--glue", GO_GLUE, "-q", "-o", prev])
eq(r.returncode, 0, "pack over an existing bundle: exit 0", r.stderr)
ok(sha256(prev) != prev_sha and verify(prev).returncode == 0, "pack over an existing bundle: replaced by a valid bundle")
eq(sorted(os.listdir(safe)), ["app.zip"], "pack over an existing bundle: no temporary file left")

# -o naming an input: the input is never replaced.
for what, src_path in (("the module", HELLO), ("the glue", GO_GLUE)):
    d = os.path.join(safe, "self-" + what.split()[-1])
    os.mkdir(d)
    mod = os.path.join(d, "app.wasm")
    glue = os.path.join(d, "wasm_exec.js")
    shutil.copyfile(HELLO, mod)
    shutil.copyfile(GO_GLUE, glue)
    before = listing(d)
    target = mod if what == "the module" else glue
    r = pack([mod, "--glue", glue, "-q", "-o", target])
    eq(r.returncode, 2, f"-o naming {what}: refused, exit 2", r.stdout + r.stderr)
    eq(listing(d), before, f"-o naming {what}: the input is not replaced")

# --npm into a non-empty folder.
npm_dir = os.path.join(safe, "npm")
os.mkdir(npm_dir)
with open(os.path.join(npm_dir, "keep.txt"), "w") as f:
    f.write("mine\n")
before_parent = listing(safe)
before = listing(npm_dir)
r = pack([HELLO, "--glue", GO_GLUE, "--npm", npm_dir])
eq(r.returncode, 2, "--npm into a non-empty folder: exit 2", r.stdout + r.stderr)
lines = err_lines(r)
ok(len(lines) == 1 and "exists and is not an empty folder" in lines[0], "--npm into a non-empty folder: one line, why",
   r.stderr)
eq(listing(npm_dir), before, "--npm into a non-empty folder: the folder is untouched")
eq(listing(safe), before_parent, "--npm into a non-empty folder: no temporary folder beside it")
# Both outputs asked, the folder refused: no zip either.
zp = os.path.join(safe, "both.zip")
r = pack([HELLO, "--glue", GO_GLUE, "--npm", npm_dir, "-o", zp])
eq(r.returncode, 2, "-o and --npm into a non-empty folder: exit 2", r.stderr)
# (whether the zip was written first is not specified; the folder must still be untouched)
eq(listing(npm_dir), before, "-o and --npm into a non-empty folder: the folder is untouched")
# An empty folder is accepted and filled.
npm_ok = os.path.join(safe, "npm-empty")
os.mkdir(npm_ok)
r = pack([HELLO, "--glue", GO_GLUE, "-q", "--npm", npm_ok])
eq(r.returncode, 0, "--npm into an empty folder: exit 0", r.stderr)
eq(sorted(os.listdir(npm_ok)) if os.path.isdir(npm_ok) else None,
   ["LICENSE.wasm_exec.js", "README.md", "hello.wasm", "index.d.ts", "loader.cjs", "loader.mjs", "manifest.json",
    "package.json", "wasm_exec.js"],
   "--npm into an empty folder: the bundle's files and package.json")
eq(sorted(n for n in os.listdir(safe) if ".tmp-" in n), [], "--npm: no temporary folder left")

# package.json's metadata: flags, an existing package.json, flags over it;
# forms npm accepts, checked by pack (exit 2) and by verify.
meta_src = os.path.join(safe, "source-package.json")
with open(meta_src, "w") as f:
    json.dump({"name": "whatever", "license": "MIT", "repository": {"type": "git", "url": "git+https://example.com/o/r.git"},
               "homepage": "https://example.com/r", "scripts": {"x": "y"}}, f)
for label, args, want in (
        ("flags", ["--license", "Apache-2.0 OR MIT", "--repository", "https://example.com/a.git", "--homepage",
                   "https://example.com/a"], ("Apache-2.0 OR MIT", "https://example.com/a.git", "https://example.com/a")),
        ("--package-json", ["--package-json", meta_src], ("MIT", "git+https://example.com/o/r.git", "https://example.com/r")),
        ("--package-json and --license", ["--package-json", meta_src, "--license", "ISC"],
         ("ISC", "git+https://example.com/o/r.git", "https://example.com/r"))):
    d = os.path.join(safe, "meta-" + label.replace(" ", "").replace("-", ""))
    r = pack([HELLO, "--glue", GO_GLUE, "-q", "--npm", d, *args])
    eq(r.returncode, 0, f"npm metadata: {label}: exit 0", r.stderr)
    try:
        pj = json.load(open(os.path.join(d, "package.json")))
    except (OSError, ValueError):
        pj = {}
    eq((pj.get("license"), (pj.get("repository") or {}).get("url"), pj.get("homepage")), want,
       f"npm metadata: {label}: package.json license, repository.url, homepage")
    eq((pj.get("repository") or {}).get("type"), "git", f"npm metadata: {label}: repository.type is git")
    eq(pj.get("engines"), {"node": ">=18"}, f"npm metadata: {label}: engines.node >=18")
    ok("scripts" not in pj, f"npm metadata: {label}: nothing else is taken from --package-json (no scripts)")
    eq(verify(d).returncode, 0, f"npm metadata: {label}: gowasm-verify accepts the folder")
r = pack([HELLO, "--glue", GO_GLUE, "-q", "--npm", os.path.join(safe, "meta-none")])
pj = json.load(open(os.path.join(safe, "meta-none", "package.json")))
eq([k for k in ("license", "repository", "homepage") if k in pj], [], "npm metadata: none given: none written")
lic = open(os.path.join(safe, "meta-none", "LICENSE.wasm_exec.js")).read()
ok("The Go Authors" in lic and "Redistribution and use in source and binary forms" in lic,
   "npm metadata: LICENSE.wasm_exec.js holds Go's BSD licence, shipped with the glue", lic[:300])
for label, args, msg in (("--license 'GPL 3'", ["--license", "GPL 3"], "is not an SPDX expression"),
                         ("--homepage ftp://x", ["--homepage", "ftp://x"], "is not an http(s) URL"),
                         ("--repository 'a b'", ["--repository", "a b"], "is not a URL")):
    d = os.path.join(safe, "meta-bad")
    r = pack([HELLO, "--glue", GO_GLUE, "-q", "--npm", d, *args])
    eq(r.returncode, 2, f"npm metadata: {label}: refused, exit 2", r.stderr)
    ok(msg in (err_lines(r) or [""])[0], f"npm metadata: {label}: the first line says it {msg}", r.stderr)
    ok(not os.path.exists(d), f"npm metadata: {label}: nothing written")
for label, body, msg in (("not JSON", "{", "not JSON: line 1"), ("an array", "[1]", "not a JSON object, as a package.json is"),
                         ("a license that is a number", '{"license": 5}', 'its "license" is not a string')):
    src = os.path.join(safe, "bad-package.json")
    open(src, "w").write(body)
    d = os.path.join(safe, "meta-bad")
    r = pack([HELLO, "--glue", GO_GLUE, "-q", "--npm", d, "--package-json", src])
    eq(r.returncode, 2, f"npm metadata: --package-json {label}: refused, exit 2", r.stderr)
    eq(err_lines(r), [f"gowasm-pack: {src}: {msg}"] if msg != "not JSON: line 1" else err_lines(r)[:1],
       f"npm metadata: --package-json {label}: one line naming the file", r.stderr)
    ok(msg in text(r.stderr) and not os.path.exists(d), f"npm metadata: --package-json {label}: says {msg!r}, "
       "nothing written", r.stderr)
# verify: a package.json edited after pack.
d = os.path.join(safe, "meta-flags")
for label, edit, msg in (
        ("a license npm does not accept", lambda p: p.update(license="GPL 3"), "is not an SPDX expression"),
        ("repository as a string", lambda p: p.update(repository="https://example.com/a.git"),
         '"repository": a key gowasm-pack does not write'),
        ("engines removed", lambda p: p.pop("engines"), '"engines" is not what gowasm-pack writes')):
    e = os.path.join(safe, "meta-edit")
    shutil.rmtree(e, ignore_errors=True)
    shutil.copytree(d, e)
    pj = json.load(open(os.path.join(e, "package.json")))
    edit(pj)
    json.dump(pj, open(os.path.join(e, "package.json"), "w"))
    r = verify(e)
    eq(r.returncode, 1, f"npm metadata: verify: {label}: invalid", r.stderr)
    ok(msg in text(r.stderr), f"npm metadata: verify: {label}: says {msg!r}", r.stderr)
for label, name, edit, msg in (
        ("README.md edited", "README.md", lambda b: b.replace(b"## Use", b"## Usage"), "is not the README gowasm-pack"),
        ("LICENSE.wasm_exec.js not Go's", "LICENSE.wasm_exec.js", lambda b: b"MIT License\n", "is not Go's licence"),
        ("item CJS on Node 18: loader.cjs importing another file", "loader.cjs",
         lambda b: b.replace(b'import("./loader.mjs")', b'import("./other.mjs")'), "is not the CommonJS entry gowasm-pack"),
        ("item CJS on Node 18: loader.cjs's bundle with another integrity", "loader.cjs",
         lambda b: b.replace(b'"integrity": "sha384-', b'"integrity": "sha384-A'), "is not the CommonJS entry gowasm-pack")):
    e = os.path.join(safe, "meta-edit")
    shutil.rmtree(e, ignore_errors=True)
    shutil.copytree(d, e)
    fp = os.path.join(e, name)
    data = edit(open(fp, "rb").read())
    open(fp, "wb").write(data)
    man = json.load(open(os.path.join(e, "manifest.json")))
    for f in man["files"]:
        if f["path"] == name:
            f["size"], f["sha256"], f["integrity"] = len(data), hashlib.sha256(data).hexdigest(), sri(data)
    json.dump(man, open(os.path.join(e, "manifest.json"), "w"))
    r = verify(e)
    eq(r.returncode, 1, f"npm metadata: verify: {label} (manifest rehashed): invalid", r.stderr)
    ok(msg in text(r.stderr), f"npm metadata: verify: {label}: says {msg!r}", r.stderr)
# item CJS on Node 18: a bundle without its CommonJS entry (file and listing removed).
e = os.path.join(safe, "meta-edit")
shutil.rmtree(e, ignore_errors=True)
shutil.copytree(os.path.join(safe, "meta-flags"), e)
os.remove(os.path.join(e, "loader.cjs"))
man = json.load(open(os.path.join(e, "manifest.json")))
man["files"] = [f for f in man["files"] if f["path"] != "loader.cjs"]
json.dump(man, open(os.path.join(e, "manifest.json"), "w"))
r = verify(e)
eq(r.returncode, 1, "item CJS on Node 18: verify: a bundle without loader.cjs is invalid", r.stderr)
ok("loader.cjs: missing" in text(r.stderr), "item CJS on Node 18: verify: says loader.cjs is missing", r.stderr)

# ---------------------------------------------------------------- 5. tampering

tam = os.path.join(tmp, "tamper")
os.mkdir(tam)
BATCHED_ZIP = bundles.get("bridge-batched")
hello_entries = dict((i.filename, d) for i, d in zip_entries(HELLO_ZIP))
HMOD = "hello.wasm"


def expect_invalid(zp, label, substr, where=None, code=1):
    """verify exits `code`; text mode names the problem; --json lists it."""
    r = verify(zp)
    eq(r.returncode, code, f"{label}: gowasm-verify exits {code}", r.stdout + r.stderr)
    err = text(r.stderr)
    if code == 1:
        ok(substr in err, f"{label}: the message says {substr!r}", err)
        ok(re.search(r": invalid: \d+ problems?\n$", err), f"{label}: the last line counts the problems", err)
        eq(r.stdout, b"", f"{label}: nothing on stdout")
        vj, _ = verify_json(zp)
        probs = (vj or {}).get("problems", [])
        ok(vj and vj.get("valid") is False and any(substr in p["message"] and (where is None or p["where"] == where)
                                                   for p in probs),
           f"{label}: --json: valid false, the problem listed" + (f" at {where}" if where else ""), probs)
    else:
        lines = err.splitlines()
        ok(len(lines) == 1 and lines[0].startswith(f"gowasm-verify: {zp}: ") and substr in lines[0],
           f"{label}: one line naming the file, {substr!r}", err)
        eq(r.stdout, b"", f"{label}: nothing on stdout")
    return r


def flip(data, pos):
    b = bytearray(data)
    b[pos] ^= 0x01
    return bytes(b)


def tz(name):
    return os.path.join(tam, name)


# One byte in the module (in its data, past the header).
mod = hello_entries[HMOD]
zp = rebuild(HELLO_ZIP, tz("module-byte.zip"), replace={HMOD: flip(mod, len(mod) // 2)})
expect_invalid(zp, "one byte changed in the module", "differs from the manifest's", where=HMOD)
expect_invalid(zp, "one byte changed in the module (the loader)", "loads hello.wasm with integrity", where="loader.mjs")

# One byte in manifest.json: several fields, each must be caught.
man_text = hello_entries["manifest.json"]
for label, old, new, substr in (
        ("the version string", b'"version": "1.2.3"', b'"version": "1.2.4"', "version"),
        ("the name", b'"name": "hello"', b'"name": "hellp"', "name"),
        ("the Go version", b'"go1.19.8"', b'"go1.19.9"', "\"go\" does not match the bundle"),
        ("a sha256 digit", None, None, "differs from the manifest's"),
        ("a size digit", None, None, "the manifest says"),
        ("memory initial", None, None, "\"memory\" does not match the bundle"),
        ("a capability", b'"stdio"', b'"stdin"', "\"capabilities\""),
        ("the tool name", b'"name": "gowasm-pack"', b'"name": "gowasm-pacK"', "tool")):
    if old is None:
        m = json.loads(man_text)
        if label == "a sha256 digit":
            old = m["files"][0]["sha256"].encode()
            new = old[:-1] + (b"0" if old[-1:] != b"0" else b"1")
        elif label == "a size digit":
            s = str(m["files"][0]["size"]).encode()
            old, new = b'"size": ' + s, b'"size": ' + s[:-1] + (b"0" if s[-1:] != b"0" else b"1")
        else:
            s = str(m["memory"]["initial"]).encode()
            old, new = b'"initial": ' + s, b'"initial": ' + s[:-1] + (b"0" if s[-1:] != b"0" else b"1")
    if not ok(man_text.count(old) == 1 and len(old) == len(new), f"manifest byte ({label}): the edit applies once"):
        continue
    edited = man_text.replace(old, new)
    eq(sum(a != b for a, b in zip(edited, man_text)), 1, f"manifest byte ({label}): exactly one byte differs")
    zp = rebuild(HELLO_ZIP, tz("manifest-" + re.sub(r"\W+", "-", label) + ".zip"), replace={"manifest.json": edited})
    expect_invalid(zp, f"one byte changed in manifest.json ({label})", substr)

# One byte in wasm_exec.js.
glue = hello_entries["wasm_exec.js"]
zp = rebuild(HELLO_ZIP, tz("glue-byte.zip"), replace={"wasm_exec.js": flip(glue, 200)})
expect_invalid(zp, "one byte changed in wasm_exec.js", "differs from the manifest's", where="wasm_exec.js")
# The glue changed to call another import, with the manifest re-hashed: the ABI check catches it.
if ok(b'"runtime.wasmExit"' in glue, "Go 1.19's glue names runtime.wasmExit"):
    g2 = glue.replace(b'"runtime.wasmExit"', b'"runtime.wasmExiT"', 1)
    zp = rebuild(HELLO_ZIP, tz("glue-abi.zip"), replace={"wasm_exec.js": g2}, rehash=True)
    expect_invalid(zp, "glue without runtime.wasmExit, re-hashed", "does not match the module", where="wasm_exec.js")
# go1.26's glue in a Go 1.19 bundle, re-hashed.
zp = rebuild(HELLO_ZIP, tz("glue-other.zip"), replace={"wasm_exec.js": open(ESB_GLUE, "rb").read()}, rehash=True)
expect_invalid(zp, "go1.26's glue in a Go 1.19 bundle, re-hashed", "does not match the module", where="wasm_exec.js")

# Another module under the same name, re-hashed everywhere but in the facts.
other = open(STRIPPED, "rb").read()
zp = rebuild(HELLO_ZIP, tz("module-swap.zip"), replace={HMOD: other}, rehash=True)
expect_invalid(zp, "another module, manifest re-hashed", "\"build\" does not match the bundle")
expect_invalid(zp, "another module, manifest re-hashed (loader)", "loads hello.wasm with integrity", where="loader.mjs")

# A file added.
zp = rebuild(HELLO_ZIP, tz("added.zip"), add=[("extra.js", b"alert(1)\n")])
expect_invalid(zp, "an added file", "a file the manifest does not list", where="extra.js")

# Unsafe and unexpected names.
for name, substr, label in (("../x", "a parent folder (..)", "../x"), ("/abs", "an absolute path", "/abs"),
                            ("a\\b", "a backslash", "a\\b"), ("dir/file", "bundles are flat, with no folders", "dir/file"),
                            ("C:x", "an absolute path", "C:x"), ("dir/", "bundles are flat", "a folder entry"),
                            ("x/../y", "a parent folder (..)", "x/../y")):
    zp = rebuild(HELLO_ZIP, tz("name.zip"), add=[(name, b"x")])
    with zipfile.ZipFile(zp) as z:
        ok(name in z.namelist(), f"entry {label}: written as such")
    expect_invalid(zp, f"entry named {label}", substr)
# An entry renamed to ../hello.wasm: the module is then missing too.
zp = rebuild(HELLO_ZIP, tz("renamed.zip"), rename={HMOD: "../" + HMOD})
expect_invalid(zp, "the module renamed ../hello.wasm", "a parent folder (..)")
expect_invalid(zp, "the module renamed ../hello.wasm (listed, missing)", "listed in the manifest but not in the bundle",
               where=HMOD)

# Duplicate names (zipfile warns, and writes them).
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    zp = rebuild(HELLO_ZIP, tz("dup.zip"), add=[("index.d.ts", b"export {};\n")])
with zipfile.ZipFile(zp) as z:
    eq(z.namelist().count("index.d.ts"), 2, "duplicate: the zip holds index.d.ts twice")
expect_invalid(zp, "duplicate entry names", "two entries of this name", where="index.d.ts")

# A symbolic link.
li = zipfile.ZipInfo("link.js", (2023, 11, 14, 22, 13, 20))
li.external_attr, li.create_system, li.compress_type = 0o120777 << 16, 3, zipfile.ZIP_STORED
zp = rebuild(HELLO_ZIP, tz("symlink.zip"), add=[(li, b"/etc/passwd")])
expect_invalid(zp, "a symbolic link entry", "a symbolic link", where="link.js")
# The module itself replaced by a symlink to it (same name, listed).
li = zipfile.ZipInfo("wasm_exec.js", (2023, 11, 14, 22, 13, 20))
li.external_attr, li.create_system, li.compress_type = 0o120777 << 16, 3, zipfile.ZIP_STORED
zp = rebuild(HELLO_ZIP, tz("symlink-glue.zip"), drop={"wasm_exec.js"}, add=[(li, b"/usr/lib/go/misc/wasm/wasm_exec.js")])
expect_invalid(zp, "wasm_exec.js as a symbolic link", "a symbolic link", where="wasm_exec.js")

# A listed file removed.
zp = rebuild(HELLO_ZIP, tz("removed.zip"), drop={"index.d.ts"})
expect_invalid(zp, "a listed file removed", "listed in the manifest but not in the bundle", where="index.d.ts")
zp = rebuild(HELLO_ZIP, tz("no-manifest.zip"), drop={"manifest.json"})
expect_invalid(zp, "manifest.json removed", "the bundle has no manifest", where="manifest.json")
zp = rebuild(HELLO_ZIP, tz("no-module.zip"), drop={HMOD}, manifest=lambda m: m.update(
    files=[f for f in m["files"] if f["path"] != HMOD]))
expect_invalid(zp, "the module removed and unlisted", "the module the manifest names is not in the bundle")
zp = rebuild(HELLO_ZIP, tz("no-glue.zip"), drop={"wasm_exec.js"}, manifest=lambda m: m.update(
    files=[f for f in m["files"] if f["path"] != "wasm_exec.js"]))
expect_invalid(zp, "the glue removed and unlisted", "the bundle has no wasm_exec.js")
zp = rebuild(HELLO_ZIP, tz("no-loader.zip"), drop={"loader.mjs"}, manifest=lambda m: m.update(
    files=[f for f in m["files"] if f["path"] != "loader.mjs"]))
expect_invalid(zp, "the loader removed and unlisted", "the bundle has no loader")

# The companion: removed from a batched bundle, added to an unbatched one.
if ok(BATCHED_ZIP, "batched bundle available"):
    zp = rebuild(BATCHED_ZIP, tz("batched-no-companion.zip"), drop={"gowasm-batch.mjs"})
    expect_invalid(zp, "companion removed from a batched bundle", "batched but the bundle has no companion")
    zp = rebuild(BATCHED_ZIP, tz("batched-no-companion-unlisted.zip"), drop={"gowasm-batch.mjs"},
                 manifest=lambda m: m.update(files=[f for f in m["files"] if f["path"] != "gowasm-batch.mjs"]))
    expect_invalid(zp, "companion removed and unlisted from a batched bundle", "batched but the bundle has no companion")
    cb = dict((i.filename, d) for i, d in zip_entries(BATCHED_ZIP))["gowasm-batch.mjs"]
    zp = rebuild(BATCHED_ZIP, tz("batched-companion-byte.zip"), replace={"gowasm-batch.mjs": flip(cb, 500)})
    expect_invalid(zp, "one byte changed in the companion", "differs from the manifest's", where="gowasm-batch.mjs")


def add_listed(name, data, role):
    def edit(m):
        m["files"].append({"path": name, "role": role, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                           "integrity": sri(data)})
        m["files"].sort(key=lambda f: f["path"])
    return edit


zp = rebuild(HELLO_ZIP, tz("unbatched-companion.zip"), add=[("gowasm-batch.mjs", companion_bytes)],
             manifest=add_listed("gowasm-batch.mjs", companion_bytes, "companion"))
expect_invalid(zp, "companion added (and listed) to an unbatched bundle", "a companion in a bundle whose module is not "
               "batched", where="gowasm-batch.mjs")
zp = rebuild(HELLO_ZIP, tz("unbatched-companion-unlisted.zip"), add=[("gowasm-batch.mjs", companion_bytes)])
expect_invalid(zp, "companion added (unlisted) to an unbatched bundle", "a file the manifest does not list",
               where="gowasm-batch.mjs")

# The .gz copy: a gzip of something else (manifest re-hashed), and a truncated one.
other_gz = gzip.compress(other, mtime=0)
zp = rebuild(HELLO_ZIP, tz("gz-other.zip"), replace={HMOD + ".gz": other_gz}, rehash=True)
expect_invalid(zp, "the .gz copy a gzip of another module, re-hashed", "is not a gzip copy of hello.wasm",
               where=HMOD + ".gz")
good_gz = hello_entries[HMOD + ".gz"]
zp = rebuild(HELLO_ZIP, tz("gz-trunc.zip"), replace={HMOD + ".gz": good_gz[:len(good_gz) // 2]}, rehash=True)
expect_invalid(zp, "the .gz copy truncated, re-hashed", "is not a gzip copy of hello.wasm", where=HMOD + ".gz")
zp = rebuild(HELLO_ZIP, tz("gz-tail.zip"), replace={HMOD + ".gz": good_gz + b"\0"}, rehash=True)
expect_invalid(zp, "the .gz copy with a trailing byte, re-hashed", "is not a gzip copy of hello.wasm",
               where=HMOD + ".gz")
if HMOD + ".br" in hello_entries:
    zp = rebuild(HELLO_ZIP, tz("br-other.zip"), replace={HMOD + ".br": hello_entries[HMOD + ".br"][:-8]}, rehash=True)
    expect_invalid(zp, "the .br copy truncated, re-hashed", "is not a brotli copy of hello.wasm", where=HMOD + ".br")

# The loader's integrity line, changed (and re-hashed, so only the loader check is left).
loader = hello_entries["loader.mjs"]
lb = loader_bundle(loader) or {}
if ok(lb.get("integrity", "").startswith("sha384-"), "loader.mjs has its integrity"):
    bad_sri = sri(b"something else")
    zp = rebuild(HELLO_ZIP, tz("loader-sri.zip"), replace={"loader.mjs": loader.replace(lb["integrity"].encode(),
                                                                                          bad_sri.encode())}, rehash=True)
    expect_invalid(zp, "the loader's integrity changed, re-hashed", "loads hello.wasm with integrity " + bad_sri,
                   where="loader.mjs")
    zp = rebuild(HELLO_ZIP, tz("loader-module.zip"), replace={"loader.mjs": loader.replace(
        b'"module": "hello.wasm"', b'"module": "other.wasm"')}, rehash=True)
    expect_invalid(zp, "the loader loading another module, re-hashed", "loads other.wasm with integrity",
                   where="loader.mjs")
    zp = rebuild(HELLO_ZIP, tz("loader-companion.zip"), replace={"loader.mjs": loader.replace(
        b'"companion": null', b'"companion": "gowasm-batch.mjs"')}, rehash=True)
    expect_invalid(zp, "an unbatched loader asking for a companion, re-hashed", "does not load the bundle's companion",
                   where="loader.mjs")
    zp = rebuild(HELLO_ZIP, tz("loader-line.zip"), replace={"loader.mjs": loader.replace(
        b"export const bundle = ", b"export const bundles = ")}, rehash=True)
    expect_invalid(zp, "a loader without its bundle line, re-hashed", "has no `export const bundle", where="loader.mjs")

# One byte of the stored .gz copy flipped in the raw zip: its CRC no longer matches.
raw = bytearray(open(HELLO_ZIP, "rb").read())
with zipfile.ZipFile(HELLO_ZIP) as z:
    gi = z.getinfo(HMOD + ".gz")
nlen, xlen = struct.unpack_from("<HH", raw, gi.header_offset + 26)
eq(gi.compress_type, zipfile.ZIP_STORED, "the .gz copy is stored (its bytes are in the zip as is)")
raw[gi.header_offset + 30 + nlen + xlen + 1000] ^= 0x01
p = tz("crc.zip")
with open(p, "wb") as f:
    f.write(raw)
expect_invalid(p, "a byte flipped inside a stored entry (CRC mismatch)", "CRC error", where=HMOD + ".gz")

# Not readable zips: exit 2.
whole = open(HELLO_ZIP, "rb").read()
for label, blob in (("a truncated zip (half)", whole[:len(whole) // 2]),
                    ("a zip cut before its end record", whole[:-10]),
                    ("an empty file", b""),
                    ("a file that is not a zip (a wasm module)", open(HELLO, "rb").read()),
                    ("a text file", b"hello\n")):
    p = tz(re.sub(r"\W+", "-", label) + ".zip")
    with open(p, "wb") as f:
        f.write(blob)
    expect_invalid(p, label, "not a readable zip", code=2)
r = verify(tz("does-not-exist.zip"))
ok(r.returncode == 2 and len(err_lines(r)) == 1 and "does-not-exist.zip" in text(r.stderr), "a missing file: exit 2, one line",
   r.stderr)
# An empty zip (only its end record) is a zip: invalid, not unreadable.
p = tz("empty-archive.zip")
zipfile.ZipFile(p, "w").close()
eq(os.path.getsize(p), 22, "the empty archive is a bare end-of-central-directory record")
expect_invalid(p, "an empty zip archive", "the bundle has no manifest")

# Zip bombs, in bounded memory and time. The peak RSS is read from wait4
# in a fresh Python (a fork of this process would carry this one's RSS).
MEASURE = r"""
import json, os, subprocess, sys, time
res = sys.argv[1]
t = time.monotonic()
with open(res + ".out", "wb") as o, open(res + ".err", "wb") as e:
    p = subprocess.Popen(sys.argv[2:], stdout=o, stderr=e)
    _, st, ru = os.wait4(p.pid, 0)
secs = time.monotonic() - t
json.dump({"rc": os.waitstatus_to_exitcode(st), "maxrss_kb": ru.ru_maxrss, "seconds": secs,
           "stdout": open(res + ".out", "rb").read().decode("utf-8", "replace"),
           "stderr": open(res + ".err", "rb").read().decode("utf-8", "replace")}, open(res, "w"))
"""


def measured_verify(zp):
    res = zp + ".rusage.json"
    run([sys.executable, "-c", MEASURE, res, VERIFY, zp], timeout=120)
    try:
        return json.load(open(res))
    except (OSError, ValueError):
        return {"rc": None, "maxrss_kb": None, "seconds": None, "stderr": "", "stdout": ""}


def bomb_zip(path, mib, with_bundle):
    info = zipfile.ZipInfo("bomb.bin", (2023, 11, 14, 22, 13, 20))
    info.external_attr, info.create_system, info.compress_type = 0o100644 << 16, 3, zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as zo:
        if with_bundle:
            for i, d in zip_entries(HELLO_ZIP):
                zo.writestr(i, d, compress_type=i.compress_type)
        with zo.open(info, "w", force_zip64=True) as f:
            chunk = bytes(MIB)
            for _ in range(mib):
                f.write(chunk)
    return path


for mib, with_bundle, label in ((600, False, "a 600 MiB zip bomb alone"),
                                (600, True, "a 600 MiB zip bomb in a valid bundle"),
                                (100, False, "a 100 MiB zip bomb (under the entry limit)")):
    p = bomb_zip(tz(f"bomb-{mib}-{int(with_bundle)}.zip"), mib, with_bundle)
    with zipfile.ZipFile(p) as z:
        declared = z.getinfo("bomb.bin").file_size
    eq(declared, mib * MIB, f"{label}: the zip declares {mib} MiB")
    ok(os.path.getsize(p) < 4 * MIB, f"{label}: the zip itself is small ({os.path.getsize(p)} bytes)")
    m = measured_verify(p)
    eq(m["rc"], 1, f"{label}: gowasm-verify exits 1", m["stderr"][-800:])
    ok("zip bomb" in m["stderr"] and "bomb.bin" in m["stderr"], f"{label}: a 'zip bomb' problem on bomb.bin", m["stderr"])
    ok(m["maxrss_kb"] is not None and m["maxrss_kb"] < 200 * 1024, f"{label}: peak RSS under 200 MB",
       f"{m['maxrss_kb']} KB")
    ok(m["seconds"] is not None and m["seconds"] < 30, f"{label}: finishes in under 30 s", m["seconds"])
    if with_bundle:
        ok(m["stderr"].endswith(": invalid: 1 problem\n"), f"{label}: the bomb is the only problem", m["stderr"])
    os.unlink(p)


def patch_declared_size(path, name, usize):
    """Rewrites the uncompressed size of one entry in its local header and
    in the central directory (a zip whose directory lies)."""
    data = bytearray(open(path, "rb").read())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    lh = info.header_offset
    assert data[lh:lh + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, lh + 22, usize)
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_off = struct.unpack_from("<II", data, eocd + 12)
    p, patched = cd_off, 0
    while p < cd_off + cd_size:
        assert data[p:p + 4] == b"PK\x01\x02"
        nlen, xlen, clen = struct.unpack_from("<HHH", data, p + 28)
        if bytes(data[p + 46:p + 46 + nlen]) == name.encode():
            struct.pack_into("<I", data, p + 24, usize)
            patched += 1
        p += 46 + nlen + xlen + clen
    with open(path, "wb") as f:
        f.write(data)
    return patched


for with_bundle, label in ((False, "a lying directory alone"), (True, "a lying directory in a valid bundle")):
    p = tz(f"lie-{int(with_bundle)}.zip")
    info = zipfile.ZipInfo("pad.bin", (2023, 11, 14, 22, 13, 20))
    info.external_attr, info.create_system, info.compress_type = 0o100644 << 16, 3, zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(p, "w") as zo:
        if with_bundle:
            for i, d in zip_entries(HELLO_ZIP):
                zo.writestr(i, d, compress_type=i.compress_type)
        zo.writestr(info, bytes(50 * MIB))
    eq(patch_declared_size(p, "pad.bin", 1000), 1, f"{label}: the directory entry patched")
    with zipfile.ZipFile(p) as z:
        eq(z.getinfo("pad.bin").file_size, 1000, f"{label}: declares 1000 bytes (the data inflates to 50 MiB)")
    m = measured_verify(p)
    eq(m["rc"], 1, f"{label}: gowasm-verify exits 1", m["stderr"][-800:])
    ok(re.search(r"pad\.bin: (inflates beyond its declared size|cannot be decompressed|.*CRC)", m["stderr"]),
       f"{label}: pad.bin inflates beyond its declared size (or a CRC/size error)", m["stderr"])
    ok(m["maxrss_kb"] is not None and m["maxrss_kb"] < 200 * 1024, f"{label}: peak RSS under 200 MB",
       f"{m['maxrss_kb']} KB")
    ok(m["seconds"] is not None and m["seconds"] < 30, f"{label}: finishes in under 30 s", m["seconds"])

# A 600 MiB declaration over stored random data (compressed 171:1, under the
# ratio limit): the per-entry limit refuses it before anything is read.
p = tz("declared-600.zip")
info = zipfile.ZipInfo("big.bin", (2023, 11, 14, 22, 13, 20))
info.external_attr, info.create_system, info.compress_type = 0o100644 << 16, 3, zipfile.ZIP_STORED
with zipfile.ZipFile(p, "w") as zo:
    zo.writestr(info, os.urandom(int(3.5 * MIB)))
patch_declared_size(p, "big.bin", 600 * MIB)
m = measured_verify(p)
eq(m["rc"], 1, "600 MiB declared over 3.5 MiB stored: exit 1", m["stderr"])
ok("big.bin: declares 629145600 bytes uncompressed, over the limit" in m["stderr"] and "zip bomb" in m["stderr"],
   "600 MiB declared over 3.5 MiB stored: over the per-entry limit (a zip bomb)", m["stderr"])
ok(m["maxrss_kb"] is not None and m["maxrss_kb"] < 200 * 1024, "600 MiB declared: peak RSS under 200 MB",
   f"{m['maxrss_kb']} KB")
# 400 MiB declared (under the entry limit) over 2.5 MiB stored: read, found short, in bounded memory.
p = tz("declared-400.zip")
with zipfile.ZipFile(p, "w") as zo:
    zo.writestr(info, os.urandom(int(2.5 * MIB)))
patch_declared_size(p, "big.bin", 400 * MIB)
m = measured_verify(p)
eq(m["rc"], 1, "400 MiB declared over 2.5 MiB stored: exit 1", m["stderr"])
ok(re.search(r"big\.bin: (holds 2621440 bytes, not the 419430400|stored, but declares 419430400 bytes for 2621440|"
             r"cannot be (read|decompressed))", m["stderr"]),
   "400 MiB declared over 2.5 MiB stored: a size problem", m["stderr"])
# gowasm-verify allocates an entry's declared size before reading it (meson's
# MALLOC_PERTURB_ touches that allocation): the documented bound is 512 MiB
# per entry, so that is what is asserted here.
ok(m["maxrss_kb"] is not None and m["maxrss_kb"] < 600 * 1024,
   "400 MiB declared: peak RSS within the documented per-entry bound (512 MiB, under 600 MB)", f"{m['maxrss_kb']} KB")
ok(m["seconds"] is not None and m["seconds"] < 30, "400 MiB declared: finishes in under 30 s", m["seconds"])

# A declared size larger than the data: "holds N bytes, not the M it declares".
p = tz("short.zip")
info = zipfile.ZipInfo("pad.bin", (2023, 11, 14, 22, 13, 20))
info.external_attr, info.create_system, info.compress_type = 0o100644 << 16, 3, zipfile.ZIP_DEFLATED
with zipfile.ZipFile(p, "w") as zo:
    zo.writestr(info, os.urandom(4000))
patch_declared_size(p, "pad.bin", 5000)
m = measured_verify(p)
ok(m["rc"] == 1 and re.search(r"pad\.bin: (holds 4000 bytes, not the 5000|cannot be decompressed|.*CRC)", m["stderr"]),
   "a directory declaring more than the data holds: exit 1, a size or CRC problem", m["stderr"])

# ---------------------------------------------------------------- 6. bad input to gowasm-pack

bad = os.path.join(tmp, "bad")
os.mkdir(bad)
wat = os.path.join(bad, "tiny.wat")
with open(wat, "w") as f:
    f.write('(module (memory (export "mem") 1) (func (export "run") (param i32 i32)))\n')
nongo = os.path.join(bad, "tiny.wasm")
r = run(["wat2wasm", wat, "-o", nongo])
ok(r.returncode == 0, "wat2wasm builds a tiny module", r.stderr)
trunc = os.path.join(bad, "trunc.wasm")
with open(trunc, "wb") as f:
    f.write(open(HELLO, "rb").read()[:5000])
notwasm = os.path.join(bad, "notwasm.wasm")
with open(notwasm, "w") as f:
    f.write("hello\n")
out = os.path.join(bad, "out.zip")
before = listing(bad)
for args, label, what in (
        ([nongo, "--glue", GO_GLUE], "a non-Go module", "not a Go js/wasm module"),
        ([trunc, "--glue", GO_GLUE], "a truncated module", trunc + ": "),
        ([notwasm, "--glue", GO_GLUE], "a file that is not WebAssembly", notwasm + ": "),
        ([os.path.join(bad, "missing.wasm"), "--glue", GO_GLUE], "a missing module", "missing.wasm"),
        ([HELLO, "--glue", os.path.join(bad, "missing.js")], "a missing glue", "missing.js")):
    r = pack(args + ["-o", out])
    eq(r.returncode, 2, f"pack {label}: exit 2", r.stdout + r.stderr)
    lines = err_lines(r)
    ok(len(lines) == 1 and lines[0].startswith("gowasm-pack: ") and what in lines[0],
       f"pack {label}: one line saying {what!r}", r.stderr)
    eq(r.stdout, b"", f"pack {label}: nothing on stdout")
    eq(listing(bad), before, f"pack {label}: no output written")

for args, label, what in (
        (["--name", "Bad Name"], "--name with a space and capitals", "--name: 'Bad Name' is not a valid package name"),
        (["--name", "@scope"], "--name @scope without a package", "--name: '@scope' is not a valid package name"),
        (["--name", ".hidden"], "--name starting with a dot", "--name: '.hidden' is not a valid package name"),
        (["--name", "x" * 215], "--name of 215 characters", "is not a valid package name"),
        (["--pkg-version", ""], "an empty --pkg-version", "--pkg-version: '' is not a valid version"),
        (["--pkg-version", "1.0 beta"], "--pkg-version with a space", "--pkg-version: '1.0 beta' is not a valid version"),
        (["--pkg-version", "-1"], "--pkg-version starting with -", "--pkg-version: '-1' is not a valid version"),
        (["--pkg-version", "1" * 129], "--pkg-version of 129 characters", "is not a valid version"),
        (["--brotli-quality", "12"], "--brotli-quality 12", "--brotli-quality: expected 0 to 11, not '12'"),
        (["--brotli-quality", "-1"], "--brotli-quality -1", "--brotli-quality: expected 0 to 11, not '-1'"),
        (["--brotli-quality", "5x"], "--brotli-quality 5x", "--brotli-quality: expected 0 to 11, not '5x'"),
        (["--target", "deno"], "--target deno", "--target: expected browser or node, not 'deno'"),
        (["--bogus"], "an unknown option", "unknown option '--bogus'")):
    r = pack([HELLO, "--glue", GO_GLUE, *args, "-o", out])
    eq(r.returncode, 2, f"pack {label}: exit 2", r.stdout + r.stderr)
    lines = err_lines(r)
    ok(len(lines) == 2 and lines[0].startswith("gowasm-pack: ") and what in lines[0],
       f"pack {label}: the usage message {what!r}", r.stderr)
    ok(len(lines) == 2 and lines[1] == "Try 'gowasm-pack --help' for more information.",
       f"pack {label}: then the --help hint", r.stderr)
    eq(listing(bad), before, f"pack {label}: no output written")
for val in ("abc", "-5", "1e9", "253402300800"):
    r = run([PACK, HELLO, "--glue", GO_GLUE, "-o", out], env=env_with(None, SOURCE_DATE_EPOCH=val))
    ok(r.returncode == 2 and f"SOURCE_DATE_EPOCH: '{val}' is not a time" in text(r.stderr),
       f"pack with SOURCE_DATE_EPOCH={val!r}: exit 2, says why", r.stderr)
    eq(listing(bad), before, f"pack with SOURCE_DATE_EPOCH={val!r}: no output written")
r = pack([HELLO, "--glue", GO_GLUE])
ok(r.returncode == 2 and "no output" in text(r.stderr), "pack without -o or --npm: exit 2, no output", r.stderr)
for args, label in ((["--help"], "--help"), (["-h"], "-h")):
    r = run([PACK, *args])
    ok(r.returncode == 0 and text(r.stdout).startswith("Usage: gowasm-pack") and "SOURCE_DATE_EPOCH" in text(r.stdout),
       f"gowasm-pack {label}: usage on stdout, exit 0", r.stderr)
r = run([VERIFY, "--help"])
ok(r.returncode == 0 and text(r.stdout).startswith("Usage: gowasm-verify") and "zip bomb" in text(r.stdout),
   "gowasm-verify --help: usage on stdout, exit 0", r.stderr)
r = run([VERIFY])
ok(r.returncode == 2 and "no input file" in text(r.stderr), "gowasm-verify without a file: exit 2", r.stderr)
r = run([VERIFY, "-q", HELLO_ZIP])
ok(r.returncode == 0 and r.stdout == b"" and r.stderr == b"", "gowasm-verify -q on a valid bundle: exit 0, silent",
   r.stdout + r.stderr)
r = run([VERIFY, "-q", tz("added.zip")])
ok(r.returncode == 1 and r.stdout == b"" and r.stderr == b"", "gowasm-verify -q on an invalid bundle: exit 1, silent",
   r.stdout + r.stderr)

# ---------------------------------------------------------------- inputs never modified

eq({p: sha256(p) for p in INPUTS}, input_shas, "no input module or glue was modified (sha256 before and after)")
eq(sha256(BATCHED), batched_sha, "the batched module was not modified by packing it")

shutil.rmtree(tmp, ignore_errors=True)
