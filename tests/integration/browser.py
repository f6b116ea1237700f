# SPDX-License-Identifier: MIT
"""Headless Chromium for the integration tests: a local HTTP server for a
folder (with the MIME types modules need, and POST /result for what a
page reports), and one fresh browser per page load."""
import functools
import http.server
import json
import os
import signal
import subprocess
import tempfile
import threading
import time


class Server:
    """http.server on 127.0.0.1 (a free port) in a thread, serving `root`
    with the right MIME types and taking POST /result."""

    def __init__(self, root):
        self.results = {}
        self.cond = threading.Condition()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                              ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                              ".html": "text/html; charset=utf-8"}

            def end_headers(self):
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

            def do_POST(self):
                if self.path != "/result":
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    data = json.loads(body)
                except ValueError:
                    data = {"ok": False, "error": "unparsable POST body", "raw": body[:500].decode("utf-8", "replace")}
                with server.cond:
                    server.results[data.get("case")] = data
                    server.cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, fmt, *args):
                server.log.append(fmt % args)

        self.log = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, case, timeout, alive):
        end = time.monotonic() + timeout
        with self.cond:
            while case not in self.results:
                left = end - time.monotonic()
                if left <= 0 or not alive():
                    return None
                self.cond.wait(min(left, 0.25))
            return self.results[case]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def kill_group(p):
    """Ends chromium and every process it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        try:
            p.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # stragglers of the group, once the leader is gone
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


HEADLESS = ["--headless=new"]


def browse(chromium, server, tmp, case, query, timeout=60, page="index.html"):
    """Loads the page for one case in a fresh headless Chromium; returns
    (the page's report or None, chromium's log)."""
    url = f"http://127.0.0.1:{server.port}/{page}?case={case}&{query}"
    for attempt in range(2):
        profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
        logpath = os.path.join(tmp, f"chromium-{case}-{attempt}.log")
        with open(logpath, "wb") as log:
            p = subprocess.Popen([chromium, *HEADLESS, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                  "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                                  "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}", url],
                                 stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            started = time.monotonic()
            try:
                res = server.wait(case, timeout, lambda: p.poll() is None)
            finally:
                kill_group(p)
        with open(logpath, errors="replace") as f:
            text = f.read()
        # An old Chromium may not know --headless=new: it exits at once. Try plain --headless.
        if res is None and HEADLESS == ["--headless=new"] and time.monotonic() - started < 10 and p.returncode not in (None, 0):
            HEADLESS[:] = ["--headless"]
            continue
        return res, text
    return None, text
