#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every source file of the project (*.c, *.h, *.cc, *.js, *.py, *.sh,
meson.build) names its licence with an SPDX-License-Identifier line in its
first 3 lines (scripts/add-spdx.sh adds the missing ones), the identifier is
the licence of LICENSE and meson.build's project(), and LICENSE is installed
with README.md to share/doc/gowasm."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import ok, eq, SOURCE_ROOT  # noqa: E402

SOURCE = re.compile(r"\.(c|h|cc|js|py|sh)$|^meson\.build$")
files = []
for d, dirs, names in os.walk(SOURCE_ROOT):
    dirs[:] = sorted(x for x in dirs if not x.startswith((".", "build")) and x != "node_modules")
    # LICENSE.* texts shipped as they are (Go's licence of wasm_exec.js) are not sources.
    files += [os.path.join(d, n) for n in sorted(names) if SOURCE.search(n) and not n.startswith("LICENSE")]
ok(len(files) > 100, f"item spdx: {len(files)} source files found under the source root")

ids, missing = set(), []
for p in files:
    with open(p, encoding="utf-8", errors="replace") as f:
        head = [f.readline() for _ in range(3)]
    m = [re.search(r"SPDX-License-Identifier:\s*([\w.+-]+)", line) for line in head]
    m = [x for x in m if x]
    if m:
        ids.add(m[0].group(1))
    else:
        missing.append(os.path.relpath(p, SOURCE_ROOT))
eq(missing, [], "item spdx: every source file has an SPDX-License-Identifier line in its first 3 lines")
eq(ids, {"MIT"}, "item spdx: every SPDX identifier is MIT")

with open(os.path.join(SOURCE_ROOT, "LICENSE")) as f:
    ok(f.readline().strip() == "MIT License", "item spdx: LICENSE is the MIT licence text")
with open(os.path.join(SOURCE_ROOT, "meson.build")) as f:
    top = f.read()
ok("license: 'MIT'" in top, "item spdx: meson.build's project() declares MIT")
ok(re.search(r"install_data\('README\.md', 'LICENSE',\s*install_dir: get_option\('datadir'\) / 'doc' / 'gowasm'\)", top),
   "item spdx: README.md and LICENSE are installed to share/doc/gowasm")
