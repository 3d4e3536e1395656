#!/usr/bin/env bash
# Rebuilds every example plugin from source and runs the PDK's unit tests.
#
#   examples/build.sh          build, check that a second build is identical,
#                              install each plugin.wasm, rewrite the
#                              "checksum" in its manifest.json and sign it
#                              with the development key (examples/keys)
#   examples/build.sh --check  build into a temporary folder and verify that
#                              the committed plugin.wasm files, checksums and
#                              signatures are up to date; changes nothing (CI)
#
# Needs the Debian packages rustc, libstd-rust-dev-wasm32, lld-14 and wabt,
# and for the C plugins clang, lld, wasi-libc and libclang-rt-dev-wasm32
# (CLANG selects that compiler, default clang). RUSTC selects the Rust
# compiler (default /usr/bin/rustc: a rustup toolchain usually has no
# wasm32-wasi standard library, and a different rustc gives different bytes).
# Signing runs the platform's own signer, so bundles/trust must be built
# (mvn -q install -DskipTests -pl bundles/trust -am); --check skips the
# signatures when it is not. Exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUSTC="${RUSTC:-/usr/bin/rustc}"
TARGET=wasm32-wasi
PDK_SRC="$ROOT/pdk/rust/src/lib.rs"
CLANG="${CLANG:-clang}"
C_PDK="$ROOT/pdk/c"

# Every plugin folder, relative to examples/. Those with src/lib.rs are Rust, those with src/plugin.c
# are C; the rest are WAT.
PLUGINS=(echo sha256 selftest hostile/loop hostile/memory-bomb hostile/deep-recursion hostile/wild-pointer
         hostile/trap hostile/forbidden-import hostile/no-abi hostile/plugin-error hostile/stateful
         openai-engine file-summary kv-counter hostile/capability-probe hostile/host-wild-pointer
         hostile/host-huge-length hostile/host-wild-alloc hostile/undeclared-capability hostile/exfiltrate
         hostile/log-flood c-echo extensions/sql/example/sql-query)

# Size-optimized, reproducible: no debug info, no symbol names, abort on
# panic, one codegen unit, and source paths recorded relative to the repo.
RUST_FLAGS=(--edition 2021 -C opt-level=s -C debuginfo=0 -C strip=symbols -C panic=abort
            -C codegen-units=1 --remap-path-prefix "$ROOT=.")
# C: a WASI reactor (the host calls _initialize), size-optimized, warnings as errors, no custom sections.
C_FLAGS=(--target=wasm32-wasi -mexec-model=reactor -Os -std=c11 -Wall -Wextra -Werror
         -ffile-prefix-map="$ROOT=." -Wl,--strip-all)

fail() { echo "build.sh: $*" >&2; exit 1; }
step() { echo "== $*"; }

mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
  *) fail "unknown argument '$1' (use --check or nothing)" ;;
esac

command -v "$RUSTC" >/dev/null || fail "no rustc at $RUSTC (install the Debian package rustc, or set RUSTC)"
command -v "$CLANG" >/dev/null ||
  fail "no $CLANG (install the Debian packages clang lld wasi-libc libclang-rt-dev-wasm32, or set CLANG)"
for tool in wat2wasm wasm-validate; do
  command -v "$tool" >/dev/null || fail "$tool not found (install the Debian package wabt)"
done
for tool in sha256sum cmp sed; do
  command -v "$tool" >/dev/null || fail "$tool not found"
done
sysroot="$("$RUSTC" --print sysroot)"
[[ -d "$sysroot/lib/rustlib/$TARGET/lib" ]] ||
  fail "$RUSTC has no $TARGET standard library (install libstd-rust-dev-wasm32, or set RUSTC)"

# build_plugins OUT: compiles every plugin into OUT/<folder>/plugin.wasm.
build_plugins() {
  local out="$1" dir name
  mkdir -p "$out/pdk"
  "$RUSTC" "${RUST_FLAGS[@]}" --target "$TARGET" --crate-name fluent_pdk --crate-type rlib \
    -C metadata=fluent_pdk "$PDK_SRC" --out-dir "$out/pdk"
  for dir in "${PLUGINS[@]}"; do
    mkdir -p "$out/$dir"
    if [[ -f "$HERE/$dir/src/lib.rs" ]]; then
      name="$(basename "$dir" | tr -c 'a-zA-Z0-9_\n' '_')"
      "$RUSTC" "${RUST_FLAGS[@]}" --target "$TARGET" --crate-name "$name" --crate-type cdylib \
        -C lto=fat --extern fluent_pdk="$out/pdk/libfluent_pdk.rlib" \
        "$HERE/$dir/src/lib.rs" -o "$out/$dir/plugin.wasm"
    elif [[ -f "$HERE/$dir/src/plugin.c" ]]; then
      "$CLANG" "${C_FLAGS[@]}" -I "$C_PDK" "$HERE/$dir/src/plugin.c" "$C_PDK/fluent_plugin.c" \
        -o "$out/$dir/plugin.wasm"
    elif [[ -f "$HERE/$dir/plugin.wat" ]]; then
      wat2wasm "$HERE/$dir/plugin.wat" -o "$out/$dir/plugin.wasm"
    else
      fail "$dir has neither src/lib.rs, src/plugin.c nor plugin.wat"
    fi
    wasm-validate "$out/$dir/plugin.wasm" || fail "$dir/plugin.wasm does not validate"
  done
}

# run_tests OUT: the PDK's and the Rust examples' unit tests, on the host.
run_tests() {
  local out="$1" dir name
  mkdir -p "$out/native"
  "$RUSTC" --edition 2021 -C opt-level=2 --test --crate-name fluent_pdk "$PDK_SRC" \
    -o "$out/native/fluent_pdk-tests"
  "$out/native/fluent_pdk-tests" -q
  "$RUSTC" --edition 2021 -C opt-level=2 --crate-type rlib --crate-name fluent_pdk "$PDK_SRC" \
    --out-dir "$out/native"
  for dir in "${PLUGINS[@]}"; do
    if [[ -f "$HERE/$dir/src/lib.rs" ]]; then
      name="$(basename "$dir" | tr -c 'a-zA-Z0-9_\n' '_')"
      "$RUSTC" --edition 2021 -C opt-level=2 --test --crate-name "$name" \
        --extern fluent_pdk="$out/native/libfluent_pdk.rlib" "$HERE/$dir/src/lib.rs" \
        -o "$out/native/$name-tests"
      "$out/native/$name-tests" -q
    fi
  done
}

checksum_of() { sha256sum "$1" | cut -d' ' -f1; }

# The value of "checksum" in a manifest (exactly one such line expected).
manifest_checksum() {
  local count
  count="$(grep -c '"checksum"[[:space:]]*:' "$1" || true)"
  [[ "$count" == 1 ]] || fail "$1 must have exactly one \"checksum\" line (found $count)"
  sed -n -E 's/.*"checksum"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p' "$1"
}

# Replaces the checksum value, leaving every other byte of the file as it is.
set_manifest_checksum() {
  local manifest="$1" sum="$2"
  [[ "$(manifest_checksum "$manifest")" == "$sum" ]] && return 0
  sed -i -E "s/(\"checksum\"[[:space:]]*:[[:space:]]*\")[^\"]*(\")/\1$sum\2/" "$manifest"
  [[ "$(manifest_checksum "$manifest")" == "$sum" ]] || fail "could not update $manifest"
}

# The platform's own signer, SignTool of bundles/trust (the code behind
# plugin:sign), signs with the development key: docs/signing.md. Ed25519
# signatures are deterministic, so signing unchanged content changes nothing.
DEV_KEY="$HERE/keys/dev-signing-key.pem"
SIGNER_MAIN=dev.fluent.plugin.trust.internal.SignTool
TRUST_BUILD_HINT="mvn -q install -DskipTests -pl bundles/trust -am"

# The signer's class path, or nothing when bundles/trust is not built.
signer_classpath() {
  local classes="$ROOT/bundles/trust/target/classes" deps
  [[ -f "$classes/${SIGNER_MAIN//.//}.class" ]] || return 0
  deps="$(mktemp)"
  if mvn -q -o -f "$ROOT/bundles/trust/pom.xml" dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$deps" >&2; then
    printf '%s:%s' "$classes" "$(cat "$deps")"
  fi
  rm -f "$deps"
}

# sign CLASSPATH FOLDER...: signs plugin folders in place.
sign_plugins() {
  local classpath="$1"
  shift
  java -cp "$classpath" "$SIGNER_MAIN" sign --key "$DEV_KEY" "$@" >/dev/null
}

if [[ "$mode" == check ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  step "unit tests"
  run_tests "$work"
  step "building into a temporary folder"
  build_plugins "$work/out"
  stale=0
  for dir in "${PLUGINS[@]}"; do
    committed="$HERE/$dir/plugin.wasm"
    if [[ ! -f "$committed" ]]; then
      echo "MISSING  $dir/plugin.wasm"; stale=1; continue
    fi
    if ! cmp -s "$work/out/$dir/plugin.wasm" "$committed"; then
      echo "STALE    $dir/plugin.wasm differs from a build of its source"; stale=1
    fi
    if [[ "$(manifest_checksum "$HERE/$dir/manifest.json")" != "$(checksum_of "$committed")" ]]; then
      echo "STALE    $dir/manifest.json checksum is not the SHA-256 of plugin.wasm"; stale=1
    fi
  done
  classpath="$(signer_classpath)"
  if [[ -z "$classpath" ]]; then
    echo "signatures not checked: bundles/trust is not built ($TRUST_BUILD_HINT)"
  else
    step "checking signatures"
    copies=()
    for dir in "${PLUGINS[@]}"; do
      mkdir -p "$work/signed/$dir"
      cp "$HERE/$dir/manifest.json" "$HERE/$dir/plugin.wasm" "$work/signed/$dir/"
      copies+=("$work/signed/$dir")
    done
    sign_plugins "$classpath" "${copies[@]}"
    for dir in "${PLUGINS[@]}"; do
      if ! cmp -s "$work/signed/$dir/manifest.json" "$HERE/$dir/manifest.json"; then
        echo "STALE    $dir/manifest.json is not signed with the development key over its current content"; stale=1
      fi
    done
  fi
  [[ "$stale" == 0 ]] || fail "committed plugins are out of date: run examples/build.sh and commit the result"
  echo "all ${#PLUGINS[@]} plugins are up to date"
  exit 0
fi

target="$HERE/target"
classpath="$(signer_classpath)"
[[ -n "$classpath" ]] || fail "bundles/trust is not built, and it signs the plugins: run $TRUST_BUILD_HINT"
rm -rf "$target/build" "$target/rebuild" "$target/test"
step "unit tests"
run_tests "$target/test"
step "building"
build_plugins "$target/build"
step "rebuilding to check the output is reproducible"
build_plugins "$target/rebuild"
for dir in "${PLUGINS[@]}"; do
  cmp -s "$target/build/$dir/plugin.wasm" "$target/rebuild/$dir/plugin.wasm" ||
    fail "$dir/plugin.wasm differs between two builds: the build is not reproducible"
done
step "installing"
for dir in "${PLUGINS[@]}"; do
  built="$target/build/$dir/plugin.wasm"
  cmp -s "$built" "$HERE/$dir/plugin.wasm" 2>/dev/null || cp "$built" "$HERE/$dir/plugin.wasm"
  sum="$(checksum_of "$HERE/$dir/plugin.wasm")"
  set_manifest_checksum "$HERE/$dir/manifest.json" "$sum"
  printf '%-26s %7d bytes  %s\n' "$dir" "$(stat -c %s "$HERE/$dir/plugin.wasm")" "$sum"
done
step "signing with the development key"
folders=()
for dir in "${PLUGINS[@]}"; do
  folders+=("$HERE/$dir")
done
sign_plugins "$classpath" "${folders[@]}"
