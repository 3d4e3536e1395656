;; hostile-host-wild-alloc: puts a value in its cache and reads it back; when
;; the host then calls fluent_alloc to hand the value over, it gets a pointer
;; far outside memory. The host must fail the execution with BAD_HOST_CALL
;; rather than write there.
(module
  (import "fluent" "cache_put" (func $cache_put (param i32 i32 i32 i32 i32) (result i64)))
  (import "fluent" "cache_get" (func $cache_get (param i32 i32) (result i64)))

  (memory (export "memory") 1)

  ;; Response frame at 16: length 14 (0x0e), then the JSON.
  (data (i32.const 16) "\0e\00\00\00{\"content\":\"\"}")
  ;; The key "k" at 64, the value "v" at 72.
  (data (i32.const 64) "k")
  (data (i32.const 72) "v")

  (func (export "fluent_abi_version") (result i32)
    (i32.const 1))

  ;; fluent_alloc: a bump allocator that grows memory as needed and never
  ;; frees (every execution gets a fresh instance).
  (global $next (mut i32) (i32.const 1024))
  (global $wild (mut i32) (i32.const 0))
  (func $alloc (export "fluent_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local $end i32)
    (if (i32.lt_s (local.get $size) (i32.const 0))
      (then (return (i32.const 0))))
    (if (global.get $wild)
      (then (return (i32.const 0x7FFFFFF0))))
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

  ;; The request's buffer is honest; after it, the bump pointer is set far
  ;; outside memory, and the allocator hands that out without checking.
  (func (export "execute_request") (param $ptr i32) (param $len i32) (result i32)
    (global.set $wild (i32.const 1))
    (drop (call $cache_put (i32.const 64) (i32.const 1) (i32.const 72) (i32.const 1) (i32.const 0)))
    (drop (call $cache_get (i32.const 64) (i32.const 1)))
    (i32.const 16))
)
