;; Loops for LoopCountdownTest: how often the rewritten code checks for interruption. Rebuild with
;;   wat2wasm loops.wat -o loops.wasm
(module
  (memory (export "memory") 2 4)

  ;; Runs n iterations of a loop with nothing but arithmetic in it; answers n.
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  ;; Never ends: a loop that only branches back.
  (func (export "spin") (loop $forever (br $forever)))

  ;; Never ends: each iteration fills the whole memory, a bulk operation whose time grows with its size.
  (func (export "fill_forever")
    (loop $forever
      (memory.fill (i32.const 0) (i32.const 7) (i32.mul (memory.size) (i32.const 65536)))
      (br $forever)))

  ;; n iterations, each filling 16 bytes; answers n.
  (func (export "fill_times") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (memory.fill (i32.const 0) (i32.const 1) (i32.const 16))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  (table $t 1000 funcref)

  ;; n iterations, each filling the table: an operation whose time grows with its operand and that the memory's
  ;; countdown does not see, so this function's loop keeps Chicory's check. Answers n.
  (func (export "table_fill_times") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (table.fill $t (i32.const 0) (ref.null func) (i32.const 1000))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  (func $one (result i32) (i32.const 1))

  ;; n iterations, each calling a function: the check before each call stays Chicory's own.
  (func (export "call_times") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (call $one)))
        (br $next)))
    (local.get $i))
)
