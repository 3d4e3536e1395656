;; A plugin of a capability outside the standard eight: it calls com.example.counter.next three times
;; per request and answers with the JSON the third call returned (the host writes it through
;; fluent_alloc), framed as the ABI says (a little-endian u32 length, then the JSON).
(module
  (import "com.example.counter" "next" (func $next (param i64) (result i64)))

  (memory (export "memory") 1)

  (func (export "fluent_abi_version") (result i32)
    (i32.const 1))

  ;; fluent_alloc: a bump allocator that grows memory as needed and never frees.
  (global $next (mut i32) (i32.const 4096))
  (func (export "fluent_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local $end i32)
    (if (i32.lt_s (local.get $size) (i32.const 0))
      (then (return (i32.const 0))))
    (local.set $ptr (global.get $next))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (block $fits
      (loop $grow
        (br_if $fits
          (i32.le_u (local.get $end) (i32.shl (memory.size) (i32.const 16))))
        (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))
        (return (i32.const 0))))
    (global.set $next
      (i32.and (i32.add (local.get $end) (i32.const 7)) (i32.const -8)))
    (local.get $ptr))

  (func (export "execute_request") (param $ptr i32) (param $len i32) (result i32)
    (local $r i64)
    (local $n i32)
    (drop (call $next (i64.const 1)))
    (drop (call $next (i64.const 1)))
    (local.set $r (call $next (i64.const 1)))
    (local.set $n (i32.wrap_i64 (i64.shr_u (local.get $r) (i64.const 32))))
    (i32.store (i32.const 16) (local.get $n))
    (memory.copy (i32.const 20) (i32.wrap_i64 (local.get $r)) (local.get $n))
    (i32.const 16))
)
