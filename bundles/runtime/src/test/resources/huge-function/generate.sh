#!/usr/bin/env bash
# Generates plugin.wasm: an ABI v1 plugin whose one function, $huge, compiles to more JVM bytecode than a
# method may hold (64 KB), so the platform runs it in Chicory's interpreter inside an otherwise compiled
# module. $huge(x, spin) applies 12,000 steps acc = acc * 31 + k (k = 1, 2, ...) to x, and repeats them
# for as long as spin is non-zero: a payload containing "L" (e.g. LOOP) makes it loop forever.
# execute_request answers {"content":"<$huge(7, 0) as unsigned decimal>"}; the test computes the same.
# Needs wat2wasm (the Debian package wabt).
#
#   bundles/runtime/src/test/resources/huge-function/generate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
steps=12000
wat="$(mktemp)"
trap 'rm -f "$wat"' EXIT
{
cat <<'HEAD'
(module
  (memory (export "memory") 2)
  (func (export "fluent_abi_version") (result i32) (i32.const 1))
  (global $next (mut i32) (i32.const 4096))
  (func (export "fluent_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.and (i32.add (i32.add (local.get $ptr) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (local.get $ptr))
  (func $huge (param $acc i32) (param $spin i32) (result i32)
    (loop $again
HEAD
for ((k = 1; k <= steps; k++)); do
  echo "      (local.set \$acc (i32.add (i32.mul (local.get \$acc) (i32.const 31)) (i32.const $k)))"
done
cat <<'TAIL'
      (br_if $again (local.get $spin)))
    (local.get $acc))
  ;; Writes {"content":"<n>"} as a frame at 1024 and returns its address.
  (func $answer (param $n i32) (result i32)
    (local $at i32)
    (local $digits i32)
    ;; the digits, backwards, from 1100 down
    (local.set $at (i32.const 1100))
    (loop $digit
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (local.set $digits (i32.sub (i32.const 1100) (local.get $at)))
    (memory.copy (i32.const 1040) (i32.const 1200) (i32.const 12))
    (memory.copy (i32.add (i32.const 1052) (i32.const 0)) (local.get $at) (local.get $digits))
    (i32.store16 (i32.add (i32.const 1052) (local.get $digits)) (i32.const 0x7d22))
    (i32.store (i32.const 1036) (i32.add (i32.const 14) (local.get $digits)))
    (i32.const 1036))
  (data (i32.const 1200) "{\"content\":\"")
  (func (export "execute_request") (param $ptr i32) (param $len i32) (result i32)
    (local $i i32)
    (local $spin i32)
    (block $scanned
      (loop $scan
        (br_if $scanned (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.eq (i32.load8_u (i32.add (local.get $ptr) (local.get $i))) (i32.const 76))
          (then (local.set $spin (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (call $answer (call $huge (i32.const 7) (local.get $spin))))
)
TAIL
} > "$wat"
wat2wasm "$wat" -o "$here/plugin.wasm"
sha256sum "$here/plugin.wasm" | cut -d' ' -f1
