#!/bin/sh
# Compiles one Go fixture to js/wasm: build.sh GO SRCDIR OUT [LDFLAGS [host]]
# ("host": a program for this machine, such as a test oracle).
# Offline: fixtures use the standard library and local replacements only.
set -eu
go=$1 src=$2 out=$3 ldflags=${4:-}
: "${HOME:=/tmp}"
if [ "${5:-}" = host ]; then
	unset GOOS GOARCH
else
	export GOOS=js GOARCH=wasm
fi
export GOPROXY=off GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-$HOME/.cache/go-build}"
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$src"
exec "$go" build -ldflags="$ldflags" -o "$out" .
