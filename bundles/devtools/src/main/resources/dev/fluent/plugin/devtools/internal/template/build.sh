#!/usr/bin/env bash
# Builds this plugin: plugin.wasm from src/lib.rs and the PDK in pdk/, then
# writes its SHA-256 into manifest.json's "checksum". ./build.sh test runs the
# unit tests on this machine instead (the PDK's fakes stand in for the host).
#
# It uses the Rust toolchain that is there:
#   cargo  when cargo is on PATH and its rustc has a WebAssembly standard
#          library: wasm32-wasip1 (Rust 1.78 and later; with rustup:
#          rustup target add wasm32-wasip1) or wasm32-wasi (older);
#   rustc  alone, no cargo, no crates, offline: RUSTC, else /usr/bin/rustc
#          (Debian: apt-get install rustc libstd-rust-dev-wasm32 lld-14),
#          else rustc on PATH, with either standard library.
# FLUENT_BUILD=cargo or FLUENT_BUILD=rustc chooses one. The unit tests need
# no WebAssembly library: cargo test, or rustc --test without cargo.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CRATE="{{crate_name}}"
OUT="$HERE/target"
CHOICE="${FLUENT_BUILD:-}"
INSTALL_HINT="install one of them:
  with rustup and cargo:  rustup target add wasm32-wasip1
  Debian, offline:        apt-get install rustc libstd-rust-dev-wasm32 lld-14"
RUST_FLAGS=(--edition 2021 -C opt-level=s -C debuginfo=0 -C strip=symbols -C panic=abort
            -C codegen-units=1 --remap-path-prefix "$HERE=.")

fail() { echo "build.sh: $*" >&2; exit 1; }
note() { echo "build.sh: $*" >&2; }

case "$CHOICE" in
  ""|cargo|rustc) ;;
  *) fail "FLUENT_BUILD must be cargo or rustc, not '$CHOICE'" ;;
esac
mode=build
case "${1:-}" in
  "") ;;
  test) mode=test ;;
  *) fail "unknown argument '$1' (use test or nothing)" ;;
esac

# wasm_target RUSTC: the WebAssembly target whose standard library RUSTC has (the newer name first), or nothing.
wasm_target() {
  local sysroot target
  sysroot="$("$1" --print sysroot 2>/dev/null)" || return 0
  for target in wasm32-wasip1 wasm32-wasi; do
    if [[ -d "$sysroot/lib/rustlib/$target/lib" ]]; then
      echo "$target"
      return 0
    fi
  done
}

# The compilers the rustc path may use, in order of preference, each once.
rustc_candidates() {
  if [[ -n "${RUSTC:-}" ]]; then
    echo "$RUSTC"
    return
  fi
  { [[ ! -x /usr/bin/rustc ]] || echo /usr/bin/rustc; command -v rustc || true; } | awk '!seen[$0]++'
}

have_cargo() { command -v cargo >/dev/null 2>&1; }

# cargo uses RUSTC when it is set, otherwise the rustc on PATH (rustup's, with rustup).
cargo_rustc() { echo "${RUSTC:-rustc}"; }

if [[ "$mode" == test ]]; then
  if [[ "$CHOICE" != rustc ]] && have_cargo; then
    exec cargo test --manifest-path "$HERE/Cargo.toml" -q
  fi
  [[ "$CHOICE" != cargo ]] || fail "FLUENT_BUILD=cargo, but cargo is not on PATH"
  rustc="$(rustc_candidates | head -n 1)"
  [[ -n "$rustc" ]] || fail "no cargo and no rustc found; $INSTALL_HINT"
  mkdir -p "$OUT/native"
  "$rustc" --edition 2021 --crate-type rlib --crate-name fluent_pdk "$HERE/pdk/src/lib.rs" --out-dir "$OUT/native"
  "$rustc" --edition 2021 --test --crate-name "$CRATE" --extern fluent_pdk="$OUT/native/libfluent_pdk.rlib" \
    "$HERE/src/lib.rs" -o "$OUT/native/tests"
  exec "$OUT/native/tests" -q
fi

# Which toolchain builds the module: "cargo TARGET" or "rustc TARGET COMPILER".
toolchain=""
why=()
if [[ "$CHOICE" != rustc ]]; then
  if have_cargo; then
    target="$(wasm_target "$(cargo_rustc)")"
    if [[ -n "$target" ]]; then
      toolchain="cargo $target"
    else
      version="$("$(cargo_rustc)" --version 2>/dev/null || echo "$(cargo_rustc), not found")"
      why+=("cargo's rustc ($version) has neither the wasm32-wasip1 nor the wasm32-wasi standard library")
    fi
  else
    why+=("cargo is not on PATH")
  fi
fi
if [[ -z "$toolchain" && "$CHOICE" != cargo ]]; then
  candidates="$(rustc_candidates)"
  [[ -n "$candidates" ]] || why+=("no rustc found")
  while read -r rustc; do
    [[ -n "$rustc" ]] || continue
    target="$(wasm_target "$rustc")"
    if [[ -n "$target" ]]; then
      toolchain="rustc $target $rustc"
      break
    fi
    why+=("$rustc has neither the wasm32-wasip1 nor the wasm32-wasi standard library")
  done <<<"$candidates"
fi
[[ -n "$toolchain" ]] || fail "no Rust toolchain here builds WebAssembly: $(printf '%s; ' "${why[@]}")$INSTALL_HINT"

read -r kind target rustc <<<"$toolchain"
[[ ${#why[@]} -eq 0 ]] || note "$(printf '%s; ' "${why[@]}")building with $kind ${rustc:+($rustc) }for $target"
if [[ "$kind" == cargo ]]; then
  cargo build --manifest-path "$HERE/Cargo.toml" --release --target "$target"
  cp "$OUT/$target/release/$CRATE.wasm" "$HERE/plugin.wasm"
else
  # Debian's rustc links WebAssembly with rust-lld, a link to lld-14 that Debian only recommends.
  if [[ "$("$rustc" --print sysroot)" == /usr ]] && [[ ! -x "$(readlink -f /usr/bin/rust-lld 2>/dev/null || true)" ]]; then
    fail "$rustc links WebAssembly with rust-lld, which is missing: apt-get install lld-14"
  fi
  "$rustc" "${RUST_FLAGS[@]}" --target "$target" --crate-name fluent_pdk --crate-type rlib \
    -C metadata=fluent_pdk "$HERE/pdk/src/lib.rs" --out-dir "$OUT/pdk-$target"
  "$rustc" "${RUST_FLAGS[@]}" --target "$target" --crate-name "$CRATE" --crate-type cdylib -C lto=fat \
    --extern fluent_pdk="$OUT/pdk-$target/libfluent_pdk.rlib" "$HERE/src/lib.rs" -o "$OUT/plugin.wasm"
  cp "$OUT/plugin.wasm" "$HERE/plugin.wasm"
fi

sum="$(sha256sum "$HERE/plugin.wasm" | cut -d' ' -f1)"
sed -i -E "s/(\"checksum\"[[:space:]]*:[[:space:]]*\")[^\"]*(\")/\1$sum\2/" "$HERE/manifest.json"
grep -q "\"$sum\"" "$HERE/manifest.json" || fail "could not write the checksum into manifest.json"
echo "built plugin.wasm with $kind for $target ($(stat -c %s "$HERE/plugin.wasm") bytes, sha256 $sum)"
echo "next: fluent-plugin sign --key <private.pem> $HERE"
