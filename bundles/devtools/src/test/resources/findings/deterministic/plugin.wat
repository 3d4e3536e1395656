;; deterministic: reads the realtime clock and random bytes on every request,
;; as a plugin measuring or sampling might, but answers the same for the same
;; request: no NONDETERMINISTIC.
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The response frame: a 4-byte length, then {"content":"ok"} (16 bytes).
  (data (i32.const 16) "\10\00\00\00{\"content\":\"ok\"}")

  (func (export "fluent_abi_version") (result i32)
    (i32.const 1))

  ;; fluent_alloc: a bump allocator that grows memory as needed and never
  ;; frees (every execution gets a fresh instance).
  (global $next (mut i32) (i32.const 1024))
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
    ;; the time and the random bytes land at 64 and 72, outside the answer
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 64)))
    (drop (call $random_get (i32.const 72) (i32.const 8)))
    (i32.const 16))
)
