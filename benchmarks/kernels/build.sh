#!/usr/bin/env bash
# Rebuilds the compute kernels of the speed benchmarks (docs/benchmarks.md, "Compute kernels") from their
# C sources on the C PDK, and rewrites the checksum in each manifest.json. The kernels are benchmark inputs,
# not example plugins: unsigned (the benchmark loads them in development mode), built for speed (-O2).
#
#   benchmarks/kernels/build.sh          build every kernel's plugin.wasm
#   benchmarks/kernels/build.sh --check  build into a temporary folder and check that the committed
#                                        plugin.wasm files and checksums are up to date; changes nothing
#
# Needs the Debian packages clang, lld, wasi-libc and libclang-rt-dev-wasm32 (CLANG selects the compiler,
# default clang), and wasm-validate (wabt). The fourth kernel, sha256, is the Rust example examples/sha256,
# which examples/build.sh builds.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CLANG="${CLANG:-clang}"
KERNELS=(hashtable matmul jsonwords)
C_FLAGS=(--target=wasm32-wasi -mexec-model=reactor -O2 -std=c11 -Wall -Wextra -Werror
         -ffile-prefix-map="$ROOT=." -Wl,--strip-all)

fail() { echo "build.sh: $*" >&2; exit 1; }
command -v "$CLANG" >/dev/null ||
  fail "no $CLANG (install the Debian packages clang lld wasi-libc libclang-rt-dev-wasm32, or set CLANG)"
command -v wasm-validate >/dev/null || fail "wasm-validate not found (install the Debian package wabt)"

mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) fail "unknown argument '$1' (use --check or nothing)" ;;
esac

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for k in "${KERNELS[@]}"; do
  "$CLANG" "${C_FLAGS[@]}" -I "$ROOT/pdk/c" "$HERE/$k/src/plugin.c" "$ROOT/pdk/c/fluent_plugin.c" -o "$out/$k.wasm"
  wasm-validate "$out/$k.wasm" || fail "$k/plugin.wasm does not validate"
  sum="$(sha256sum "$out/$k.wasm" | cut -d' ' -f1)"
  if [[ "$mode" == check ]]; then
    cmp -s "$out/$k.wasm" "$HERE/$k/plugin.wasm" || fail "$k/plugin.wasm is not what its source builds: run $0"
    grep -q "\"checksum\": \"$sum\"" "$HERE/$k/manifest.json" || fail "$k/manifest.json has a stale checksum: run $0"
  else
    cp "$out/$k.wasm" "$HERE/$k/plugin.wasm"
    sed -i -E "s/(\"checksum\"[[:space:]]*:[[:space:]]*\")[^\"]*(\")/\1$sum\2/" "$HERE/$k/manifest.json"
  fi
  echo "$k: $sum"
done
