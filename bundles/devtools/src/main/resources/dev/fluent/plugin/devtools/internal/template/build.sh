#!/usr/bin/env bash
# Builds this plugin: plugin.wasm from src/lib.rs and the PDK in pdk/, then
# writes its SHA-256 into manifest.json's "checksum". Offline, no cargo, no
# crates: Debian's rustc with the wasm32-wasi standard library
# (apt-get install rustc libstd-rust-dev-wasm32). RUSTC selects another
# compiler. ./build.sh test runs the unit tests on this machine instead.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUSTC="${RUSTC:-/usr/bin/rustc}"
TARGET=wasm32-wasi
CRATE="{{crate_name}}"
OUT="$HERE/target"
RUST_FLAGS=(--edition 2021 -C opt-level=s -C debuginfo=0 -C strip=symbols -C panic=abort
            -C codegen-units=1 --remap-path-prefix "$HERE=.")

fail() { echo "build.sh: $*" >&2; exit 1; }
command -v "$RUSTC" >/dev/null || fail "no rustc at $RUSTC (install the Debian package rustc, or set RUSTC)"
mkdir -p "$OUT"

if [[ "${1:-}" == test ]]; then
  "$RUSTC" --edition 2021 --crate-type rlib --crate-name fluent_pdk "$HERE/pdk/src/lib.rs" --out-dir "$OUT/native"
  "$RUSTC" --edition 2021 --test --crate-name "$CRATE" --extern fluent_pdk="$OUT/native/libfluent_pdk.rlib" \
    "$HERE/src/lib.rs" -o "$OUT/native/tests"
  exec "$OUT/native/tests" -q
fi
[[ -z "${1:-}" ]] || fail "unknown argument '$1' (use test or nothing)"

sysroot="$("$RUSTC" --print sysroot)"
[[ -d "$sysroot/lib/rustlib/$TARGET/lib" ]] ||
  fail "$RUSTC has no $TARGET standard library (install libstd-rust-dev-wasm32, or set RUSTC)"

"$RUSTC" "${RUST_FLAGS[@]}" --target "$TARGET" --crate-name fluent_pdk --crate-type rlib \
  -C metadata=fluent_pdk "$HERE/pdk/src/lib.rs" --out-dir "$OUT/pdk"
"$RUSTC" "${RUST_FLAGS[@]}" --target "$TARGET" --crate-name "$CRATE" --crate-type cdylib -C lto=fat \
  --extern fluent_pdk="$OUT/pdk/libfluent_pdk.rlib" "$HERE/src/lib.rs" -o "$OUT/plugin.wasm"
cp "$OUT/plugin.wasm" "$HERE/plugin.wasm"

sum="$(sha256sum "$HERE/plugin.wasm" | cut -d' ' -f1)"
sed -i -E "s/(\"checksum\"[[:space:]]*:[[:space:]]*\")[^\"]*(\")/\1$sum\2/" "$HERE/manifest.json"
grep -q "\"$sum\"" "$HERE/manifest.json" || fail "could not write the checksum into manifest.json"
echo "built plugin.wasm ($(stat -c %s "$HERE/plugin.wasm") bytes, sha256 $sum)"
echo "next: fluent-plugin sign --key <private.pem> $HERE"
