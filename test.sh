#!/bin/sh
#
# Runs every test: the example plugins are rebuilt from source and compared with the committed ones
# (when the plugin toolchains are installed: Debian's rustc, libstd-rust-dev-wasm32 and wabt, and clang,
# lld, wasi-libc and libclang-rt-dev-wasm32 for C), then the Maven build runs the unit tests of every
# module, the extension kit's (examples/extensions) and the Pax Exam tests against the real distribution (the
# web console's test drives headless Chromium from Node.js: without chromium, node and npm it is skipped).
#
set -eu
cd "$(dirname "$0")"

if [ -x "${RUSTC:-/usr/bin/rustc}" ] && command -v wat2wasm >/dev/null 2>&1 && command -v "${CLANG:-clang}" >/dev/null 2>&1
then
    examples/check.sh
else
    echo "test.sh: plugin toolchains not installed (rustc, libstd-rust-dev-wasm32, wabt; clang, lld, wasi-libc," \
        "libclang-rt-dev-wasm32): example rebuild check skipped" >&2
fi
# The tutorial runs before the full build: it needs only the command line's jar, and it leaves its signed
# plugin in target/tutorial-plugin, which the Pax Exam test AuthoringIT then loads into the distribution.
rm -rf target/tutorial-plugin
rustc="${RUSTC:-/usr/bin/rustc}"
if [ -x "$rustc" ] && [ -d "$("$rustc" --print sysroot)/lib/rustlib/wasm32-wasi" ]; then
    mvn -B -q install -DskipTests -pl cli -am
    FLUENT_TUTORIAL_OUT=target/tutorial-plugin docs/plugin-authoring.sh
else
    echo "test.sh: rustc with the wasm32-wasi standard library not installed: the plugin authoring tutorial" \
        "(docs/plugin-authoring.sh) and AuthoringIT's test of its plugin skipped" >&2
fi
# The extension kit depends on the platform's API by its coordinates, as a third party would: the API is
# installed first, then the kit is built (with its unit tests), so that the Pax Exam tests that drop its
# bundles into deploy/ find them.
mvn -B -q install -DskipTests -pl bundles/api -am
mvn -B -q -f examples/extensions/pom.xml install
mvn -B install "$@"
