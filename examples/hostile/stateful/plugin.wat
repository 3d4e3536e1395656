;; Test plugin: keeps a counter in a global and one in memory, and reports both. Under the platform's
;; per-request isolation every execution starts from the instantiated state, so it must always answer
;; "g=1 m=1"; any other answer means state leaked from an earlier request.
(module
  (memory (export "memory") 1 1)
  (global $count (mut i32) (i32.const 0))
  ;; The response frame: a 4-byte length at 1024, then {"content":"g=0 m=0"} (21 bytes) at 1028.
  (data (i32.const 1028) "{\22content\22:\22g=0 m=0\22}")
  (func (export "fluent_abi_version") (result i32) (i32.const 1))
  (func (export "fluent_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "execute_request") (param i32 i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store8 (i32.const 2048) (i32.add (i32.load8_u (i32.const 2048)) (i32.const 1)))
    ;; the digits of the two counters, modulo 10
    (i32.store8 (i32.const 1042) (i32.add (i32.const 48) (i32.rem_u (global.get $count) (i32.const 10))))
    (i32.store8 (i32.const 1046) (i32.add (i32.const 48) (i32.rem_u (i32.load8_u (i32.const 2048)) (i32.const 10))))
    (i32.store (i32.const 1024) (i32.const 21))
    (i32.const 1024)))
