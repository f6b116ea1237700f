#!/bin/sh
# SPDX-License-Identifier: MIT
# Adds an SPDX-License-Identifier line to every source file of the project
# that lacks one in its first 3 lines (what tests/integration/test_spdx.py
# requires): C, C++ and JavaScript files get a /* */ comment on line 1,
# Python, shell and meson.build files a # comment (after the #! line).
# Idempotent; needs only a POSIX shell, git, sed and head.
#
#   scripts/add-spdx.sh          the files git tracks
set -eu
cd "$(dirname "$0")/.."
ID="SPDX-License-Identifier: MIT"
git ls-files | grep -E '\.(c|h|cc|js|py|sh)$|(^|/)meson\.build$' | grep -v -E '(^|/)LICENSE' | while IFS= read -r f; do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' && continue
	case "$f" in
	*.c | *.h | *.cc | *.js)
		sed -i "1i /* $ID */" "$f" ;;
	*)
		if head -n 1 "$f" | grep -q '^#!'; then
			sed -i "1a # $ID" "$f"
		else
			sed -i "1i # $ID" "$f"
		fi ;;
	esac
	echo "add-spdx: $f"
done
