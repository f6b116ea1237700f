#!/bin/sh
# SPDX-License-Identifier: MIT
# Compiles one Go fixture to js/wasm: build.sh GO SRCDIR OUT [LDFLAGS [EXTRA]]
# EXTRA is "host" for a program for this machine (such as a test oracle),
# otherwise one more flag for go build (e.g. -trimpath).
# Offline: fixtures use the standard library and local replacements only.
set -eu
go=$1 src=$2 out=$3 ldflags=${4:-} flag=${5:-}
: "${HOME:=/tmp}"
if [ "$flag" = host ]; then
	unset GOOS GOARCH
	flag=
else
	export GOOS=js GOARCH=wasm
fi
export GOPROXY=off GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-$HOME/.cache/go-build}"
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$src"
exec "$go" build -ldflags="$ldflags" ${flag:+"$flag"} -o "$out" .
