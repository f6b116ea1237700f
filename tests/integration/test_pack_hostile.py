# SPDX-License-Identifier: MIT
"""gowasm-pack and gowasm-verify against hostile bundles (issue 10).

A bundle that gowasm-verify accepts must be exactly what unzip, Python's
zipfile and the loader extract and run. Each hostile zip here is built
byte by byte; where another reader sees something else than the bundle's
first reading, that is asserted with the real reader, and gowasm-verify
must reject it.

item 1   symbolic links whatever the "made by" host byte
item 2   the zip's layout: appended, prepended, hidden and overlapping data,
         a second end record, a comment, local headers that disagree
item 3   one file per role, under its one name; names unique ignoring case
item 4   a glue that does not define globalThis.Go as the loader runs it
item 5   wabt's validator in memory proportional to the module; deep nesting
item 6   pack never writes a bundle verify rejects (build id with a NUL,
         100k imports, a module that compresses like a bomb)
item 7   the npm package folder and the .tgz npm pack makes of it
item 22  the entry count bounded from the end record, before any reading
item 23  corrupt sizes named as such; --npm into a symbolic link
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from tap import ok, eq, bail, env_path, go_fixture, run  # noqa: E402
import pclnsynth  # noqa: E402

PACK = env_path("GOWASM_PACK")
VERIFY = env_path("GOWASM_VERIFY")
GO_GLUE = os.environ.get("GOWASM_GO_GLUE", "/usr/lib/go-1.19/misc/wasm/wasm_exec.js")
SDE = 1700000000
MIB = 1 << 20
NODE = shutil.which("node") or shutil.which("nodejs")
for tool in ("unzip",):
    if not shutil.which(tool):
        bail(f"{tool} is not installed")
if not os.path.isfile(GO_GLUE):
    bail(f"Go 1.19's wasm_exec.js is not at {GO_GLUE}")

HELLO = go_fixture("hello")
tmp = tempfile.mkdtemp(prefix="gowasm-pack-hostile-")


def T(name):
    return os.path.join(tmp, name)


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else (b or "")


def pack(args):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(SDE))
    return run([PACK] + args, env=env, timeout=600)


def verify(path, *opts):
    return run([VERIFY, *opts, path], timeout=300)


def measured(args):
    """Exit code, peak RSS (KB) and seconds of one command."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M %e", *args], capture_output=True, timeout=300)
    lines = text(r.stderr).strip().splitlines()
    try:
        kb, secs = lines[-1].split()
        kb, secs = int(kb), float(secs)
        err = "\n".join(lines[:-1])
    except (ValueError, IndexError):
        kb, secs, err = None, None, text(r.stderr)
    rc = r.returncode
    if lines and lines[-2:-1] and lines[-2].startswith("Command terminated by signal"):
        rc = -int(lines[-2].split()[-1])
    return rc, kb, secs, err


# ------------------------------------------------------------- a raw zip writer

class E:
    """One entry: the bytes of its local header and data, and its central
    directory record, each editable before writing."""

    def __init__(self, name, data, method=8, host=3, mode=0o100644, flags=0):
        self.name = name.encode() if isinstance(name, str) else name
        self.data = data
        self.method = method
        self.comp = zlib.compress(data, 9)[2:-4] if method == 8 else data
        self.crc = zlib.crc32(data)
        self.host, self.mode, self.flags = host, mode, flags
        self.local_name = self.name
        self.local_csize = None  # override of the local header's compressed size
        self.central_csize = None

    def local(self):
        cs = len(self.comp) if self.local_csize is None else self.local_csize
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, self.flags, self.method, 0, 0x5000, self.crc, cs,
                           len(self.data), len(self.local_name), 0) + self.local_name + self.comp

    def central(self, off):
        cs = len(self.comp) if self.central_csize is None else self.central_csize
        return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (self.host << 8) | 20, 20, self.flags, self.method, 0,
                           0x5000, self.crc, cs, len(self.data), len(self.name), 0, 0, 0, 0,
                           (self.mode << 16) & 0xFFFFFFFF, off) + self.name


def raw_zip(entries, prefix=b"", between=None, comment=b"", extra_central=()):
    """The zip of `entries`: optional bytes before them (offsets account for
    them), `between` = (index, bytes) inserted after an entry, and extra
    central records [(entry, offset)] pointing anywhere."""
    out = bytearray(prefix)
    offs = []
    for i, e in enumerate(entries):
        offs.append(len(out))
        out += e.local()
        if between and between[0] == i:
            out += between[1]
    cd = len(out)
    n = 0
    for e, o in zip(entries, offs):
        out += e.central(o)
        n += 1
    for e, o in extra_central:
        out += e.central(o)
        n += 1
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(out) - cd, cd, len(comment)) + comment
    return bytes(out)


def bundle_entries(zpath):
    with zipfile.ZipFile(zpath) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def rehashed(entries, replace=None, manifest=None):
    """The entries with some replaced (name -> bytes) and the manifest's
    size and hashes rewritten for them; manifest(dict) edits it further."""
    import base64
    replace = replace or {}
    out, man = [], None
    for n, d in entries:
        if n == "manifest.json":
            man = json.loads(d)
    for f in man["files"]:
        if f["path"] in replace:
            d = replace[f["path"]]
            f["size"], f["sha256"] = len(d), hashlib.sha256(d).hexdigest()
            f["integrity"] = "sha384-" + base64.b64encode(hashlib.sha384(d).digest()).decode()
    if manifest:
        manifest(man)
    for n, d in entries:
        if n == "manifest.json":
            d = (json.dumps(man, indent=2) + "\n").encode()
        out.append((n, replace.get(n, d)))
    return out


def unzip_dir(zpath, name):
    d = T(name)
    os.mkdir(d)
    r = run(["unzip", "-qq", "-o", zpath, "-d", d], timeout=60)
    return d, r


def expect_rejected(zpath, label, substr):
    r = verify(zpath)
    eq(r.returncode, 1, f"{label}: gowasm-verify exits 1", text(r.stdout) + text(r.stderr))
    ok(substr in text(r.stderr), f"{label}: the message says {substr!r}", text(r.stderr))
    return r


# ----------------------------------------------------------- the base bundle

HZIP = T("hello.zip")
r = pack([HELLO, "--glue", GO_GLUE, "--name", "hello", "--pkg-version", "1.0.0", "-o", HZIP, "-q"])
if r.returncode != 0:
    bail("gowasm-pack hello: " + text(r.stderr))
eq(verify(HZIP).returncode, 0, "the hello bundle verifies")
BASE = bundle_entries(HZIP)
BASE_D = dict(BASE)

good = T("raw-good.zip")
open(good, "wb").write(raw_zip([E(n, d) for n, d in BASE]))
eq(verify(good).returncode, 0, "the raw zip writer's copy of the bundle verifies (the writer is right)",
   text(verify(good).stderr))

# ------------------------------------------------------------------ item 1

TARGET = b"../../../../etc/passwd"
for host, hname in ((3, "Unix"), (30, "AtheOS"), (16, "BeOS"), (2, "VMS"), (0, "MS-DOS")):
    es = [E(n, d) for n, d in rehashed(BASE, {"index.d.ts": TARGET})]
    for e in es:
        if e.name == b"index.d.ts":
            e.host, e.mode = host, 0o120777
    p = T(f"symlink-{host}.zip")
    open(p, "wb").write(raw_zip(es))
    d, _ = unzip_dir(p, f"symlink-{host}")
    if host in (3, 30, 16):
        ok(os.path.islink(os.path.join(d, "index.d.ts")),
           f"item 1: unzip extracts index.d.ts from a {hname}-host entry as a symbolic link (the threat is real)")
    expect_rejected(p, f"item 1: a symbolic link from a {hname} host (0x{host:02x})", "index.d.ts: a symbolic link")

for mode, what in ((0o040755, "a folder mode"), (0o020644, "a character device mode"), (0o010644, "a FIFO mode")):
    es = [E(n, d) for n, d in BASE]
    es[-1].mode, es[-1].host = mode, 30
    p = T(f"mode-{mode:o}.zip")
    open(p, "wb").write(raw_zip(es))
    expect_rejected(p, f"item 1: an entry of {what} (host AtheOS)", "not a plain file")

# ------------------------------------------------------------------ item 2

evil_loader = BASE_D["loader.mjs"].replace(b"export async function run", b"globalThis.pwned = 1;\nexport async function run")
ok(evil_loader != BASE_D["loader.mjs"], "item 2: an evil loader.mjs differs from the bundle's")


def loader_seen_by_python(p):
    try:
        with zipfile.ZipFile(p) as z:
            return z.read("loader.mjs")
    except Exception as ex:  # noqa: BLE001
        return repr(ex).encode()


def loader_seen_by_unzip(p):
    r = run(["unzip", "-p", p, "loader.mjs"], timeout=60)
    return r.stdout


good_bytes = open(good, "rb").read()
evil_bytes = raw_zip([E(n, evil_loader if n == "loader.mjs" else d) for n, d in BASE])

# A second archive appended, its offsets made right for where it sits: two
# end records; readers take the last.
second = raw_zip([E(n, evil_loader if n == "loader.mjs" else d) for n, d in BASE], prefix=good_bytes)
p = T("two-eocd.zip")
open(p, "wb").write(second)
ok(second.count(b"PK\x05\x06") == 2, "item 2: the zip holds two end of central directory records")
eq(loader_seen_by_python(p), evil_loader, "item 2: two EOCD records: Python's zipfile extracts the evil loader.mjs")
eq(loader_seen_by_unzip(p), evil_loader, "item 2: two EOCD records: unzip extracts the evil loader.mjs")
expect_rejected(p, "item 2: two EOCD records rejected", "belong to no entry")

# Prepended bytes: Python and unzip find the entries anyway.
p = T("prepended.zip")
open(p, "wb").write(raw_zip([E(n, d) for n, d in BASE], prefix=b"#!/bin/sh\necho hi\nexit 0\n"))
eq(loader_seen_by_python(p), BASE_D["loader.mjs"], "item 2: prepended data: Python's zipfile reads the zip")
expect_rejected(p, "item 2: prepended data rejected", "belong to no entry")

# Appended bytes after the end record.
p = T("appended.zip")
open(p, "wb").write(good_bytes + evil_bytes[:100])
expect_rejected(p, "item 2: bytes after the end record rejected", "follow the end of central directory record")

# An archive comment that holds the evil archive.
p = T("comment.zip")
cbytes = raw_zip([E(n, d) for n, d in BASE], comment=b"x" * 10)
open(p, "wb").write(cbytes)
expect_rejected(p, "item 2: an archive comment rejected", "an archive comment of 10 bytes")

# Hidden data between two entries (offsets right): an entry only a
# streaming reader sees.
hidden = E("evil.js", b"alert(1)\n")
p = T("gap.zip")
open(p, "wb").write(raw_zip([E(n, d) for n, d in BASE], between=(1, hidden.local())))
eq(loader_seen_by_python(p), BASE_D["loader.mjs"], "item 2: a hidden local entry: Python's zipfile reads the zip")
expect_rejected(p, "item 2: a hidden local entry between two entries rejected", "belong to no entry")

# Two central records for one local entry (overlap).
es = [E(n, d) for n, d in BASE]
dup = E("copy.js", BASE_D["wasm_exec.js"])
p = T("overlap.zip")
open(p, "wb").write(raw_zip(es, extra_central=[(dup, 0)]))
expect_rejected(p, "item 2: two central entries on one local header rejected", "overlaps")

# A local header that names another file than its central entry: unzip
# uses the central name, a streaming reader the local one.
es = [E(n, d) for n, d in BASE]
for e in es:
    if e.name == b"loader.mjs":
        e.local_name = b"loader.mjz"
p = T("local-name.zip")
open(p, "wb").write(raw_zip(es))
expect_rejected(p, "item 2: a local header naming another file rejected", "its local header names another file")

# Local and central compressed sizes that differ.
es = [E(n, d) for n, d in BASE]
es[2].local_csize = len(es[2].comp) + 7
p = T("local-size.zip")
open(p, "wb").write(raw_zip(es))
expect_rejected(p, "item 2: local and central sizes that disagree rejected", "disagrees with the central directory")

# An Info-ZIP Unicode path extra field: unzip takes it as the name.
es = [E(n, d) for n, d in BASE]
up_name = b"evil.mjs"
upath = struct.pack("<BI", 1, zlib.crc32(b"loader.mjs")) + up_name
p = T("unicode-path.zip")
# The loader's central record with the field appended.
es2 = [E(n, d) for n, d in BASE]
out = bytearray()
offs = []
for e in es2:
    offs.append(len(out))
    out += e.local()
cd = len(out)
for e, o in zip(es2, offs):
    c = bytearray(e.central(o))
    if e.name == b"loader.mjs":
        xf = struct.pack("<HH", 0x7075, len(upath)) + upath
        struct.pack_into("<H", c, 30, len(xf))
        c += xf
    out += c
out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(es2), len(es2), len(out) - cd, cd, 0)
open(p, "wb").write(bytes(out))
d, _ = unzip_dir(p, "unicode-path")
ok(os.path.exists(os.path.join(d, "evil.mjs")) and not os.path.exists(os.path.join(d, "loader.mjs")),
   "item 2: unzip extracts loader.mjs under its Unicode path field's name", os.listdir(d))
expect_rejected(p, "item 2: a Unicode path extra field rejected", "extra field of type 0x7075")

# ------------------------------------------------------------- item 22, 23

N = 300000
p = T("many.zip")
with open(p, "wb") as f:
    local = b"".join(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 0, 0, 6, 0) + b"%06d" % i
                     for i in range(N))
    f.write(local)
    ents = len(local)
    step = 30 + 6
    cdir = b"".join(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x314, 20, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0,
                                0o100644 << 16, i * step) + b"%06d" % i for i in range(N))
    f.write(cdir)
    f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, len(cdir), ents, 0))
# The 16-bit counts saturate: give the real count through zip64 records.
data = open(p, "rb").read()
eocd = len(data) - 22
z64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, N, N, len(cdir), ents)
loc = struct.pack("<IIQI", 0x07064B50, 0, eocd, 1)
open(p, "wb").write(data[:eocd] + z64 + loc + data[eocd:])
with zipfile.ZipFile(p) as zz:
    eq(len(zz.infolist()), N, f"item 22: Python's zipfile reads the {N}-entry zip")
rc, kb, secs, err = measured([VERIFY, p])
eq(rc, 1, f"item 22: a {N}-entry zip: gowasm-verify exits 1", err)
ok(f"{N} entries, more than a bundle has" in err, "item 22: the entry cap applies from the end records", err)
ok(kb is not None and kb < 40 * 1024, f"item 22: a {N}-entry zip: peak RSS under 40 MB (libzip took 397 MB for 1M)",
   f"{kb} KB")
ok(secs is not None and secs < 2, f"item 22: a {N}-entry zip: under 2 s", secs)
os.unlink(p)

# item 23: a corrupt compressed size in the central directory.
es = [E(n, d) for n, d in BASE]
es[2].central_csize = 0x7FFFFFF0
p = T("bad-csize.zip")
open(p, "wb").write(raw_zip(es))
r = verify(p)
eq(r.returncode, 1, "item 23: a corrupt compressed size: exit 1", text(r.stderr))
ok("No such file" not in text(r.stderr) and "size" in text(r.stderr),
   "item 23: a corrupt compressed size is reported as a size, not 'No such file'", text(r.stderr))

# ------------------------------------------------------------------ item 3


def listed(role_edit):
    def edit(m):
        role_edit(m)
    return edit


def add_file(m, path, data, role):
    import base64
    m["files"].append({"path": path, "role": role, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                       "integrity": "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()})
    m["files"].sort(key=lambda f: f["path"])


def write_bundle(p, entries):
    open(p, "wb").write(raw_zip([E(n, d) for n, d in entries]))
    return p


ld = BASE_D["loader.mjs"]
p = write_bundle(T("two-loaders.zip"), rehashed(BASE, manifest=lambda m: add_file(m, "loader2.mjs", ld, "loader"))
                 + [("loader2.mjs", ld)])
expect_rejected(p, "item 3: two files of role loader rejected", "a second file of role loader")

gl = BASE_D["wasm_exec.js"]
p = write_bundle(T("two-glues.zip"), rehashed(BASE, manifest=lambda m: add_file(m, "glue2.js", gl, "glue"))
                 + [("glue2.js", gl)])
expect_rejected(p, "item 3: two files of role glue rejected", "a second file of role glue")


def glue_as_readme(m):
    for f in m["files"]:
        if f["path"] == "wasm_exec.js":
            f["role"] = "readme"


p = write_bundle(T("glue-readme.zip"), rehashed(BASE, manifest=glue_as_readme))
expect_rejected(p, "item 3: the glue listed under another role rejected", "but wasm_exec.js is the bundle's glue")

p = write_bundle(T("case.zip"), rehashed(BASE, manifest=lambda m: add_file(m, "LOADER.MJS", ld, "readme"))
                 + [("LOADER.MJS", ld)])
expect_rejected(p, "item 3: loader.mjs and LOADER.MJS rejected", "differ only in case")

p = write_bundle(T("nfd.zip"), BASE + [("loade\u0301r.mjs".encode(), ld)])
expect_rejected(p, "item 3: a name outside ASCII (Unicode normalisation) rejected", "a byte outside ASCII")

# The loader's lines naming its files, which bundlers follow: a module URL
# or a glue import that is not the bundle's is a loader nobody checked.
for label, old_line, new_line in (
        ("another module URL", b'new URL("./hello.wasm", import.meta.url)', b'new URL("./other.wasm", import.meta.url)'),
        ("another glue import", b'import("./wasm_exec.js")', b'import("./wasm_exec2.js")'),
        ("a companion import", b"const importCompanion = null;", b'const importCompanion = () => import("./x.mjs");')):
    bad = ld.replace(old_line, new_line)
    ok(bad != ld, f"npm package in real bundlers: a loader with {label} differs from the bundle's")
    p = write_bundle(T("loader-files.zip"), rehashed(BASE, replace={"loader.mjs": bad}))
    expect_rejected(p, f"npm package in real bundlers: a loader with {label} rejected",
                    "do not name hello.wasm, wasm_exec.js and no companion")

# ------------------------------------------------------------------ item 4

glue_src = open(GO_GLUE, "rb").read()
factory = b"module.exports = globalThis => {\n" + glue_src + b"\n};\n"
fglue = T("factory_wasm_exec.js")
open(fglue, "wb").write(factory)
r = pack([HELLO, "--glue", fglue, "-o", T("factory.zip")])
eq(r.returncode, 2, "item 4: gowasm-pack refuses a CommonJS factory glue (exit 2)", text(r.stderr))
ok("does not define globalThis.Go" in text(r.stderr) and "exports" in text(r.stderr),
   "item 4: pack says the glue does not define globalThis.Go and exports a factory", text(r.stderr))
ok(not os.path.exists(T("factory.zip")), "item 4: nothing written")
for label, src in (("an ES module export", b"export default function () {}\n" + glue_src),
                   ("a glue that never assigns Go", glue_src.replace(b"globalThis.Go = class", b"const Go = class")),
                   ("a function taking global", b"(function (global) {\n" + glue_src.replace(b"globalThis.Go", b"global.Go") + b"\n})({});\n")):
    g = T("g.js")
    open(g, "wb").write(src)
    r = pack([HELLO, "--glue", g, "-o", T("g.zip")])
    eq(r.returncode, 2, f"item 4: gowasm-pack refuses {label}", text(r.stderr))
for spec in ("esbuild-wasm@0.4.11", "esbuild-wasm@0.11.23", "esbuild-wasm@0.28.2"):
    from tap import npm_file
    g = npm_file(spec, "wasm_exec.js")
    p = write_bundle(T("esb-glue.zip"), rehashed(BASE, {"wasm_exec.js": open(g, "rb").read()}))
    r = verify(p)
    ok("does not define globalThis.Go" not in text(r.stderr), f"item 4: {spec}'s wasm_exec.js has the right shape",
       text(r.stderr))
p = write_bundle(T("factory-verify.zip"), rehashed(BASE, {"wasm_exec.js": factory}))
expect_rejected(p, "item 4: verify flags a factory glue", "wasm_exec.js: does not define globalThis.Go")
if NODE:
    # The real loader, in Node, on both: the check says what Node does.
    for name, zp, want in (("the original", HZIP, 0), ("the factory glue", p, 1)):
        d, _ = unzip_dir(zp, "node-" + os.path.basename(zp))
        js = ("import(process.argv[1]).then(m => m.run()).then(c => process.exit(c), e => "
              "{ console.error(String(e)); process.exit(1); });")
        rr = run([NODE, "-e", js, "file://" + os.path.join(d, "loader.mjs")], timeout=120)
        eq(rr.returncode, want, f"item 4: the loader in Node with {name} exits {want}", text(rr.stderr)[-600:])
        if want:
            ok("did not define globalThis.Go" in text(rr.stderr) or "module is not defined" in text(rr.stderr),
               "item 4: Node fails as the check says", text(rr.stderr)[-600:])

# ------------------------------------------------------------------ item 5


leb = pclnsynth.uleb


def sec(i, b):
    return bytes([i]) + leb(len(b)) + b


def module(body, data=b""):
    m = b"\0asm\1\0\0\0" + sec(1, b"\x01\x60\x00\x00") + sec(3, b"\x01\x00")
    if data:
        m += sec(5, b"\x01\x00" + leb(len(data) // 65536 + 1))
    code = b"\x00" + body + b"\x0b"
    m += sec(10, b"\x01" + leb(len(code)) + code)
    if data:
        m += sec(11, b"\x01\x00\x41\x00\x0b" + leb(len(data)) + data)
    return m


# About 3M instructions with random constants (not a bomb): wabt's IR
# needed about 240 bytes per instruction here.
rnd = os.urandom(3 * 1000 * 1000 * 4)
body = b"".join(b"\x41" + bytes([rnd[i] | 0x80, rnd[i + 1] | 0x80, rnd[i + 2] | 0x80, rnd[i + 3] & 0x3F]) + b"\x1a"
                for i in range(0, len(rnd), 4))
big = module(body)
p = write_bundle(T("dense.zip"), rehashed(BASE, {"hello.wasm": big}))
rc, kb, secs, err = measured([VERIFY, p])
ok(rc == 1, "item 5: a bundle of a 21 MB dense module: exit 1 (not Go), no abort", f"rc {rc}: {err[-500:]}")
ok(kb is not None and kb < 300 * 1024, f"item 5: validating {len(big) >> 20} MiB of code: peak RSS under 300 MB",
   f"{kb} KB")

nest = module(b"\x02\x40" * 1000000 + b"\x0b" * 1000000, data=os.urandom(2 * MIB))
p = write_bundle(T("nest.zip"), rehashed(BASE, {"hello.wasm": nest}))
rc, kb, secs, err = measured([VERIFY, p])
ok(rc == 1, "item 5: 1M nested blocks: gowasm-verify exits 1 (not Go), no crash", f"rc {rc}: {err[-500:]}")
ok("wabt" not in err, "item 5: 1M nested blocks: wabt's validator accepts the valid module", err[-500:])

# ------------------------------------------------------------------ item 6

def pack_or_refuse(module_bytes, name, label, why):
    """Item 6: gowasm-pack either refuses (exit 2, saying `why`, nothing
    written) or writes a bundle gowasm-verify accepts."""
    src, out = T(name + ".wasm"), T(name + ".zip")
    open(src, "wb").write(module_bytes)
    r = pack([src, "--glue", GO_GLUE, "--allow-findings", "-o", out, "-q"])
    if r.returncode == 0:
        rv = verify(out)
        eq(rv.returncode, 0, f"item 6: {label}: pack wrote it, verify accepts it", text(rv.stderr))
    else:
        eq(r.returncode, 2, f"item 6: {label}: pack refuses with exit 2", text(r.stderr))
        ok(why in text(r.stderr) and not os.path.exists(out), f"item 6: {label}: the message says why; nothing written",
           text(r.stderr))
    os.unlink(src)


hello = open(HELLO, "rb").read()
i = hello.find(b"Go build ID: \"")
if ok(i > 0, "item 6: hello.wasm has a Go build ID"):
    j = i + len(b"Go build ID: \"") + 5
    pack_or_refuse(hello[:j] + b"\x00" + hello[j + 1:], "nul-buildid", "a NUL in go.buildid", "buildid")

pack_or_refuse(pclnsynth.build("1.20", foreign=[("env", "f%d" % k, 1) for k in range(100000)]).data, "imports",
               "100k imports", "manifest.json would be")

# A small Go-shaped module with a custom section of 16 MiB of zeros:
# deflates far past 200:1.
bomb = pclnsynth.build("1.20").data + sec(0, leb(3) + b"pad" + b"\x00" * (16 * MIB))
ok(len(bomb) // len(zlib.compress(bomb, 9)) > 200, "item 6: the module compresses more than 200:1")
pack_or_refuse(bomb, "bomb", "a highly compressible module", "zip bomb")

# ------------------------------------------------------------------ item 7

npm_dir = T("npm")
r = pack([HELLO, "--glue", GO_GLUE, "--name", "hello", "--pkg-version", "1.0.0", "--npm", npm_dir, "-q"])
eq(r.returncode, 0, "item 7: pack --npm", text(r.stderr))
r = verify(npm_dir)
eq(r.returncode, 0, "item 7: gowasm-verify accepts the npm package folder", text(r.stdout) + text(r.stderr))
ok(b"valid: hello 1.0.0" in r.stdout, "item 7: the folder's report names the package", r.stdout)
bad_dir = T("npm-bad")
shutil.copytree(npm_dir, bad_dir)
os.symlink("/etc/passwd", os.path.join(bad_dir, "extra.js"))
expect_rejected(bad_dir, "item 7: a symbolic link in the folder rejected", "a symbolic link")
os.unlink(os.path.join(bad_dir, "extra.js"))
with open(os.path.join(bad_dir, "loader.mjs"), "ab") as f:
    f.write(b"\n// changed\n")
expect_rejected(bad_dir, "item 7: a changed loader.mjs in the folder rejected", "loader.mjs")
shutil.rmtree(bad_dir)
shutil.copytree(npm_dir, bad_dir)
pj = json.load(open(os.path.join(bad_dir, "package.json")))
pj["main"] = "./wasm_exec.js"
json.dump(pj, open(os.path.join(bad_dir, "package.json"), "w"))
expect_rejected(bad_dir, "item 7: a package.json that runs another file rejected", "package.json")

NPM = shutil.which("npm")
if NPM:
    rr = run([NPM, "pack", "--silent", "--pack-destination", tmp, npm_dir], timeout=300,
             env=dict(os.environ, npm_config_cache=T("npm-cache"), npm_config_update_notifier="false"))
    tgz = T("hello-1.0.0.tgz")
    if ok(rr.returncode == 0 and os.path.exists(tgz), "item 7: npm pack makes a .tgz of the folder", rr.stderr):
        r = verify(tgz)
        eq(r.returncode, 0, "item 7: gowasm-verify accepts the .tgz npm pack made", text(r.stdout) + text(r.stderr))
        with tarfile.open(tgz) as tf:
            members = tf.getmembers()
        # The same tarball with one more member: a symbolic link.
        for kind, label, substr in ((tarfile.SYMTYPE, "a symbolic link", "symbolic link"),
                                    (tarfile.LNKTYPE, "a hard link", "hard link"),
                                    (tarfile.CHRTYPE, "a device", "not a plain file"),
                                    (None, "a ../ path", "parent folder"),
                                    (None, "an absolute path", "absolute")):
            bad = T("bad.tgz")
            with tarfile.open(tgz) as tf, tarfile.open(bad, "w:gz", format=tarfile.USTAR_FORMAT) as to:
                for mem in tf.getmembers():
                    to.addfile(mem, tf.extractfile(mem))
                ti = tarfile.TarInfo("package/index2.d.ts")
                if kind is not None:
                    ti.type = kind
                    ti.linkname = "/etc/passwd" if kind != tarfile.LNKTYPE else "package/loader.mjs"
                    to.addfile(ti)
                else:
                    ti.name = "package/../../x.js" if "../" in label else "/tmp/x.js"
                    ti.size = 3
                    to.addfile(ti, io.BytesIO(b"x=1"))
            expect_rejected(bad, f"item 7: a .tgz with {label} rejected", substr)
        del members
        # A gzip bomb: bounded.
        bomb = T("bomb.tgz")
        with gzip.open(bomb, "wb", compresslevel=9) as g:
            for _ in range(600):
                g.write(bytes(MIB))
        rc, kb, secs, err = measured([VERIFY, bomb])
        eq(rc, 1, "item 7: a 600 MiB gzip bomb: exit 1", err)
        ok(kb is not None and kb < 200 * 1024, "item 7: a 600 MiB gzip bomb: peak RSS under 200 MB", f"{kb} KB")
else:
    ok(True, "item 7: npm is not installed; the .tgz is not tried # SKIP")

# ----------------------------------------------------------------- item 23b

empty = T("empty-target")
os.mkdir(empty)
link = T("npm-link")
os.symlink(empty, link)
r = pack([HELLO, "--glue", GO_GLUE, "--npm", link, "-q"])
eq(r.returncode, 2, "item 23: --npm into a symbolic link to an empty folder: exit 2", text(r.stderr))
ok("symbolic link" in text(r.stderr), "item 23: the message says it is a symbolic link", text(r.stderr))
eq(sorted(n for n in os.listdir(tmp) if n.startswith("npm-link.tmp")), [],
   "item 23: refused before anything is written (no npm-link.tmp-* folder)")
eq(os.listdir(empty), [], "item 23: the folder the link points to is untouched")

shutil.rmtree(tmp, ignore_errors=True)
