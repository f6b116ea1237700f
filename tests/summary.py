# SPDX-License-Identifier: MIT
"""Counts the suite's results from meson's test logs: each TAP assertion
counts once; a test that failed without a failing assertion (a crash, a
timeout, a bail-out) counts as one failure; a skipped test counts as a
failure too, since nothing in this suite may be skipped. Prints the
failures, then "N passed, N failed". Exit 0 only when nothing failed."""
import json
import re
import sys

passed = failed = 0
problems = []
for log in sys.argv[1:]:
    try:
        lines = open(log).read().splitlines()
    except OSError:
        problems.append(f"{log}: missing (the build or the run did not happen)")
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        for c in re.findall(r"^# cut: (.*)$", out, re.M):
            print(f"cut by the time budget: {c}")
        oks = len(re.findall(r"^ok \d+", out, re.M))
        bad = re.findall(r"^not ok \d+.*$", out, re.M)
        passed += oks
        failed += len(bad)
        for b in bad:
            problems.append(f"{t['name']}: {b}")
        result = t.get("result")
        if result not in ("OK", "EXPECTEDFAIL") and not bad:
            failed += 1
            problems.append(f"{t['name']}: {result} with no failing assertion")
        if result == "OK" and oks == 0 and not bad:
            passed += 1  # a plain exit-code test

for p in problems:
    print("FAILED:", p)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
