;; Every scalar load and store width, with and without a static offset, and the bulk memory instructions:
;; the module MemoryAccessInlinerTest runs through the rewritten classes. Rebuild with
;;   wat2wasm memory-ops.wat -o memory-ops.wasm
(module
  (memory (export "memory") 2 4)

  (func (export "i32_load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i32_load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "i32_load16_s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "i32_load16_u") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "i32_load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i64_load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "i64_load8_u") (param i32) (result i64) (i64.load8_u (local.get 0)))
  (func (export "i64_load16_s") (param i32) (result i64) (i64.load16_s (local.get 0)))
  (func (export "i64_load16_u") (param i32) (result i64) (i64.load16_u (local.get 0)))
  (func (export "i64_load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "i64_load32_u") (param i32) (result i64) (i64.load32_u (local.get 0)))
  (func (export "i64_load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "f32_load") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64_load") (param i32) (result f64) (f64.load (local.get 0)))
  (func (export "i32_load_offset") (param i32) (result i32) (i32.load offset=4094 (local.get 0)))
  (func (export "i64_load_offset") (param i32) (result i64) (i64.load offset=70000 (local.get 0)))

  (func (export "i32_store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "i32_store16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "i32_store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "i64_store8") (param i32 i64) (i64.store8 (local.get 0) (local.get 1)))
  (func (export "i64_store16") (param i32 i64) (i64.store16 (local.get 0) (local.get 1)))
  (func (export "i64_store32") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "i64_store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "f32_store") (param i32 f32) (f32.store (local.get 0) (local.get 1)))
  (func (export "f64_store") (param i32 f64) (f64.store (local.get 0) (local.get 1)))
  (func (export "i32_store_offset") (param i32 i32) (i32.store offset=4094 (local.get 0) (local.get 1)))

  ;; Loads and stores with other values beneath them on the operand stack.
  (func (export "sum_and_store") (param i32 i32) (result i32)
    (i32.store (local.get 1) (i32.add (i32.load (local.get 0)) (i32.load offset=4 (local.get 0))))
    (i32.add (i32.const 1) (i32.load (local.get 1))))

  ;; Sums n i64 words from p, in a loop (the interruption check sits on its back edge).
  (func (export "sum_words") (param $p i32) (param $n i32) (result i64) (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i64.add (local.get $s) (i64.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))

  ;; Grows by a page and uses it at once, in the same function (the rewritten code reads the memory's tables
  ;; again after the grow); once the memory is at its maximum the grow answers -1 and the store traps.
  (func (export "grow_and_use") (param $v i32) (result i32) (local $at i32)
    (local.set $at (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))
    (i32.store offset=8 (local.get $at) (local.get $v))
    (i32.load offset=8 (local.get $at)))

  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
)
