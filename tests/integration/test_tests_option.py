#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Building without the test suite's needs, and running it offline.

- `meson setup -Dtests=disabled` with no Node on PATH and no Go (-Dgo names
  nothing) configures, ninja builds every tool, and no test is defined;
  the default (auto) also configures without Node, leaving out the
  Node-only test.
- A test that needs a pinned npm fixture, with GOWASM_NPM_CACHE an empty
  folder: skipped with the reason when CI is not set, a failure with CI=true."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import ok, eq, run, SOURCE_ROOT  # noqa: E402

NO_NODE = {"node", "nodejs", "npm", "npx", "corepack"}
here = os.path.dirname(os.path.abspath(__file__))

tmp = tempfile.mkdtemp(prefix="gowasm-tests-option-")
try:
    # A PATH with everything of /usr/bin and /bin but Node and npm.
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    for d in ("/usr/bin", "/bin"):
        for n in os.listdir(d):
            if n not in NO_NODE and not os.path.exists(os.path.join(bindir, n)):
                os.symlink(os.path.join(d, n), os.path.join(bindir, n))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOWASM_", "MESON"))}
    env["PATH"] = bindir
    ok(shutil.which("node", path=bindir) is None, "item tests-option: node is not on the test PATH")

    build = os.path.join(tmp, "build")
    r = run(["meson", "setup", "-Dtests=disabled", "-Dgo=" + os.path.join(tmp, "no-go"), SOURCE_ROOT, build],
            env=env, timeout=300)
    eq(r.returncode, 0, "item tests-option: meson setup -Dtests=disabled succeeds without Node and Go",
       (r.stdout + r.stderr).decode(errors="replace")[-3000:])
    r = run(["nice", "ninja", "-C", build], env=env, timeout=1200)
    eq(r.returncode, 0, "item tests-option: ninja builds the tools", (r.stdout + r.stderr).decode(errors="replace")[-3000:])
    tools = ["gowasm-inspect", "gowasm-check", "gowasm-batch", "gowasm-pack", "gowasm-verify", "gowasm-symbolize",
             "gowasm-sourcemap"]
    eq([t for t in tools if not os.access(os.path.join(build, "tools", t), os.X_OK)], [],
       "item tests-option: every tool is built")
    r = run(["meson", "introspect", "--tests", build], env=env)
    eq(json.loads(r.stdout or b"null"), [], "item tests-option: -Dtests=disabled defines no test")

    auto = os.path.join(tmp, "build-auto")
    r = run(["meson", "setup", "-Dgo=" + os.path.join(tmp, "no-go"), SOURCE_ROOT, auto], env=env, timeout=300)
    eq(r.returncode, 0, "item tests-option: meson setup (tests=auto) succeeds without Node and Go",
       (r.stdout + r.stderr).decode(errors="replace")[-3000:])
    r = run(["meson", "introspect", "--tests", auto], env=env)
    names = [t["name"] for t in json.loads(r.stdout or b"[]")]
    ok("companion-js" not in names and "inspect-go" in names,
       "item tests-option: tests=auto without Node leaves out only the Node test (companion-js)", names)
    r = run(["meson", "setup", "-Dtests=enabled", SOURCE_ROOT, os.path.join(tmp, "build-enabled")], env=env, timeout=300)
    said = (r.stdout + r.stderr).decode(errors="replace")
    ok(r.returncode != 0 and "Program 'node' not found" in said,
       "item tests-option: -Dtests=enabled without Node fails, naming node", said[-1500:] + f"exit {r.returncode}")

    # A test needing a pinned npm fixture, offline.
    empty = os.path.join(tmp, "npm-empty")
    os.mkdir(empty)
    script = os.path.join(here, "test_inspect_esbuild.py")
    off = dict(os.environ, GOWASM_NPM_CACHE=empty)
    off.pop("CI", None)
    r = run([sys.executable, script], env=off, timeout=120)
    out = r.stdout.decode(errors="replace")
    ok(r.returncode == 0 and out.startswith("1..0 # SKIP ") and "tests/npm/fetch.sh" in out,
       "item tests-option: without CI, a missing npm fixture skips the test with the reason", out + f"exit {r.returncode}")
    r = run([sys.executable, script], env=dict(off, CI="true"), timeout=120)
    out = r.stdout.decode(errors="replace")
    ok(r.returncode != 0 and "Bail out!" in out and "SKIP" not in out,
       "item tests-option: with CI=true, a missing npm fixture fails the test", out + f"exit {r.returncode}")
    # After assertions already made: the rest is skipped, the plan still counts.
    mid = ("import sys; sys.path.insert(0, %r)\nfrom tap import ok, esbuild_wasm\nok(True, 'first')\n"
           "esbuild_wasm()\nok(False, 'never reached')\n" % here)
    r = run([sys.executable, "-c", mid], env=off, timeout=60)
    lines = r.stdout.decode(errors="replace").splitlines()
    ok(r.returncode == 0 and lines[0] == "ok 1 - first" and lines[1].startswith("ok 2 # SKIP ") and lines[-1] == "1..2",
       "item tests-option: a fixture missing mid-test skips the rest, after what ran", lines)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
