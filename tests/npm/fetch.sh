#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the pinned npm packages the tests read (real published Go
# modules) into a cache folder, and checks them against pinned hashes.
# Idempotent. The binaries are never committed.
#   GOWASM_NPM_CACHE  where to install (default ~/.cache/gowasm/npm)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${GOWASM_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gowasm/npm}
mkdir -p "$cache"

# name@version  file-inside-package  sha256
while read -r spec file sum; do
	case $spec in ''|\#*) continue ;; esac
	name=${spec%@*} version=${spec##*@}
	# One folder per name@version, so that versions of a package coexist.
	pkg=$cache/$spec/node_modules/$name
	have=$(node -p "try{require('$pkg/package.json').version}catch(e){''}" 2>/dev/null || true)
	if [ "$have" != "$version" ]; then
		echo "npm: installing $spec into $cache"
		npm install --prefix "$cache/$spec" --no-save --no-audit --no-fund --no-package-lock \
			--loglevel=error "$spec" >/dev/null
	fi
	got=$(sha256sum "$pkg/$file" | cut -d' ' -f1)
	if [ "$got" != "$sum" ]; then
		echo "npm: $spec: $file has sha256 $got, expected $sum" >&2
		exit 2
	fi
done < "$here/pins.txt"
