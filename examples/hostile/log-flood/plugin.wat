;; hostile-log-flood: on every request, writes 200 records of about 1 KiB to
;; stdout through WASI fd_write, each holding a forged log line (a line feed,
;; a date and "ERROR") and a terminal escape that clears the screen. With
;; LoggingAccess its output reaches the container's log: escaped, and capped
;; per minute across executions, so no plugin can flood the log or rotate the
;; operator's history away.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The response frame: a 4-byte length, then {"content":"flooded"} (21 bytes).
  (data (i32.const 16) "\15\00\00\00{\"content\":\"flooded\"}")
  ;; The record's head, 47 bytes; the rest of its 1024 bytes is filled with 'x' at start.
  (data (i32.const 2048) "flood\0a2026-12-06 00:00:00 | ERROR | forged\1b[2J ")
  ;; One iovec: {ptr 2048, len 1024}.
  (data (i32.const 64) "\00\08\00\00\00\04\00\00")

  (func (export "fluent_abi_version") (result i32)
    (i32.const 1))

  ;; fluent_alloc: a bump allocator that grows memory as needed and never
  ;; frees (every execution gets a fresh instance).
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
    (local $i i32)
    ;; Fill bytes 47..1023 of the record with 'x'.
    (memory.fill (i32.const 2095) (i32.const 120) (i32.const 977))
    (local.set $i (i32.const 200))
    (loop $write
      (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 96)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $write (i32.gt_s (local.get $i) (i32.const 0))))
    (i32.const 16))
)
