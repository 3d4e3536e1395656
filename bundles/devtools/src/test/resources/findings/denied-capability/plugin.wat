;; denied-capability: declares FileSystemRead for notes/ only, and reads /etc/passwd on every
;; request, outside its allowed_file_paths: each call is refused with ACCESS_DENIED, which
;; the security test reports as DENIED_CAPABILITY.
(module
  (import "fluent" "fs_read" (func $fs_read (param i32 i32) (result i64)))

  (memory (export "memory") 1)

  ;; The response frame: a 4-byte length, then {"content":"ok"} (16 bytes).
  (data (i32.const 16) "\10\00\00\00{\"content\":\"ok\"}")
  (data (i32.const 64) "/etc/passwd")

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
    (drop (call $fs_read (i32.const 64) (i32.const 11)))
    (i32.const 16))
)
