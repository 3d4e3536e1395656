;; hostile-memory-bomb: execute_request grows memory by 16 pages (1 MiB) at a
;; time, touching each new MiB, until memory.grow is refused; then it traps.
;; The memory declares no maximum: the host's cap (max_memory_mb) is what
;; makes memory.grow return -1, and the host must report MEMORY_LIMIT.
(module
  (memory (export "memory") 1)

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
    (local $old i32)
    (loop $more
      (local.set $old (memory.grow (i32.const 16)))
      (if (i32.eq (local.get $old) (i32.const -1))
        (then unreachable))
      ;; Write the last byte of the new pages.
      (i32.store8
        (i32.sub
          (i32.shl (i32.add (local.get $old) (i32.const 16)) (i32.const 16))
          (i32.const 1))
        (i32.const 1))
      (br $more))
    (i32.const 0))
)
