#!/usr/bin/env bash
# Builds this plugin: plugin.wasm from src/plugin.c and the C PDK in pdk/,
# then writes its SHA-256 into manifest.json's "checksum". "./build.sh test"
# instead builds src/test.c natively, on the PDK's fakes of the host, and runs
# it (CC selects that compiler: cc, gcc or clang by default). Offline: clang for
# wasm32-wasi with wasi-libc (Debian: apt-get install clang lld wasi-libc
# libclang-rt-dev-wasm32). CLANG selects the compiler; WASI_SYSROOT a
# wasi-libc that is not where Debian puts it (/usr/include/wasm32-wasi), for
# example a wasi-sdk's share/wasi-sysroot.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLANG="${CLANG:-clang}"
INSTALL_HINT="Debian: apt-get install clang lld wasi-libc libclang-rt-dev-wasm32"
# A WASI reactor (the host calls _initialize), size-optimized, warnings as errors, no custom sections.
C_FLAGS=(--target=wasm32-wasi -mexec-model=reactor -Os -std=c11 -Wall -Wextra -Werror
         -ffile-prefix-map="$HERE=." -Wl,--strip-all)

fail() { echo "build.sh: $*" >&2; exit 1; }

if [[ "${1:-}" == test ]]; then
  native="${CC:-}"
  for candidate in cc gcc clang; do
    [[ -n "$native" ]] || ! command -v "$candidate" >/dev/null 2>&1 || native="$candidate"
  done
  [[ -n "$native" ]] || fail "no C compiler for this machine found (Debian: apt-get install gcc, or set CC)"
  mkdir -p "$HERE/target"
  "$native" -std=c11 -Wall -Wextra -Werror -g -I "$HERE/pdk" "$HERE/src/plugin.c" "$HERE/src/test.c" \
    "$HERE/pdk/fluent_plugin.c" "$HERE/pdk/fluent_fakes.c" -o "$HERE/target/test" -lm ||
    fail "$native could not build the tests for this machine"
  exec "$HERE/target/test"
fi
[[ -z "${1:-}" ]] || fail "unknown argument '$1' (build.sh takes none, or test)"
command -v "$CLANG" >/dev/null 2>&1 || fail "no $CLANG found; $INSTALL_HINT (or set CLANG)"

if [[ -n "${WASI_SYSROOT:-}" ]]; then
  C_FLAGS+=(--sysroot="$WASI_SYSROOT")
elif [[ ! -f /usr/include/wasm32-wasi/stdlib.h && -f /usr/share/wasi-sysroot/include/stdlib.h ]]; then
  C_FLAGS+=(--sysroot=/usr/share/wasi-sysroot)
elif [[ ! -f /usr/include/wasm32-wasi/stdlib.h ]]; then
  fail "no wasi-libc found; $INSTALL_HINT (or set WASI_SYSROOT)"
fi

mkdir -p "$HERE/target"
"$CLANG" "${C_FLAGS[@]}" -I "$HERE/pdk" "$HERE/src/plugin.c" "$HERE/pdk/fluent_plugin.c" -o "$HERE/target/plugin.wasm" ||
  fail "$CLANG could not build for wasm32-wasi; it needs lld and the wasm32 runtime library: $INSTALL_HINT"
cp "$HERE/target/plugin.wasm" "$HERE/plugin.wasm"

sum="$(sha256sum "$HERE/plugin.wasm" | cut -d' ' -f1)"
sed -i -E "s/(\"checksum\"[[:space:]]*:[[:space:]]*\")[^\"]*(\")/\1$sum\2/" "$HERE/manifest.json"
grep -q "\"$sum\"" "$HERE/manifest.json" || fail "could not write the checksum into manifest.json"
echo "built plugin.wasm with $CLANG for wasm32-wasi ($(stat -c %s "$HERE/plugin.wasm") bytes, sha256 $sum)"
echo "next: fluent-plugin sign --key <private.pem> $HERE"
