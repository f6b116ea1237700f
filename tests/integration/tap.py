# SPDX-License-Identifier: MIT
"""A small TAP producer for the integration tests, and the helpers they share.

Each assertion prints one TAP line; the process exits nonzero if any failed.
Paths come from the environment that tests/meson.build sets.
"""
import atexit
import hashlib
import json
import os
import subprocess
import sys

_count = 0
_failed = 0


def ok(cond, name, diag=None):
    global _count, _failed
    _count += 1
    if cond:
        print(f"ok {_count} - {name}")
    else:
        _failed += 1
        print(f"not ok {_count} - {name}")
        if diag is not None:
            for line in str(diag).splitlines()[:40]:
                print(f"# {line}")
    sys.stdout.flush()
    return bool(cond)


def _short(v):
    r = repr(v)
    return r if len(r) <= 300 else r[:300] + "..."


def eq(got, want, name, extra=None):
    if got == want:
        return ok(True, name)
    diag = f"got:      {_short(got)}\nexpected: {_short(want)}"
    if extra is not None:
        diag += f"\n{_short(extra)}"
    if isinstance(got, list) and isinstance(want, list):
        diag = f"lengths {len(got)} and {len(want)}"
        for i, (a, b) in enumerate(zip(got, want)):
            if a != b:
                diag += f"\nfirst difference at [{i}]:\ngot:      {_short(a)}\nexpected: {_short(b)}"
                break
        if extra is not None:
            diag += f"\n{_short(extra)}"
    return ok(False, name, diag)


def bail(msg):
    print(f"Bail out! {msg}")
    sys.exit(1)


def in_ci():
    """CI=true (or 1, yes), as CI services set it."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_rest(reason):
    """Ends the test: nothing run yet gives TAP's "1..0 # SKIP reason" (meson
    counts the test as skipped); otherwise one skipped assertion closes the
    ones already run."""
    global _count
    if _count == 0:
        print(f"1..0 # SKIP {reason}")
        sys.stdout.flush()
        os._exit(0)
    _count += 1
    print(f"ok {_count} # SKIP {reason}")
    sys.exit(0)


@atexit.register
def _finish():
    print(f"1..{_count}")
    sys.stdout.flush()
    if _failed:
        os._exit(1)


def env_path(name):
    v = os.environ.get(name)
    if not v:
        bail(f"{name} is not set (run through meson test or tests/run.sh)")
    return v


INSPECT = os.environ.get("GOWASM_INSPECT", "")
CHECK = os.environ.get("GOWASM_CHECK", "")
FIXTURES = os.environ.get("GOWASM_FIXTURES", "")
# Go's own debug/gosym as an oracle (tests/go/oracle-gosym, built for this
# machine by meson).
ORACLE_GOSYM = os.environ.get("GOWASM_ORACLE_GOSYM", "")
SOURCE_ROOT = os.environ.get("GOWASM_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

GO_FIXTURES = ["hello", "hello-stripped", "bridge", "deps", "callbacks", "callbacks-stripped", "loops", "loops-stripped",
               "leak", "leak-stripped", "leak-fixed", "leak-fixed-stripped"]


def go_marks(fixture):
    """The lines of tests/go/FIXTURE/main.go that carry a MARK:name
    comment, by name."""
    import re
    out = {}
    with open(os.path.join(SOURCE_ROOT, "tests", "go", fixture, "main.go")) as f:
        for n, line in enumerate(f, 1):
            for m in re.finditer(r"MARK:([\w-]+)", line):
                out[m.group(1)] = n
    return out


def need_chromium(why=None):
    """Debian's Chromium, or bail out saying what cannot run without it."""
    import shutil
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        bail("chromium is not installed (Debian package chromium; ./setup.sh --deps-only installs it)" +
             (": " + why if why else ""))
    return chromium


def go_fixture(name):
    if os.environ.get("GOWASM_GO_FOUND") != "1":
        bail("Go 1.19 was not found at configure time: run ./setup.sh --deps-only")
    p = os.path.join(FIXTURES, name + ".wasm")
    if not os.path.exists(p):
        bail(f"fixture {p} was not built")
    return p


def oracle_gosym():
    """The debug/gosym oracle's path; bails when it was not built."""
    if os.environ.get("GOWASM_GO_FOUND") != "1":
        bail("Go 1.19 was not found at configure time: run ./setup.sh --deps-only")
    if not ORACLE_GOSYM or not os.path.exists(ORACLE_GOSYM):
        bail(f"the debug/gosym oracle ({ORACLE_GOSYM or 'GOWASM_ORACLE_GOSYM unset'}) was not built")
    return ORACLE_GOSYM


def npm_cache():
    return os.environ.get("GOWASM_NPM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gowasm", "npm")


def npm_file(spec, path):
    """A file of a pinned npm package (tests/npm/pins.txt), e.g.
    npm_file("esbuild-wasm@0.28.2", "esbuild.wasm")."""
    name = spec.rsplit("@", 1)[0]
    p = os.path.join(npm_cache(), spec, "node_modules", name, path)
    if not os.path.exists(p):
        # Offline, a missing fixture skips the rest of the test; in CI it fails.
        msg = f"{p} is missing: tests/npm/fetch.sh installs the pinned npm fixtures"
        if in_ci():
            bail(msg + " (CI is set: missing fixtures fail)")
        skip_rest(msg)
    return p


def esbuild_wasm():
    return npm_file("esbuild-wasm@0.28.2", "esbuild.wasm")


# Older real modules, one per pclntab format (tests/npm/pins.txt).
OLD_ESBUILDS = [("esbuild-wasm@0.4.11", "go1.14.2", "1.2-1.15"), ("esbuild-wasm@0.6.31", "go1.15", "1.2-1.15"),
                ("esbuild-wasm@0.11.23", "go1.16.3", "1.16-1.17"), ("esbuild-wasm@0.14.54", "go1.19", "1.18-1.19"),
                ("esbuild-wasm@0.19.12", "go1.20.12", "1.20+"), ("esbuild-wasm@0.27.2", "go1.25.5", "1.20+")]


def all_fixtures():
    return [(n, go_fixture(n)) for n in GO_FIXTURES] + [("esbuild", esbuild_wasm())]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, **kw)


def inspect_json(path):
    r = run([INSPECT, "--json", path])
    if r.returncode != 0:
        return None, r
    return json.loads(r.stdout), r


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
