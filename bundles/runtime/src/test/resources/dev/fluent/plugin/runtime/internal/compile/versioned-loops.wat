;; Loops for LoopVersionTest: pointers that step by a constant, in the shapes compilers emit (a do-while that exits
;; on a counter, side exits, offsets, indexes scaled by a shift), and loops whose addresses do not step. Rebuild with
;;   wat2wasm versioned-loops.wat -o versioned-loops.wasm
(module
  (memory (export "memory") 2 4)

;; Stores v at p, p + 4, … n times (n >= 1).
  (func (export "fill_up") (param $p i32) (param $n i32) (param $v i32)
    (loop $next
      (i32.store (local.get $p) (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Stores v at p, p - 8, … n times (n >= 1), eight bytes each.
  (func (export "fill_down") (param $p i32) (param $n i32) (param $v i64)
    (loop $next
      (i64.store (local.get $p) (local.get $v))
      (local.set $p (i32.sub (local.get $p) (i32.const 8)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Stores v at p, p + stride, … n times (n >= 1): a step the loop reads from a local, so it keeps its checks.
  (func (export "fill_by") (param $p i32) (param $stride i32) (param $n i32) (param $v i32)
    (loop $next
      (i32.store (local.get $p) (local.get $v))
      (local.set $p (i32.add (local.get $p) (local.get $stride)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Sums the i64 at p + 16, p + 24, … n times, with an exit at the top when n runs out.
  (func (export "sum64") (param $p i32) (param $n i32) (result i64) (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i64.add (local.get $s) (i64.load offset=16 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))

  ;; y[i] += a * x[i] for i < n, two pointers stepping 8 bytes, unrolled by two like clang's loops; n even, >= 2.
  (func (export "axpy") (param $x i32) (param $y i32) (param $n i32) (param $a f64) (local $i i32)
    (loop $next
      (f64.store (local.get $y)
        (f64.add (f64.load (local.get $y)) (f64.mul (local.get $a) (f64.load (local.get $x)))))
      (f64.store offset=8 (local.get $y)
        (f64.add (f64.load offset=8 (local.get $y)) (f64.mul (local.get $a) (f64.load offset=8 (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br_if $next (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 2)))))))

  ;; base[i] = i * 3 for i < n, the index scaled by a shift; answers the last value read back at base[i - 1].
  (func (export "scaled") (param $base i32) (param $n i32) (result i32) (local $i i32) (local $last i32)
    (loop $next
      (i32.store (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))
        (i32.mul (local.get $i) (i32.const 3)))
      (local.set $last (i32.load offset=0 (i32.sub (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))
        (i32.const 0))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $last))

  ;; Stores bytes downwards from p, n times (n >= 1); stops early at a zero byte already there.
  (func (export "down") (param $p i32) (param $n i32) (param $v i32) (result i32)
    (block $found
      (loop $next
        (br_if $found (i32.eqz (i32.load8_u offset=1 (local.get $p))))
        (i32.store8 (local.get $p) (local.get $v))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $n))

  ;; Reads at p - 16 + 32 (an address that wraps below zero for p < 16, then an offset), n times, stepping 4.
  (func (export "wrap") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (i32.load offset=32 (i32.add (local.get $p) (i32.const -16)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))

  ;; Follows a chain of pointers n times: the address is loaded, so the loop keeps its checks.
  (func (export "chase") (param $p i32) (param $n i32) (result i32)
    (loop $next
      (local.set $p (i32.load (local.get $p)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $p))

  ;; Stores 4096 bytes apart: too far for a chunk's cards to be marked ahead, so the store keeps its check.
  (func (export "far_stores") (param $p i32) (param $n i32)
    (loop $next
      (i64.store (local.get $p) (i64.const -1))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

;; Sums the i32 at p + 4, p + 4 + stride, … n times (n >= 1): loads whose step the loop reads from a local.
  (func (export "sum_by") (param $p i32) (param $stride i32) (param $n i32) (result i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (i32.load offset=4 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (local.get $stride)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))

  ;; Sums a column of a matrix `cols` i64s wide from p, n rows (n >= 1): a step of cols << 3.
  (func (export "column") (param $p i32) (param $cols i32) (param $n i32) (result i64) (local $s i64)
    (loop $next
      (local.set $s (i64.add (local.get $s) (i64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $cols) (i32.const 3))))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))

;; Doubles the i32s from p, n of them (n >= 1), each capped at limit: a branch inside the loop, a store on each
  ;; side.
  (func (export "clamp") (param $p i32) (param $n i32) (param $limit i32) (local $v i32)
    (loop $next
      (local.set $v (i32.load (local.get $p)))
      (if (i32.gt_s (local.get $v) (local.get $limit))
        (then (i32.store (local.get $p) (local.get $limit)))
        (else (i32.store (local.get $p) (i32.shl (local.get $v) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  ;; Sums the i32s at q, n times (n >= 1), walking p by 4 as it goes; where the i32 at p is a multiple of 8, q
  ;; becomes the i32 at p + 4. q changes on one path only, so its reads keep their checks; p's do not need them.
  (func (export "sometimes") (param $p i32) (param $q i32) (param $n i32) (result i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $q))))
      (if (i32.eqz (i32.and (i32.load (local.get $p)) (i32.const 7)))
        (then (local.set $q (i32.load offset=4 (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))

  ;; Counts the odd bytes from p, n times (n >= 1), stepping 1 past an even byte and 2 past an odd one: a step
  ;; that differs between paths, so the loop keeps its checks.
  (func (export "uneven") (param $p i32) (param $n i32) (result i32) (local $odd i32)
    (loop $next
      (if (i32.and (i32.load8_u (local.get $p)) (i32.const 1))
        (then
          (local.set $odd (i32.add (local.get $odd) (i32.const 1)))
          (local.set $p (i32.add (local.get $p) (i32.const 2))))
        (else (local.set $p (i32.add (local.get $p) (i32.const 1)))))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $odd))

  ;; Never ends: stores at p, over and over.
  (func (export "forever") (param $p i32)
    (loop $next
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.const 1)))
      (br $next)))
)
