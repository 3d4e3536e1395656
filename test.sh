#!/bin/sh
#
# Runs every test: the example plugins are rebuilt from source and compared with the committed ones
# (when the plugin toolchain is installed: Debian's rustc, libstd-rust-dev-wasm32 and wabt), then the
# Maven build runs the unit tests of every module and the Pax Exam tests against the real distribution.
#
set -eu
cd "$(dirname "$0")"

if [ -x "${RUSTC:-/usr/bin/rustc}" ] && command -v wat2wasm >/dev/null 2>&1; then
    examples/check.sh
else
    echo "test.sh: plugin toolchain not installed (rustc, libstd-rust-dev-wasm32, wabt): example rebuild check skipped" >&2
fi
mvn -B install "$@"
