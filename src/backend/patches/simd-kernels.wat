;; Hand-written SIMD kernels for the tfjs wasm backend. Fused optimizer updates: one pass over θ, g
;; and the state per parameter tensor (and, at the end, a small-m matrix product). Each function is the element-wise transcription of the rule in
;; src/optimizers/<name>.ts, operation for operation in float32 (same order, same rounding).
;; Assembled into simd-kernels-binary.ts by `npm run build:wasm-kernels` (checked by a test).
;;
;; Pointers are byte offsets into tfjs's own wasm memory (imported); n ≥ 4 elements. The last vector
;; may overlap the one before it (offset clamped to n−4): into fresh outputs, recomputing an element
;; writes the same value again, and no scalar tail loop is needed. The optimizer updates may also run
;; in place (outputs = inputs, src/backend/patches/fused-update.ts fusedUpdateInPlace), which is
;; right only because each iteration loads all of its elements before storing any, and only for
;; n % 4 = 0 (then no vector overlaps another).
(module
  (import "env" "memory" (memory 0))

  ;; θ ← θ − η g   (the hottest loop at batch 1: no call, constants splatted once)
  (func (export "sgd") (param $p i32) (param $g i32) (param $po i32) (param $n i32)
        (param $lr f32) (param $wd f32)
    (local $o i32) (local $last i32) (local $lrv v128) (local $wdv v128) (local $gv v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $wdv (f32x4.splat (local.get $wd)))
    (loop $next
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
      (if (f32.ne (local.get $wd) (f32.const 0))
        (then (local.set $gv (f32x4.add (local.get $gv)
          (f32x4.mul (local.get $wdv) (v128.load (i32.add (local.get $p) (local.get $o))))))))
      (v128.store (i32.add (local.get $po) (local.get $o))
        (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $o))) (f32x4.mul (local.get $lrv) (local.get $gv))))
      (if (i32.lt_u (local.get $o) (local.get $last))
        (then
          (local.set $o (select (local.get $last) (i32.add (local.get $o) (i32.const 16))
            (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $last))))
          (br $next)))))

  ;; b ← μ b + g;  θ ← θ − η b            (nesterov = 1: θ ← θ − η (g + μ b))
  (func (export "momentum") (param $p i32) (param $g i32) (param $b i32) (param $po i32) (param $bo i32) (param $n i32)
        (param $lr f32) (param $mu f32) (param $wd f32) (param $nesterov i32)
    (local $o i32) (local $last i32) (local $pv v128) (local $gv v128) (local $bv v128) (local $lrv v128) (local $muv v128) (local $wdv v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $muv (f32x4.splat (local.get $mu)))
    (local.set $wdv (f32x4.splat (local.get $wd)))
    (loop $next
      (local.set $pv (v128.load (i32.add (local.get $p) (local.get $o))))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
      (if (f32.ne (local.get $wd) (f32.const 0))
        (then (local.set $gv (f32x4.add (local.get $gv) (f32x4.mul (local.get $wdv) (local.get $pv))))))
      (local.set $bv (f32x4.add (f32x4.mul (local.get $muv) (v128.load (i32.add (local.get $b) (local.get $o)))) (local.get $gv)))
      (v128.store (i32.add (local.get $bo) (local.get $o)) (local.get $bv))
      (if (local.get $nesterov)
        (then (local.set $bv (f32x4.add (local.get $gv) (f32x4.mul (local.get $muv) (local.get $bv))))))
      (v128.store (i32.add (local.get $po) (local.get $o)) (f32x4.sub (local.get $pv) (f32x4.mul (local.get $lrv) (local.get $bv))))
      (if (i32.lt_u (local.get $o) (local.get $last))
        (then
          (local.set $o (select (local.get $last) (i32.add (local.get $o) (i32.const 16))
            (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $last))))
          (br $next)))))


  ;; v ← ρ v + (1−ρ) g²;  s ← g / (√v + ε);  without momentum θ ← θ − η s,
  ;; with it (hasB = 1) b ← μ b + s;  θ ← θ − η b
  (func (export "rmsprop") (param $p i32) (param $g i32) (param $v i32) (param $b i32)
        (param $po i32) (param $vo i32) (param $bo i32) (param $n i32)
        (param $lr f32) (param $rho f32) (param $omr f32) (param $mu f32) (param $eps f32) (param $wd f32) (param $hasB i32)
    (local $o i32) (local $last i32) (local $pv v128) (local $gv v128) (local $vv v128) (local $s v128) (local $lrv v128) (local $rhov v128) (local $omrv v128) (local $muv v128) (local $epsv v128) (local $wdv v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $rhov (f32x4.splat (local.get $rho)))
    (local.set $omrv (f32x4.splat (local.get $omr)))
    (local.set $muv (f32x4.splat (local.get $mu)))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $wdv (f32x4.splat (local.get $wd)))
    (loop $next
      (local.set $pv (v128.load (i32.add (local.get $p) (local.get $o))))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
      (if (f32.ne (local.get $wd) (f32.const 0))
        (then (local.set $gv (f32x4.add (local.get $gv) (f32x4.mul (local.get $wdv) (local.get $pv))))))
      (local.set $vv (f32x4.add (f32x4.mul (local.get $rhov) (v128.load (i32.add (local.get $v) (local.get $o))))
        (f32x4.mul (local.get $omrv) (f32x4.mul (local.get $gv) (local.get $gv)))))
      (v128.store (i32.add (local.get $vo) (local.get $o)) (local.get $vv))
      (local.set $s (f32x4.div (local.get $gv) (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $epsv))))
      (if (local.get $hasB)
        (then
          (local.set $s (f32x4.add (f32x4.mul (local.get $muv) (v128.load (i32.add (local.get $b) (local.get $o)))) (local.get $s)))
        (v128.store (i32.add (local.get $bo) (local.get $o)) (local.get $s))
))
      (v128.store (i32.add (local.get $po) (local.get $o)) (f32x4.sub (local.get $pv) (f32x4.mul (local.get $lrv) (local.get $s))))
      (if (i32.lt_u (local.get $o) (local.get $last))
        (then
          (local.set $o (select (local.get $last) (i32.add (local.get $o) (i32.const 16))
            (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $last))))
          (br $next)))))


  ;; Adam family. decoupled = 0 (adam, amsgrad; L2 through wd):  g ← g + λθ
  ;;              decoupled = 1 (adamw; wd is then 1 − ηλ):        θ ← wd · θ, g untouched
  ;; m ← β₁ m + (1−β₁) g;  v ← β₂ v + (1−β₂) g²;  amsgrad = 1: vMax ← max(vMax, v), used for v below
  ;; θ ← θ − η (m · ibc₁) / (√(v · ibc₂) + ε), ibc = 1 / (1 − βᵗ) (the rule's reciprocal bias corrections)
  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vmax i32)
        (param $po i32) (param $mo i32) (param $vo i32) (param $vmaxo i32) (param $n i32)
        (param $lr f32) (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
        (param $ibc1 f32) (param $ibc2 f32) (param $eps f32) (param $wd f32) (param $decoupled i32) (param $amsgrad i32)
    (local $o i32) (local $last i32) (local $pv v128) (local $gv v128) (local $mv v128) (local $vv v128) (local $lrv v128) (local $b1v v128) (local $omb1v v128) (local $b2v v128) (local $omb2v v128) (local $ibc1v v128) (local $ibc2v v128) (local $epsv v128) (local $wdv v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $b1v (f32x4.splat (local.get $b1)))
    (local.set $omb1v (f32x4.splat (local.get $omb1)))
    (local.set $b2v (f32x4.splat (local.get $b2)))
    (local.set $omb2v (f32x4.splat (local.get $omb2)))
    (local.set $ibc1v (f32x4.splat (local.get $ibc1)))
    (local.set $ibc2v (f32x4.splat (local.get $ibc2)))
    (local.set $epsv (f32x4.splat (local.get $eps)))
    (local.set $wdv (f32x4.splat (local.get $wd)))
    (loop $next
      (local.set $pv (v128.load (i32.add (local.get $p) (local.get $o))))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
      (if (local.get $decoupled)
        (then (local.set $pv (f32x4.mul (local.get $wdv) (local.get $pv))))
        (else
        (if (f32.ne (local.get $wd) (f32.const 0))
        (then (local.set $gv (f32x4.add (local.get $gv) (f32x4.mul (local.get $wdv) (local.get $pv))))))
))
      (local.set $mv (f32x4.add (f32x4.mul (local.get $b1v) (v128.load (i32.add (local.get $m) (local.get $o)))) (f32x4.mul (local.get $omb1v) (local.get $gv))))
      (v128.store (i32.add (local.get $mo) (local.get $o)) (local.get $mv))
      (local.set $vv (f32x4.add (f32x4.mul (local.get $b2v) (v128.load (i32.add (local.get $v) (local.get $o))))
        (f32x4.mul (local.get $omb2v) (f32x4.mul (local.get $gv) (local.get $gv)))))
      (v128.store (i32.add (local.get $vo) (local.get $o)) (local.get $vv))
      (if (local.get $amsgrad)
        (then
          (local.set $vv (f32x4.max (v128.load (i32.add (local.get $vmax) (local.get $o))) (local.get $vv)))
        (v128.store (i32.add (local.get $vmaxo) (local.get $o)) (local.get $vv))
))
      (v128.store (i32.add (local.get $po) (local.get $o))
        (f32x4.sub (local.get $pv)
          (f32x4.div
            (f32x4.mul (local.get $lrv) (f32x4.mul (local.get $mv) (local.get $ibc1v)))
            (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $ibc2v))) (local.get $epsv)))))
      (if (i32.lt_u (local.get $o) (local.get $last))
        (then
          (local.set $o (select (local.get $last) (i32.add (local.get $o) (i32.const 16))
            (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $last))))
          (br $next)))))

  ;; C[m,n] = A[m,k]·B[k,n] (+ bias[n]) (ReLU if relu = 1), all row-major, for a few rows m: each row of C
  ;; is built as Σₖ A[i,k]·B[k,:] with SIMD over n. XNNPACK's GEMM first packs B, which costs more than
  ;; the product itself when B is a weight matrix that changed since the last step and m is 1.
  (func (export "gemm_small") (param $a i32) (param $b i32) (param $bias i32) (param $c i32)
        (param $m i32) (param $k i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $kk i32) (local $j i32) (local $crow i32) (local $brow i32) (local $n4 i32)
    (local $s f32) (local $sv v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $crow (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
      ;; C[i,:] = bias, or 0
      (local.set $j (i32.const 0))
      (block $init_done (loop $init
        (br_if $init_done (i32.ge_u (local.get $j) (local.get $n)))
        (f32.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
          (if (result f32) (local.get $bias)
            (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
            (else (f32.const 0))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $init)))
      ;; C[i,:] += A[i,kk]·B[kk,:]
      (local.set $kk (i32.const 0))
      (block $k_done (loop $ks
        (br_if $k_done (i32.ge_u (local.get $kk) (local.get $k)))
        (local.set $s (f32.load (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $kk)) (i32.const 2)))))
        (local.set $sv (f32x4.splat (local.get $s)))
        (local.set $brow (i32.add (local.get $b) (i32.shl (i32.mul (local.get $kk) (local.get $n)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $v_done (loop $vs
          (br_if $v_done (i32.ge_u (local.get $j) (local.get $n4)))
          (v128.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
            (f32x4.add (v128.load (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))))
              (f32x4.mul (local.get $sv) (v128.load (i32.add (local.get $brow) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $vs)))
        (block $t_done (loop $ts
          (br_if $t_done (i32.ge_u (local.get $j) (local.get $n)))
          (f32.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
            (f32.add (f32.load (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))))
              (f32.mul (local.get $s) (f32.load (i32.add (local.get $brow) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $ts)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $ks)))
      ;; ReLU: max(x, 0); a NaN stays NaN (as tf.relu, unlike XNNPACK's clamp)
      (if (local.get $relu) (then
        (local.set $j (i32.const 0))
        (block $r_done (loop $rs
          (br_if $r_done (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $s (f32.load (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))))
          (f32.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
            (select (f32.const 0) (local.get $s) (f32.lt (local.get $s) (f32.const 0))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $rs)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; C[m,n] = A·B (+ bias[n]) (ReLU if relu = 1) for m ≥ 4, n ≥ 8, k ≥ 1, B and C row-major, A read through
  ;; strides (element (i, kk) at a + 4·(i·sai + kk·sak)): sai = k, sak = 1 for A row-major [m,k];
  ;; sai = 1, sak = m for A stored transposed ([k,m], as in dW = Xᵀ·dY), so no transpose is made.
  ;; Tiles of 4 rows × 8 columns held in 8 vector registers while k is walked, reading B's rows in
  ;; place (or from pack_b8's panels, see `packed` below): unlike XNNPACK, no packed copy of a weight
  ;; matrix that changed since the last step has to be built for a forward pass, where it costs as
  ;; much as the product. The last row/column tile is moved back to end at m/n (it overlaps the one
  ;; before and writes the same values again). Each element
  ;; is bias + Σₖ A[i,kk]·B[kk,j] summed in kk order, as XNNPACK's kernel does.
  ;; k is walked in blocks of 256 so that B's block (256 × n) stays in cache while every row tile
  ;; uses it (the CNN's 64×5408×256 product otherwise streams B's 5.5 MB from memory once per row
  ;; tile: 24 → 47 GFLOP/s); later blocks start from C's partial sums, which keeps the kk order and
  ;; the rounding. A block adds to C, so every element must be in exactly one tile: only shapes of
  ;; whole tiles (m % 4 = 0, n % 8 = 0) are blocked, others run as one block.
  ;; A's scalars are broadcast straight from memory (v128.load32_splat: one instruction, not a load
  ;; and a shuffle; 39 → 47 GFLOP/s on the MLP's products).
  ;; packed ≠ 0: B comes as pack_b8 laid it out, the columns of each tile contiguous down k, instead of
  ;; rows n floats apart (a power-of-two row stride maps B's rows onto a few L1 sets, so a tile's
  ;; strip of B did not stay in L1 while k was walked).
  (func (export "gemm") (param $a i32) (param $b i32) (param $bias i32) (param $c i32)
        (param $m i32) (param $k i32) (param $n i32) (param $relu i32) (param $sai i32) (param $sak i32) (param $packed i32)
    (local $i i32) (local $j i32) (local $i0 i32) (local $j0 i32) (local $kk i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $nb i32) (local $sak4 i32)
    (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $k0 i32) (local $kc i32) (local $first i32) (local $relu_now i32) (local $pi i32) (local $ri i32) (local $mask v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128) (local $zero v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $sak4 (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $o1 (i32.shl (local.get $sai) (i32.const 2)))
    (local.set $o2 (i32.shl (local.get $sai) (i32.const 3)))
    (local.set $o3 (i32.add (local.get $o1) (local.get $o2)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    ;; k in blocks of 256 when every tile is whole, else one block
    (local.set $kc (select (i32.const 256) (local.get $k)
      (i32.and (i32.gt_u (local.get $k) (i32.const 256))
        (i32.eqz (i32.or (i32.and (local.get $m) (i32.const 3)) (i32.and (local.get $n) (i32.const 7)))))))
    (loop $kblocks
    (local.set $first (i32.eqz (local.get $k0)))
    ;; all ones unless the accumulators start from 0 (first block, no bias)
    (local.set $mask (select (v128.const i32x4 -1 -1 -1 -1) (local.get $zero) (i32.or (i32.eqz (local.get $first)) (i32.ne (local.get $bias) (i32.const 0)))))
    (if (i32.gt_u (i32.add (local.get $k0) (local.get $kc)) (local.get $k)) (then (local.set $kc (i32.sub (local.get $k) (local.get $k0)))))
    ;; ReLU once, after the last block
    (local.set $relu_now (i32.and (local.get $relu) (i32.eq (i32.add (local.get $k0) (local.get $kc)) (local.get $k))))
    (local.set $i (i32.const 0))
    (loop $rows
      ;; the last tile ends at row m
      (local.set $i0 (select (i32.sub (local.get $m) (i32.const 4)) (local.get $i)
        (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $j0 (select (i32.sub (local.get $n) (i32.const 8)) (local.get $j)
          (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n))))
        ;; accumulators start from C (later k blocks), else bias (row stride 0), else 0 (masked)
        (if (local.get $first)
          (then (local.set $pi (select (i32.add (local.get $bias) (i32.shl (local.get $j0) (i32.const 2))) (local.get $c) (local.get $bias)))
                (local.set $ri (i32.const 0)))
          (else (local.set $pi (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $n)) (local.get $j0)) (i32.const 2))))
                (local.set $ri (local.get $nb))))
        (local.set $c00 (v128.and (local.get $mask) (v128.load (local.get $pi))))
        (local.set $c01 (v128.and (local.get $mask) (v128.load offset=16 (local.get $pi))))
        (local.set $pi (i32.add (local.get $pi) (local.get $ri)))
        (local.set $c10 (v128.and (local.get $mask) (v128.load (local.get $pi))))
        (local.set $c11 (v128.and (local.get $mask) (v128.load offset=16 (local.get $pi))))
        (local.set $pi (i32.add (local.get $pi) (local.get $ri)))
        (local.set $c20 (v128.and (local.get $mask) (v128.load (local.get $pi))))
        (local.set $c21 (v128.and (local.get $mask) (v128.load offset=16 (local.get $pi))))
        (local.set $pi (i32.add (local.get $pi) (local.get $ri)))
        (local.set $c30 (v128.and (local.get $mask) (v128.load (local.get $pi))))
        (local.set $c31 (v128.and (local.get $mask) (v128.load offset=16 (local.get $pi))))
        (local.set $pa (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $sai)) (i32.mul (local.get $k0) (local.get $sak))) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl
          (if (result i32) (local.get $packed)
            (then (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $k)) (local.get $k0)) (i32.const 3)))
            (else (i32.add (i32.mul (local.get $k0) (local.get $n)) (local.get $j0))))
          (i32.const 2))))
        (local.set $kk (local.get $kc))
        ;; two copies of the k loop, so that B's step is a constant or n·4, not a choice made per step
        ;; (V8 recomputed such a choice inside the loop: 5–12 % slower)
        (if (local.get $packed)
          (then
          (loop $ks_packed
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $av (v128.load32_splat (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
        (local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $o1))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
        (local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $o2))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
        (local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $o3))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (local.get $sak4)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
          (br_if $ks_packed (local.get $kk))))
          (else
          (loop $ks
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $av (v128.load32_splat (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
        (local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $o1))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
        (local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $o2))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
        (local.set $av (v128.load32_splat (i32.add (local.get $pa) (local.get $o3))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (local.get $sak4)))
          (local.set $pb (i32.add (local.get $pb) (local.get $nb)))
          (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
          (br_if $ks (local.get $kk)))))
        ;; ReLU: max(x, 0) with NaN kept (as tf.relu)
        (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $n)) (local.get $j0)) (i32.const 2))))
      (if (local.get $relu_now) (then
        (local.set $c00 (v128.bitselect (local.get $zero) (local.get $c00) (f32x4.lt (local.get $c00) (local.get $zero))))
        (local.set $c01 (v128.bitselect (local.get $zero) (local.get $c01) (f32x4.lt (local.get $c01) (local.get $zero))))))
      (v128.store (local.get $pc) (local.get $c00))
      (v128.store offset=16 (local.get $pc) (local.get $c01))
      (local.set $pc (i32.add (local.get $pc) (local.get $nb)))
      (if (local.get $relu_now) (then
        (local.set $c10 (v128.bitselect (local.get $zero) (local.get $c10) (f32x4.lt (local.get $c10) (local.get $zero))))
        (local.set $c11 (v128.bitselect (local.get $zero) (local.get $c11) (f32x4.lt (local.get $c11) (local.get $zero))))))
      (v128.store (local.get $pc) (local.get $c10))
      (v128.store offset=16 (local.get $pc) (local.get $c11))
      (local.set $pc (i32.add (local.get $pc) (local.get $nb)))
      (if (local.get $relu_now) (then
        (local.set $c20 (v128.bitselect (local.get $zero) (local.get $c20) (f32x4.lt (local.get $c20) (local.get $zero))))
        (local.set $c21 (v128.bitselect (local.get $zero) (local.get $c21) (f32x4.lt (local.get $c21) (local.get $zero))))))
      (v128.store (local.get $pc) (local.get $c20))
      (v128.store offset=16 (local.get $pc) (local.get $c21))
      (local.set $pc (i32.add (local.get $pc) (local.get $nb)))
      (if (local.get $relu_now) (then
        (local.set $c30 (v128.bitselect (local.get $zero) (local.get $c30) (f32x4.lt (local.get $c30) (local.get $zero))))
        (local.set $c31 (v128.bitselect (local.get $zero) (local.get $c31) (f32x4.lt (local.get $c31) (local.get $zero))))))
      (v128.store (local.get $pc) (local.get $c30))
      (v128.store offset=16 (local.get $pc) (local.get $c31))
      (local.set $pc (i32.add (local.get $pc) (local.get $nb)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $m))))
    (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
    (br_if $kblocks (i32.lt_u (local.get $k0) (local.get $k))))
  )

  ;; B [k,n] row-major → panels [⌈n/8⌉][k][8] for gemm's packed mode: panel p holds columns
  ;; j0 .. j0+7, j0 = min(8p, n − 8) (the last panel moved back, as gemm's last column tile), n ≥ 8.
  (func (export "pack_b8") (param $b i32) (param $dst i32) (param $k i32) (param $n i32)
    (local $j i32) (local $kk i32) (local $src i32) (local $nb i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (loop $panels
      (local.set $src (i32.add (local.get $b) (i32.shl
        (select (i32.sub (local.get $n) (i32.const 8)) (local.get $j) (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (i32.const 2))))
      (local.set $kk (local.get $k))
      (loop $ks
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (local.set $src (i32.add (local.get $src) (local.get $nb)))
        (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
        (br_if $ks (local.get $kk)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br_if $panels (i32.lt_u (local.get $j) (local.get $n))))
  )

  ;; dx = dy · step(y), value for value as tf.mul(dy, tf.step(y)): the gradient of a ReLU from its
  ;; output y (y > 0 exactly where the input was > 0). step(y) is 1 where y > 0, NaN where y is NaN, else 0.
  (func (export "relu_grad") (param $dy i32) (param $y i32) (param $out i32) (param $n i32)
    (local $o i32) (local $last i32) (local $yv v128) (local $s v128)
    (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
    (loop $next
      (local.set $yv (v128.load (i32.add (local.get $y) (local.get $o))))
      (local.set $s (v128.bitselect (v128.const f32x4 1 1 1 1) (v128.const f32x4 0 0 0 0)
        (f32x4.gt (local.get $yv) (v128.const f32x4 0 0 0 0))))
      (local.set $s (v128.bitselect (local.get $yv) (local.get $s) (f32x4.ne (local.get $yv) (local.get $yv))))
      (v128.store (i32.add (local.get $out) (local.get $o))
        (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $o))) (local.get $s)))
      (if (i32.lt_u (local.get $o) (local.get $last))
        (then
          (local.set $o (select (local.get $last) (i32.add (local.get $o) (i32.const 16))
            (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $last))))
          (br $next)))))

    ;; out[j] = Σᵢ x[i, j] for x [rows, cols] row-major, cols a multiple of 4, rows ≥ 1 summed in order
  ;; (a sequential float32 sum): the gradient of a bias broadcast over the
  ;; leading axes. Stock Sum first transposes x to make those axes innermost (the CNN's conv bias:
  ;; 1.4 M elements per step).
  (func (export "col_sum") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $nb i32) (local $px i32)
    (local.set $nb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $j (i32.const 0))
    (loop $zero
      (v128.store (i32.add (local.get $out) (local.get $j)) (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $zero (i32.lt_u (local.get $j) (local.get $nb))))
    (local.set $px (local.get $x))
    (local.set $i (local.get $rows))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (v128.store (i32.add (local.get $out) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $out) (local.get $j)))
                     (v128.load (i32.add (local.get $px) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nb))))
      (local.set $px (i32.add (local.get $px) (local.get $nb)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $rows (local.get $i)))
  )

  ;; Max-pool gradient for windows that tile the input (stride = window, no padding), NHWC, channels a
  ;; multiple of 4 (rows ≥ 1, all sizes ≥ 1). Per window and 4 channels: the first maximum wins (strict >
  ;; from −∞, so a window of NaN passes no gradient), then every input position of the window is
  ;; written once: dy where it is the maximum, 0 elsewhere. Positions outside every window (when the
  ;; windows do not cover the input) are left to the caller.
  (func (export "max_pool_grad") (param $x i32) (param $dy i32) (param $dx i32) (param $batch i32)
        (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32) (param $kh i32) (param $kw i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $cb i32) (local $ky i32) (local $kx i32)
    (local $p i32) (local $win i32) (local $off i32) (local $gptr i32) (local $rowb i32) (local $pixb i32)
    (local $best v128) (local $idx v128) (local $v v128) (local $m v128) (local $g v128)
    (local.set $pixb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $w) (local.get $pixb)))
    (local.set $gptr (local.get $dy))
    (local.set $b (i32.const 0))
    (loop $batch
      (local.set $oy (i32.const 0))
      (loop $orow
        (local.set $ox (i32.const 0))
        (loop $ocol
          ;; byte offset of the window's top-left pixel
          (local.set $win (i32.add
            (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.mul (local.get $oy) (local.get $kh))) (local.get $rowb))
            (i32.mul (i32.mul (local.get $ox) (local.get $kw)) (local.get $pixb))))
          (local.set $cb (i32.const 0))
          (loop $chan
            (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $idx (v128.const i32x4 -1 -1 -1 -1))
            (local.set $p (i32.const 0))
            (local.set $ky (i32.const 0))
            (loop $fy
              (local.set $kx (i32.const 0))
              (loop $fx
                (local.set $off (i32.add (i32.add (local.get $win) (local.get $cb))
                  (i32.add (i32.mul (local.get $ky) (local.get $rowb)) (i32.mul (local.get $kx) (local.get $pixb)))))
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $off))))
                (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                (local.set $idx (v128.bitselect (i32x4.splat (local.get $p)) (local.get $idx) (local.get $m)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br_if $fx (i32.lt_u (local.get $kx) (local.get $kw))))
              (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
              (br_if $fy (i32.lt_u (local.get $ky) (local.get $kh))))
            (local.set $g (v128.load (i32.add (local.get $gptr) (local.get $cb))))
            (local.set $p (i32.const 0))
            (local.set $ky (i32.const 0))
            (loop $sy
              (local.set $kx (i32.const 0))
              (loop $sx
                (local.set $off (i32.add (i32.add (local.get $win) (local.get $cb))
                  (i32.add (i32.mul (local.get $ky) (local.get $rowb)) (i32.mul (local.get $kx) (local.get $pixb)))))
                (v128.store (i32.add (local.get $dx) (local.get $off))
                  (v128.and (local.get $g) (i32x4.eq (local.get $idx) (i32x4.splat (local.get $p)))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br_if $sx (i32.lt_u (local.get $kx) (local.get $kw))))
              (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
              (br_if $sy (i32.lt_u (local.get $ky) (local.get $kh))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br_if $chan (i32.lt_u (local.get $cb) (local.get $pixb))))
          (local.set $gptr (i32.add (local.get $gptr) (local.get $pixb)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $ocol (i32.lt_u (local.get $ox) (local.get $ow))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $orow (i32.lt_u (local.get $oy) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $batch))))
  )

  ;; max_pool_grad for 2×2 windows with stride 2 (the CNN's pool), same semantics, unrolled: the four
  ;; inputs of a window are compared in max_pool_grad's order (strict > from −∞, so the first maximum
  ;; wins and NaN never does), and input p receives dy where it won and no later one did. dy is read
  ;; in order (one pointer), dx is addressed as x plus a fixed distance; no multiplication per element.
  ;; relu ≠ 0 (x the output of a ReLU): each value is also multiplied by step(x), value for value as
  ;; relu_grad(max_pool_grad_2x2(dy), x), so the CNN's ReLU → pool backward is one pass, without
  ;; writing and re-reading the 1.4 M-value pool gradient.
  (func (export "max_pool_grad_2x2") (param $x i32) (param $dy i32) (param $dx i32) (param $batch i32)
        (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32) (param $relu i32)
    (local $rowb i32) (local $pixb i32) (local $diag i32) (local $tox i32) (local $b i32) (local $oy i32)
    (local $q i32) (local $wend i32) (local $rend i32) (local $g i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $best v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $gv v128) (local $one v128) (local $zero v128)
    (local.set $pixb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $w) (local.get $pixb)))
    (local.set $diag (i32.add (local.get $rowb) (local.get $pixb)))
    (local.set $tox (i32.sub (local.get $dx) (local.get $x)))
    (local.set $g (local.get $dy))
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $zero (v128.const f32x4 0 0 0 0))
    (local.set $b (i32.const 0))
    (loop $images
      (local.set $oy (i32.const 0))
      (loop $orows
        ;; the window row's first input, and where its last window ends
        (local.set $q (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $rowb))))
        (local.set $rend (i32.add (local.get $q) (i32.shl (i32.mul (local.get $ow) (local.get $pixb)) (i32.const 1))))
        (loop $windows
          (local.set $wend (i32.add (local.get $q) (local.get $pixb)))
          (loop $chans
            (local.set $v0 (v128.load (local.get $q)))
            (local.set $v1 (v128.load (i32.add (local.get $q) (local.get $pixb))))
            (local.set $v2 (v128.load (i32.add (local.get $q) (local.get $rowb))))
            (local.set $v3 (v128.load (i32.add (local.get $q) (local.get $diag))))
            (local.set $m0 (f32x4.gt (local.get $v0) (v128.const f32x4 -inf -inf -inf -inf)))
            (local.set $best (v128.bitselect (local.get $v0) (v128.const f32x4 -inf -inf -inf -inf) (local.get $m0)))
            (local.set $m1 (f32x4.gt (local.get $v1) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v1) (local.get $best) (local.get $m1)))
            (local.set $m2 (f32x4.gt (local.get $v2) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v2) (local.get $best) (local.get $m2)))
            (local.set $m3 (f32x4.gt (local.get $v3) (local.get $best)))
            ;; keep only the last input that raised the maximum
            (local.set $m2 (v128.andnot (local.get $m2) (local.get $m3)))
            (local.set $m1 (v128.andnot (local.get $m1) (v128.or (local.get $m2) (local.get $m3))))
            (local.set $m0 (v128.andnot (local.get $m0) (v128.or (local.get $m1) (v128.or (local.get $m2) (local.get $m3)))))
            (local.set $gv (v128.load (local.get $g)))
            (local.set $m0 (v128.and (local.get $gv) (local.get $m0)))
            (local.set $m1 (v128.and (local.get $gv) (local.get $m1)))
            (local.set $m2 (v128.and (local.get $gv) (local.get $m2)))
            (local.set $m3 (v128.and (local.get $gv) (local.get $m3)))
            ;; relu: times step(x) (1 where x > 0, NaN where x is NaN, else 0), as relu_grad
            (if (local.get $relu) (then
              (local.set $m0 (f32x4.mul (local.get $m0) (v128.bitselect (local.get $v0) (v128.bitselect (local.get $one) (local.get $zero) (f32x4.gt (local.get $v0) (local.get $zero))) (f32x4.ne (local.get $v0) (local.get $v0)))))
              (local.set $m1 (f32x4.mul (local.get $m1) (v128.bitselect (local.get $v1) (v128.bitselect (local.get $one) (local.get $zero) (f32x4.gt (local.get $v1) (local.get $zero))) (f32x4.ne (local.get $v1) (local.get $v1)))))
              (local.set $m2 (f32x4.mul (local.get $m2) (v128.bitselect (local.get $v2) (v128.bitselect (local.get $one) (local.get $zero) (f32x4.gt (local.get $v2) (local.get $zero))) (f32x4.ne (local.get $v2) (local.get $v2)))))
              (local.set $m3 (f32x4.mul (local.get $m3) (v128.bitselect (local.get $v3) (v128.bitselect (local.get $one) (local.get $zero) (f32x4.gt (local.get $v3) (local.get $zero))) (f32x4.ne (local.get $v3) (local.get $v3)))))))
            (v128.store (i32.add (local.get $q) (local.get $tox)) (local.get $m0))
            (v128.store (i32.add (i32.add (local.get $q) (local.get $tox)) (local.get $pixb)) (local.get $m1))
            (v128.store (i32.add (i32.add (local.get $q) (local.get $tox)) (local.get $rowb)) (local.get $m2))
            (v128.store (i32.add (i32.add (local.get $q) (local.get $tox)) (local.get $diag)) (local.get $m3))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br_if $chans (i32.lt_u (local.get $q) (local.get $wend))))
          ;; skip the window's second column
          (local.set $q (i32.add (local.get $q) (local.get $pixb)))
          (br_if $windows (i32.lt_u (local.get $q) (local.get $rend))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $orows (i32.lt_u (local.get $oy) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $b) (local.get $batch))))
  )

  ;; Max pool forward over 2×2 windows with stride 2, NHWC, channels a multiple of 4 (loops as in
  ;; max_pool_grad_2x2): the maximum by strict > from −∞ in the window's order, so NaN never wins and
  ;; a window of NaN or −∞ gives −∞, as the cpu backend (stock XNNPACK gives −∞ for [NaN, 1, 2, 3]) and
  ;; as the gradient routes it. y is written in order (one pointer).
  (func (export "max_pool_2x2") (param $x i32) (param $y i32) (param $batch i32)
        (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (local $rowb i32) (local $pixb i32) (local $diag i32) (local $b i32) (local $oy i32)
    (local $q i32) (local $wend i32) (local $rend i32) (local $best v128) (local $v v128)
    (local.set $pixb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowb (i32.mul (local.get $w) (local.get $pixb)))
    (local.set $diag (i32.add (local.get $rowb) (local.get $pixb)))
    (local.set $b (i32.const 0))
    (loop $images
      (local.set $oy (i32.const 0))
      (loop $orows
        (local.set $q (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $rowb))))
        (local.set $rend (i32.add (local.get $q) (i32.shl (i32.mul (local.get $ow) (local.get $pixb)) (i32.const 1))))
        (loop $windows
          (local.set $wend (i32.add (local.get $q) (local.get $pixb)))
          (loop $chans
            (local.set $v (v128.load (local.get $q)))
            (local.set $best (v128.bitselect (local.get $v) (v128.const f32x4 -inf -inf -inf -inf)
              (f32x4.gt (local.get $v) (v128.const f32x4 -inf -inf -inf -inf))))
            (local.set $v (v128.load (i32.add (local.get $q) (local.get $pixb))))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (local.set $v (v128.load (i32.add (local.get $q) (local.get $rowb))))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (local.set $v (v128.load (i32.add (local.get $q) (local.get $diag))))
            (v128.store (local.get $y) (v128.bitselect (local.get $v) (local.get $best) (f32x4.gt (local.get $v) (local.get $best))))
            (local.set $y (i32.add (local.get $y) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br_if $chans (i32.lt_u (local.get $q) (local.get $wend))))
          (local.set $q (i32.add (local.get $q) (local.get $pixb)))
          (br_if $windows (i32.lt_u (local.get $q) (local.get $rend))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $orows (i32.lt_u (local.get $oy) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $b) (local.get $batch))))
  )

  ;; im2col, transposed, for the conv2d filter gradient (missing-kernels.ts): one patch row (ky, kx, c),
  ;; i.e. for each image b and output row oy in [ylo, yhi), the inputs of output columns [xlo, xhi)
  ;; gathered from x into the contiguous run dst[(b·oh + oy)·ow + ox]. Byte addresses and strides
  ;; come from the caller: src is x at (b = 0, oy = ylo, ox = xlo), dst the patch row at the same
  ;; place; srow, sbatch, scol are x's steps per oy, b, ox. Columns outside [xlo, xhi) and rows
  ;; outside [ylo, yhi) are padding, zeroed by the caller. Contiguous runs (scol = 4: stride 1, one
  ;; channel) of ≥ 4 are copied by vectors, the last one moved back to end at the run's end, so
  ;; nothing outside the run is written.
  (func (export "im2col_row") (param $src i32) (param $dst i32) (param $nb i32) (param $oh i32) (param $ow i32)
        (param $ylo i32) (param $yhi i32) (param $xlo i32) (param $xhi i32) (param $srow i32) (param $sbatch i32) (param $scol i32)
    (local $b i32) (local $oy i32) (local $s i32) (local $d i32) (local $i i32) (local $nbytes i32) (local $last i32) (local $drow i32)
    (local.set $nbytes (i32.shl (i32.sub (local.get $xhi) (local.get $xlo)) (i32.const 2)))
    (if (i32.or (i32.or (i32.le_s (local.get $nbytes) (i32.const 0)) (i32.le_s (local.get $nb) (i32.const 0)))
                (i32.ge_s (local.get $ylo) (local.get $yhi))) (then (return)))
    (local.set $last (i32.sub (local.get $nbytes) (i32.const 16)))
    (local.set $drow (i32.shl (local.get $ow) (i32.const 2)))
    (local.set $b (local.get $nb))
    (loop $images
      (local.set $s (local.get $src))
      (local.set $d (local.get $dst))
      (local.set $oy (local.get $ylo))
      (loop $rows
        (if (i32.and (i32.eq (local.get $scol) (i32.const 4)) (i32.ge_s (local.get $last) (i32.const 0)))
          (then
            (local.set $i (i32.const 0))
            (loop $vec
              (v128.store (i32.add (local.get $d) (local.get $i)) (v128.load (i32.add (local.get $s) (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br_if $vec (i32.lt_s (local.get $i) (local.get $last))))
            (v128.store (i32.add (local.get $d) (local.get $last)) (v128.load (i32.add (local.get $s) (local.get $last)))))
          (else
            (local.set $i (i32.const 0))
            (loop $scalar
              (f32.store (i32.add (local.get $d) (local.get $i))
                (f32.load (i32.add (local.get $s) (i32.mul (local.get $i) (i32.shr_u (local.get $scol) (i32.const 2))))))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br_if $scalar (i32.lt_s (local.get $i) (local.get $nbytes))))))
        (local.set $s (i32.add (local.get $s) (local.get $srow)))
        (local.set $d (i32.add (local.get $d) (local.get $drow)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br_if $rows (i32.lt_s (local.get $oy) (local.get $yhi))))
      (local.set $src (i32.add (local.get $src) (local.get $sbatch)))
      (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $oh) (local.get $drow))))
      (local.set $b (i32.sub (local.get $b) (i32.const 1)))
      (br_if $images (i32.gt_s (local.get $b) (i32.const 0))))
  )

  ;; out[i] = x[i] · (h(seed + (i+1)·C) ≥u threshold ? scale : 0), i.e. dropout with the mask of
  ;; src/data/random.ts's mulberry32 stream: its i-th draw is h(seed + (i+1)·C), C = 0x6d2b79f5, so
  ;; the mask needs no state and every lane computes its own draw. u = h/2³² ≥ rate exactly when
  ;; h ≥ threshold = ⌈rate·2³²⌉ (unsigned). Applied as a multiply, so NaN and ±∞ · 0 give NaN, as tf.mul.
  (func (export "dropout") (param $x i32) (param $out i32) (param $n i32) (param $seed i32) (param $threshold i32) (param $scale f32)
    (local $o i32) (local $end i32) (local $s v128) (local $t v128) (local $thr v128) (local $sc v128)
    (local $ss i32) (local $ts i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $s (i32x4.add (i32x4.splat (local.get $seed)) (v128.const i32x4 0x6d2b79f5 0xda56f3ea 0x47826ddf 0xb4ade7d4)))
    (local.set $thr (i32x4.splat (local.get $threshold)))
    (local.set $sc (f32x4.splat (local.get $scale)))
    (block $vec_done (loop $vec
      (br_if $vec_done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $t (local.get $s))
      (local.set $t (i32x4.mul (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 15))) (v128.or (local.get $t) (i32x4.splat (i32.const 1)))))
      (local.set $t (v128.xor (local.get $t) (i32x4.add (local.get $t)
        (i32x4.mul (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7))) (v128.or (local.get $t) (i32x4.splat (i32.const 61)))))))
      (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
      (v128.store (i32.add (local.get $out) (local.get $o))
        (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $o))) (v128.and (i32x4.ge_u (local.get $t) (local.get $thr)) (local.get $sc))))
      (local.set $s (i32x4.add (local.get $s) (i32x4.splat (i32.const 0xb4ade7d4))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vec)))
    ;; the last n mod 4 elements, one at a time (draw i: seed + (i+1)·C)
    (local.set $ss (i32.add (local.get $seed) (i32.mul (i32.add (i32.shr_u (local.get $o) (i32.const 2)) (i32.const 1)) (i32.const 0x6d2b79f5))))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tail_done (loop $tail
      (br_if $tail_done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $ts (local.get $ss))
      (local.set $ts (i32.mul (i32.xor (local.get $ts) (i32.shr_u (local.get $ts) (i32.const 15))) (i32.or (local.get $ts) (i32.const 1))))
      (local.set $ts (i32.xor (local.get $ts) (i32.add (local.get $ts)
        (i32.mul (i32.xor (local.get $ts) (i32.shr_u (local.get $ts) (i32.const 7))) (i32.or (local.get $ts) (i32.const 61))))))
      (local.set $ts (i32.xor (local.get $ts) (i32.shr_u (local.get $ts) (i32.const 14))))
      (f32.store (i32.add (local.get $out) (local.get $o))
        (f32.mul (f32.load (i32.add (local.get $x) (local.get $o)))
          (select (local.get $scale) (f32.const 0) (i32.ge_u (local.get $ts) (local.get $threshold)))))
      (local.set $ss (i32.add (local.get $ss) (i32.const 0x6d2b79f5)))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $tail)))
  )
)
