;; nondeterministic: answers eight letters drawn with WASI random_get, so two
;; executions of the same request answer differently (NONDETERMINISTIC).
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))

  (memory (export "memory") 1)

  ;; The response frame: a 4-byte length, then {"content":"........"} (22 bytes);
  ;; the eight letters are at 32.
  (data (i32.const 16) "\16\00\00\00{\"content\":\"........\"}")

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
    (local $i i32)
    (drop (call $random_get (i32.const 32) (i32.const 8)))
    ;; each random byte becomes one of the letters a-p
    (loop $letters
      (i32.store8 (i32.add (i32.const 32) (local.get $i))
        (i32.add (i32.const 97)
          (i32.and (i32.load8_u (i32.add (i32.const 32) (local.get $i))) (i32.const 15))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $letters (i32.lt_u (local.get $i) (i32.const 8))))
    (i32.const 16))
)
