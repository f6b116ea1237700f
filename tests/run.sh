#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, from a clean checkout on Debian 12 (as root):
# installs what it needs, builds twice (gcc release with -Werror; clang
# with ASan+UBSan and the libFuzzer harnesses), runs every suite, and ends
# with one line "N passed, N failed" counting individual TAP assertions.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

./setup.sh --deps-only || exit 2
tests/npm/fetch.sh || exit 2

# The robustness and fuzz suites are sized by a time budget (seconds per
# suite; see tests/integration/test_robust.py and tests/fuzz/run.sh), so
# that the whole run ends in time on a loaded 2-core machine; what the
# budget cut is printed at the end.
export GOWASM_TEST_BUDGET=${GOWASM_TEST_BUDGET:-300}

status=0
configure() { # dir, meson args...
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		rm -rf "$dir"
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { cat "$dir.ninja.log"; return 1; }
}

echo "== release build (gcc, -Werror)"
if configure build-test --buildtype=release -Dwerror=true; then
	meson test -C build-test --no-suite robust --no-suite fuzz --print-errorlogs --num-processes 2 \
		| grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout):' || true
else
	echo "build-test: build failed"
	status=1
fi

echo "== sanitizer build (clang, ASan+UBSan, libFuzzer)"
if CC=clang CXX=clang++ configure build-san --buildtype=debugoptimized -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dc_args=-fno-sanitize-recover=all -Dfuzzing=true; then
	meson test -C build-san --suite unit --suite robust --suite fuzz --print-errorlogs --num-processes 2 \
		| grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout):' || true
else
	echo "build-san: build failed"
	status=1
fi

/usr/bin/python3 tests/summary.py build-test/meson-logs/testlog.json build-san/meson-logs/testlog.json
rc=$?
[ $status -ne 0 ] && rc=1
exit $rc
