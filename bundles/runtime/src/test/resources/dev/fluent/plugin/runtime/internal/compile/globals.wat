;; Globals for GlobalRewriteTest: reads and writes of imported and defined globals of every scalar type, in
;; straight-line code, loops and recursion. Rebuild with
;;   wat2wasm globals.wat -o globals.wasm
(module
  (import "env" "shared" (global $shared (mut i64)))
  (import "env" "fixed" (global $fixed i32))
  (global $sp (mut i32) (i32.const 4096))
  (global $acc (mut i64) (i64.const 0))
  (global $f (mut f32) (f32.const 0.5))
  (global $d (mut f64) (f64.const -2.25))
  (global $seven i32 (i32.const 7))
  (memory 1)

  ;; A stack pointer moved down on entry and back on exit, around a recursive call: answers the depth's sum.
  (func $down (export "down") (param $n i32) (result i32) (local $r i32)
    (global.set $sp (i32.sub (global.get $sp) (i32.const 16)))
    (i32.store (global.get $sp) (local.get $n))
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (local.set $r (call $down (i32.sub (local.get $n) (i32.const 1))))))
    (local.set $r (i32.add (local.get $r) (i32.load (global.get $sp))))
    (global.set $sp (i32.add (global.get $sp) (i32.const 16)))
    (local.get $r))

  (func (export "sp") (result i32) (global.get $sp))

  ;; Adds i * seven + fixed to acc and to the imported global, n times; answers acc.
  (func (export "accumulate") (param $n i32) (result i64) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (global.set $acc (i64.add (global.get $acc)
          (i64.extend_i32_u (i32.add (i32.mul (local.get $i) (global.get $seven)) (global.get $fixed)))))
        (global.set $shared (i64.add (global.get $shared) (i64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (global.get $acc))

  (func (export "shared") (result i64) (global.get $shared))

  ;; Floats through their globals: f = f * 3, d = d + f; answers d.
  (func (export "floats") (param $n i32) (result f64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (global.set $f (f32.mul (global.get $f) (f32.const 3)))
        (global.set $d (f64.add (global.get $d) (f64.promote_f32 (global.get $f))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (global.get $d))
)
