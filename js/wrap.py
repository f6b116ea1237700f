#!/usr/bin/env python3
"""Makes the CommonJS or ES module form of the companion from companion.js:
wrap.py cjs|mjs VERSION IN OUT.

The CommonJS form has no file-wide "use strict": companion.js's functions
carry their own directive, except gowasmLooseStore, which must stay in
sloppy mode (see there)."""
import sys

fmt, version, src, dst = sys.argv[1:5]
body = open(src, encoding="utf-8").read().replace("@VERSION@", version)
if fmt == "cjs":
    out = (body +
           "\nmodule.exports = { enableBatching, batchingStats, "
           "version: GOWASM_BATCH_VERSION, protocol: GOWASM_BATCH_PROTOCOL };\n")
elif fmt == "mjs":
    out = (body + "\nconst version = GOWASM_BATCH_VERSION;\nconst protocol = GOWASM_BATCH_PROTOCOL;\n"
           "export { enableBatching, batchingStats, version, protocol };\n")
else:
    sys.exit(f"wrap.py: unknown format {fmt}")
with open(dst, "w", encoding="utf-8") as f:
    f.write(out)
