#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs a libFuzzer harness over a seed corpus made from the fixtures:
#   tests/fuzz/run.sh HARNESS SECONDS [CORPUS_DIR]
# Prints TAP: the corpus was made, and the run ended without a finding.
# GOWASM_TEST_BUDGET (seconds), when set, caps SECONDS (issue 10, item 24:
# the suite must end in time on a loaded machine); the cut is printed as
# a TAP comment ("# cut: ..."), which tests/summary.py repeats.
# A finding is written as crash-*/leak-*/timeout-* into the artifacts
# folder and named in the output; add it to tests/fuzz/regressions/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
harness=$1 seconds=${2:-60}
budget=${GOWASM_TEST_BUDGET:-}
if [ -n "$budget" ] && [ "${budget%.*}" -lt "$seconds" ] 2>/dev/null; then
	echo "# cut: $(basename "$harness"): fuzzed ${budget%.*} s instead of $seconds s (GOWASM_TEST_BUDGET)"
	seconds=${budget%.*}
fi
work=${3:-$(mktemp -d /tmp/gowasm-fuzz.XXXXXX)}
mkdir -p "$work/corpus" "$work/artifacts"
/usr/bin/python3 "$here/make_corpus.py" "$work/corpus" >"$work/corpus.log" 2>&1
n=$(ls "$work/corpus" | wc -l)
if [ "$n" -gt 10 ]; then echo "ok 1 - seed corpus of $n inputs"; else echo "not ok 1 - seed corpus of $n inputs"; cat "$work/corpus.log" | sed 's/^/# /'; fi
# Known findings stay in the corpus forever.
[ -d "$here/regressions" ] && cp "$here"/regressions/* "$work/corpus/" 2>/dev/null
"$harness" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
found=$(ls "$work/artifacts" | head -5)
if [ $rc -eq 0 ] && [ -z "$found" ]; then
	echo "ok 2 - $(basename "$harness") ran ${seconds}s without a finding ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$') executions)"
else
	echo "not ok 2 - $(basename "$harness") found: ${found:-exit $rc}"
	tail -40 "$work/fuzz.log" | sed 's/^/# /'
fi
echo "1..2"
[ $rc -eq 0 ] && [ -z "$found" ]
