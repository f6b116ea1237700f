# SPDX-License-Identifier: MIT
"""What the benchmarks in tests/bench share: where the pinned npm fixtures
are, the default module, and one measured run of a command."""
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))


class Failure(Exception):
    """A measured command failed, or something it needs is missing."""


def npm_cache():
    """Where tests/npm/fetch.sh installs the pinned npm fixtures."""
    return os.environ.get("GOWASM_NPM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gowasm", "npm")


def default_module():
    """esbuild.wasm of the pinned esbuild-wasm@0.28.2 (14 MB, Go 1.26)."""
    return os.path.join(npm_cache(), "esbuild-wasm@0.28.2", "node_modules", "esbuild-wasm", "esbuild.wasm")


def measure(argv, cwd=None, out=None, capture=False):
    """One run: wall seconds, CPU seconds (user + system, from wait4), peak
    RSS (KiB) and, with capture, stdout (else the output is discarded).
    out, when given, is removed first (zip would add to an existing
    archive). Raises Failure when the command exits non-zero."""
    if out and os.path.exists(out):
        os.unlink(out)
    pipe = subprocess.PIPE if capture else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=pipe, stderr=pipe)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    stdout = stderr = b""
    if capture:
        stdout, stderr = p.stdout.read(), p.stderr.read()
        p.stdout.close()
        p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        said = (stderr or stdout).decode(errors="replace").strip()[-800:]
        raise Failure(f"{' '.join(argv)} exited with {p.returncode}" + (f": {said}" if said else ""))
    return {"wall": dt, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss, "stdout": stdout}


def run_main(main):
    """Runs a benchmark's main: a Failure ends it with one line and exit 1."""
    try:
        main()
    except Failure as e:
        sys.exit(f"bench: {e}")
