#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bundle digests (packager/digest.c, libcrypto's SHA-256 and SHA-384)
against Python's hashlib at every padding boundary (lengths 0 to 300 cover
the one- and two-block tails of both block sizes) and on a real module, the
SRI strings included (gowasm-pack on a Go fixture, manifest against hashlib)."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import ok, eq, env_path, go_fixture, run  # noqa: E402

DIGEST = env_path("GOWASM_DIGEST_FILE")
PACK = env_path("GOWASM_PACK")

tmp = tempfile.mkdtemp(prefix="gowasm-digest-")
try:
    bad = []
    for n in range(301):
        data = bytes((i * 131 + n) & 255 for i in range(n))
        p = os.path.join(tmp, "d")
        with open(p, "wb") as f:
            f.write(data)
        out = subprocess.run([DIGEST, p, "1"], capture_output=True, text=True, check=True).stdout.split()
        if out[1] != hashlib.sha256(data).hexdigest() or out[4] != hashlib.sha384(data).hexdigest():
            bad.append(n)
    eq(bad, [], "item libcrypto: SHA-256 and SHA-384 equal hashlib's for every length 0 to 300")

    hello = go_fixture("hello")
    glue = os.path.join(os.environ.get("GOWASM_GOROOT", "/usr/lib/go-1.19"), "misc", "wasm", "wasm_exec.js")
    z = os.path.join(tmp, "b.zip")
    r = run([PACK, hello, "--glue", glue, "--no-check", "-o", z])
    eq(r.returncode, 0, "item libcrypto: gowasm-pack packs the hello fixture", r.stderr)
    with zipfile.ZipFile(z) as zf:
        m = json.loads(zf.read("manifest.json"))
        wrong = []
        for f in m["files"]:
            d = zf.read(f["path"])
            sri = "sha384-" + base64.b64encode(hashlib.sha384(d).digest()).decode()
            if f["sha256"] != hashlib.sha256(d).hexdigest() or f["integrity"] != sri:
                wrong.append(f["path"])
    ok(m["files"] and not wrong, "item libcrypto: every manifest sha256 and SRI string equals hashlib's", wrong)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
