import { FAST_EXP_CONSTANTS } from '../math/fast-exp.js';

/** Byte offsets in the kernel's memory: the fastExp tables, the result slot and the data chunks. */
export const WASM_LAYOUT = {
  fractionTable: 1024,
  integerTable: 2048,
  result: 32768,
  /** Elements per chunk copied in (float32 input and target) and out (float32 gradient). */
  chunkElements: 65536,
  input: 65536,
  target: 65536 + 4 * 65536,
  gradient: 65536 + 8 * 65536,
  pages: 16,
} as const;

const splat = (value: number) => `(f64x2.splat (f64.const ${value}))`;

/**
 * `$e = fastExp($a)` for two lanes, with the same operations in the same order as the JavaScript
 * `fastExp` (so the same bits); `$a <= 0` already, so only the lower clamp is needed.
 */
function exponential(): string {
  const c = FAST_EXP_CONSTANTS;
  const [t0, t1, t2, t3, t4, t5, t6] = c.taylor;
  const table = (offset: number, index: string) => `(f64.load offset=${offset} (i32.shl ${index} (i32.const 3)))`;
  const fraction = (lane: string) => table(WASM_LAYOUT.fractionTable, `(i32.and (local.get ${lane}) (i32.const 63))`);
  const power = (lane: string) => table(WASM_LAYOUT.integerTable, `(i32.add (i32.shr_s (local.get ${lane}) (i32.const 6)) (i32.const ${c.powerOffset}))`);
  return `
   (local.set $a (f64x2.pmax (local.get $a) ${splat(c.lowestArgument)}))
   (local.set $rounded (f64x2.sub (f64x2.add (f64x2.mul (local.get $a) ${splat(c.sixtyFourOverLn2)}) ${splat(c.roundingConstant)}) ${splat(c.roundingConstant)}))
   (local.set $r (f64x2.sub (f64x2.sub (local.get $a) (f64x2.mul (local.get $rounded) ${splat(c.ln2HighOver64)})) (f64x2.mul (local.get $rounded) ${splat(c.ln2LowOver64)})))
   (local.set $k (i32x4.trunc_sat_f64x2_s_zero (local.get $rounded)))
   (local.set $k0 (i32x4.extract_lane 0 (local.get $k)))
   (local.set $k1 (i32x4.extract_lane 1 (local.get $k)))
   (local.set $e (f64x2.add ${splat(t0)} (f64x2.mul (local.get $r)
     (f64x2.add ${splat(t1)} (f64x2.mul (local.get $r)
     (f64x2.add ${splat(t2)} (f64x2.mul (local.get $r)
     (f64x2.add ${splat(t3)} (f64x2.mul (local.get $r)
     (f64x2.add ${splat(t4)} (f64x2.mul (local.get $r)
     (f64x2.add ${splat(t5)} (f64x2.mul (local.get $r) ${splat(t6)})))))))))))))
   (local.set $e (f64x2.mul (f64x2.mul
     (f64x2.replace_lane 1 (f64x2.splat ${fraction('$k0')}) ${fraction('$k1')})
     (local.get $e))
     (f64x2.replace_lane 1 (f64x2.splat ${power('$k0')}) ${power('$k1')})))`;
}

const locals = `(local $i i32) (local $x v128) (local $t v128) (local $a v128) (local $rounded v128) (local $r v128)
  (local $k v128) (local $k0 i32) (local $k1 i32) (local $e v128) (local $inverse v128) (local $p v128) (local $bad v128)`;

const loadPair = (pointer: string) => `(f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get ${pointer}) (i32.shl (local.get $i) (i32.const 3)))))`;

/** `p = σ(x)` from `$x`: `r = 1 / (1 + e^{-|x|})`, `p = x >= 0 ? r : e·r`. */
const sigmoid = `
   (local.set $a (f64x2.neg (f64x2.abs (local.get $x))))${exponential()}
   (local.set $inverse (f64x2.div ${splat(1)} (f64x2.add ${splat(1)} (local.get $e))))
   (local.set $p (v128.bitselect (local.get $inverse) (f64x2.mul (local.get $e) (local.get $inverse)) (f64x2.ge (local.get $x) ${splat(0)})))`;

const outsideUnit = (value: string) =>
  `(v128.not (v128.and (f64x2.ge ${value} ${splat(0)}) (f64x2.le ${value} ${splat(1)})))`;

function forward(name: string, activation: 'sigmoid' | 'none'): string {
  const check =
    activation === 'sigmoid'
      ? `(f64x2.ne (f64x2.sub (local.get $x) (local.get $x)) ${splat(0)})`
      : outsideUnit('(local.get $x)');
  return `
 (func (export "${name}") (param $input i32) (param $target i32) (param $pairs i32) (result i32)
  ${locals} (local $intersection v128) (local $prediction v128) (local $truth v128)
  (block $done (loop $next
   (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
   (local.set $x ${loadPair('$input')})
   (local.set $t ${loadPair('$target')})
   (local.set $bad (v128.or (local.get $bad) (v128.or ${check} ${outsideUnit('(local.get $t)')})))${
     activation === 'sigmoid' ? sigmoid : '\n   (local.set $p (local.get $x))'
   }
   (local.set $intersection (f64x2.add (local.get $intersection) (f64x2.mul (local.get $p) (local.get $t))))
   (local.set $prediction (f64x2.add (local.get $prediction) (local.get $p)))
   (local.set $truth (f64x2.add (local.get $truth) (local.get $t)))
   (local.set $i (i32.add (local.get $i) (i32.const 1)))
   (br $next)))
  (v128.store (i32.const ${WASM_LAYOUT.result}) (local.get $intersection))
  (v128.store (i32.const ${WASM_LAYOUT.result + 16}) (local.get $prediction))
  (v128.store (i32.const ${WASM_LAYOUT.result + 32}) (local.get $truth))
  (v128.any_true (local.get $bad)))`;
}

function backward(name: string, activation: 'sigmoid' | 'none'): string {
  const value =
    activation === 'sigmoid'
      ? `(f64x2.mul (local.get $g) (f64x2.mul (local.get $inverse) (f64x2.mul (local.get $e) (local.get $inverse))))`
      : '(local.get $g)';
  return `
 (func (export "${name}") (param $input i32) (param $target i32) (param $gradient i32) (param $pairs i32) (param $constant f64) (param $slope f64)
  ${locals} (local $g v128)
  (block $done (loop $next
   (br_if $done (i32.ge_u (local.get $i) (local.get $pairs)))
   (local.set $t ${loadPair('$target')})
   (local.set $g (f64x2.add (f64x2.splat (local.get $constant)) (f64x2.mul (f64x2.splat (local.get $slope)) (local.get $t))))${
     activation === 'sigmoid' ? `\n   (local.set $x ${loadPair('$input')})${sigmoid}` : ''
   }
   (v128.store64_lane 0 (i32.add (local.get $gradient) (i32.shl (local.get $i) (i32.const 3))) (f32x4.demote_f64x2_zero ${value}))
   (local.set $i (i32.add (local.get $i) (i32.const 1)))
   (br $next))))`;
}

/**
 * The WebAssembly SIMD kernels in text form (assembled by `scripts/build-wasm.ts` with wabt): the
 * direct Dice statistics and gradient over float32 rows, two elements per step (lane 0 the even
 * elements of a run, lane 1 the odd ones). Every operation mirrors the JavaScript direct path, so both
 * give the same bits.
 * - `forward_sigmoid` / `forward_probability(input, target, pairs) -> bad`: lane sums of `p·t`, `p`,
 *   `t` at `WASM_LAYOUT.result`; `bad` is 1 when a value failed the data checks.
 * - `backward_sigmoid` / `backward_probability(input, target, gradient, pairs, constant, slope)`:
 *   `float32((constant + slope·t) · σ(x)σ(-x))` (or without the activation factor).
 */
export function kernelWat(): string {
  return `(module
 (memory (export "memory") ${WASM_LAYOUT.pages})${forward('forward_sigmoid', 'sigmoid')}${forward('forward_probability', 'none')}${backward(
   'backward_sigmoid',
   'sigmoid',
 )}${backward('backward_probability', 'none')}
)
`;
}
