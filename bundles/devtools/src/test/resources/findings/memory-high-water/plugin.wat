;; memory-high-water: every request grows memory to 3.5 MiB, and its manifest
;; allows 4 MiB: above 80 % of max_memory_mb, so MEMORY_HIGH_WATER.
(module
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

  ;; Grows memory to 56 pages (3.5 MiB), touching the last one.
  (func (export "execute_request") (param $ptr i32) (param $len i32) (result i32)
    (block $done
      (loop $grow
        (br_if $done (i32.ge_u (memory.size) (i32.const 56)))
        (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))))
    (i32.store8 (i32.const 3670000) (i32.const 1))
    (i32.const 16))
)
