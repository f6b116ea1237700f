#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets up a Debian 12 machine for gowasm (run as root), builds it, and runs
# the demo: a bundled Go program compiled with Go 1.19 to js/wasm, then
# inspected by gowasm-inspect and checked by gowasm-check.
#
#   ./setup.sh              install, build, run the demo
#   ./setup.sh --deps-only  install the system packages and nothing else
#
# Idempotent: packages already installed are not fetched again.
set -euo pipefail
cd "$(dirname "$0")"

# System packages, by Debian name.
#   build: meson ninja-build gcc pkg-config
#   fuzzing and the sanitizer build: clang libclang-rt-14-dev
#   gowasm-batch: binaryen (C API), wabt (its validator is linked: g++)
#   gowasm-pack and gowasm-verify: libzip-dev zlib1g-dev libdeflate-dev libbrotli-dev (the
#   bundle and its precompressed copies), libjansson-dev (reading manifests), libssl-dev
#   (libcrypto: the SHA-256 and SHA-384 digests)
#   fixtures: golang-1.19-go (Go 1.19.8); wabt's wasm-objdump is the test oracle
#   tests: python3 (also meson's), mandoc (man page lint), zip, chromium
#   (batched modules are also run in a headless browser), strace (holds a tool at
#   a chosen syscall so that the signal tests land mid-write), time (GNU time: the
#   peak memory of a tool in the bounds test), pmccabe (the function-size bar in
#   the tools-cli test)
PACKAGES=(meson ninja-build gcc g++ pkg-config clang libclang-rt-14-dev binaryen wabt
          libzip-dev zlib1g-dev libdeflate-dev libbrotli-dev libjansson-dev libssl-dev golang-1.19-go python3 mandoc zip
          ca-certificates chromium strace time pmccabe)

install_deps() {
	local missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	# Node.js 20 and npm come with the machine; Debian's are the fallback.
	command -v node >/dev/null || missing+=(nodejs)
	command -v npm >/dev/null || missing+=(npm)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "setup: installing ${missing[*]}"
		if [ "$(id -u)" -ne 0 ]; then
			echo "setup: installing packages needs root" >&2
			exit 2
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

install_deps
[ "${1:-}" = "--deps-only" ] && exit 0

if [ ! -f build/build.ninja ]; then
	meson setup build --buildtype=release >/dev/null
fi
ninja -C build >/dev/null
echo "setup: built $(build/tools/gowasm-inspect --version)"

# The demo: examples/Makefile compiles examples/hello with Go 1.19,
# inspects the module, runs the release gate on it, and batches it (the
# batched module must print what the original prints under Node).
make -s -C examples all GOWASM_BIN="$PWD/build/tools"
