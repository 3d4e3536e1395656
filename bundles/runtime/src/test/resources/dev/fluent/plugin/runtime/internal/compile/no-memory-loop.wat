;; A module without a memory, for LoopCountdownTest: its loops keep Chicory's own interruption checks.
;; Rebuild with   wat2wasm no-memory-loop.wat -o no-memory-loop.wasm
(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
)
