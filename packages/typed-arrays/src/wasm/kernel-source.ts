import { directKernelName, driversWat } from './driver-source.js';
import { MEMORY_LAYOUT, WASM_LAYOUT, type KernelTarget } from './layout.js';
import { SOFTMAX_KERNEL_VARIANTS, softmaxKernelsWat } from './softmax-source.js';
import { constant, exponential32, promoteHigh, promoteLow, splat, splat32, withConstants } from './wat-helpers.js';

export { MAX_KERNEL_THREADS, MEMORY_LAYOUT, WASM_LAYOUT, type KernelTarget } from './layout.js';

/** The v128 locals of one step (four elements); the loop runs two steps, the second with suffix `B`. */
const STEP_LOCALS = ['x', 't', 'label', 'a', 'k', 'r', 'r2', 'e', 'tLow', 'tHigh', 'pLow', 'pHigh', 'eLow', 'eHigh', 'inverseLow', 'inverseHigh', 'positive'];
const stepLocalPattern = new RegExp(`\\$(${STEP_LOCALS.join('|')})\\b`, 'g');
const locals = `(local $i i32) (local $bad v128) (local $range v128) ${['', 'B'].map((suffix) => STEP_LOCALS.map((name) => `(local $${name}${suffix} v128)`).join(' ')).join(' ')}`;

/** The text of step `step` (0 or 1) of an iteration: its locals renamed, its loads at +16·step bytes. */
function stepText(text: string, step: number): string {
  const renamed = step === 0 ? text : text.replace(stepLocalPattern, (_, name: string) => `$${name}B`);
  return renamed.replaceAll('@offset ', step === 0 ? '' : `offset=${16 * step} `).replaceAll('@offset8 ', step === 0 ? '' : `offset=${4 * step} `);
}

/**
 * Two steps per iteration (eight elements): the steps are independent chains of ~40 dependent
 * operations, and V8 does not overlap loop iterations enough on its own. An odd last step runs after
 * the loop. The sums take step 0 then step 1, so the order is the same as one step per iteration.
 */
function unrolled(step: string): string {
  return `
  (block $done (loop $next
   (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $quads)))${stepText(step, 0)}${stepText(step, 1)}
   (local.set $i (i32.add (local.get $i) (i32.const 2)))
   (br $next)))
  (if (i32.lt_u (local.get $i) (local.get $quads)) (then${stepText(step, 0)}))`;
}

const load = (pointer: string) => `(v128.load @offset (i32.add (local.get ${pointer}) (i32.shl (local.get $i) (i32.const 4))))`;
/** Four uint8 labels widened to int32 lanes. */
const loadBytes = (pointer: string) =>
  `(i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero @offset8 (i32.add (local.get ${pointer}) (i32.shl (local.get $i) (i32.const 2))))))`;

/**
 * `σ(x)` of the four lanes of `$x` into `$pLow` (lanes 0, 1) and `$pHigh` (lanes 2, 3) as float64:
 * `e = e^{-|x|}` in float32 (above), then in float64 `r = 1 / (1 + e)`, `σ = x >= 0 ? r : e·r`, so the
 * only float32 error is that of `e` (the division and the product add none measurable).
 */
const sigmoid = () => `
   (local.set $a (f32x4.neg (f32x4.abs (local.get $x))))${exponential32()}
   (local.set $eLow ${promoteLow('(local.get $e)')})
   (local.set $eHigh ${promoteHigh('(local.get $e)')})
   (local.set $inverseLow (f64x2.div ${splat(1)} (f64x2.add ${splat(1)} (local.get $eLow))))
   (local.set $inverseHigh (f64x2.div ${splat(1)} (f64x2.add ${splat(1)} (local.get $eHigh))))
   (local.set $positive (f32x4.ge (local.get $x) ${splat32(0)}))
   (local.set $pLow (v128.bitselect (local.get $inverseLow) (f64x2.mul (local.get $eLow) (local.get $inverseLow)) (i64x2.extend_low_i32x4_s (local.get $positive))))
   (local.set $pHigh (v128.bitselect (local.get $inverseHigh) (f64x2.mul (local.get $eHigh) (local.get $inverseHigh)) (i64x2.extend_high_i32x4_s (local.get $positive))))`;


/** The bits of float32 1.0: a float32 is in [0, 1] exactly when its bits (after `+ 0`, which turns -0 into +0) are at most these, as unsigned integers (NaN and negatives are larger). */
const ONE_BITS = 0x3f800000;

/**
 * The [0, 1] check of four float32 lanes as one running unsigned maximum of their bits (`$range`,
 * compared with `ONE_BITS` once at the end): two instructions per step instead of five.
 */
const inUnitRange = (value: string) => `(local.set $range (i32x4.max_u (local.get $range) (f32x4.add ${value} ${splat32(0)})))`;

/** The parameters a label-map kernel adds: the channel whose one-hot it reads, and the label bound (C, or 2 when C = 1). */
const LABEL_PARAMETERS = ' (param $channel i32) (param $upper i32)';

/**
 * `$t` of the step from its target row: the float32 values (`dense`), or `label == channel` as 0 / 1
 * from the int32 label chunk (`labels`; C = 1 passes channel 1, so `t` is the label itself), with the
 * check of the target folded into `$bad` when `check`.
 */
function targetStep(target: KernelTarget, check: boolean): string {
  if (target === 'dense') {
    return `
   (local.set $t ${load('$target')})${check ? `
   ${inUnitRange('(local.get $t)')}` : ''}`;
  }
  return `
   (local.set $label ${target === 'labels8' ? loadBytes('$target') : load('$target')})${
     check ? `
   (local.set $bad (v128.or (local.get $bad) (v128.not (i32x4.lt_u (local.get $label) ${constant('(i32x4.splat (local.get $upper))')}))))` : ''
   }
   (local.set $t (f32x4.convert_i32x4_s (v128.and (i32x4.eq (local.get $label) ${constant('(i32x4.splat (local.get $channel))')}) ${constant('(i32x4.splat (i32.const 1))')})))`;
}

function forward(name: string, activation: 'sigmoid' | 'none', target: KernelTarget = 'dense'): string {
  const check = () =>
    activation === 'sigmoid' ? `(local.set $bad (v128.or (local.get $bad) (f32x4.ne (f32x4.sub (local.get $x) (local.get $x)) ${splat32(0)})))` : inUnitRange('(local.get $x)');
  const sums = ['intersectionLow', 'intersectionHigh', 'predictionLow', 'predictionHigh', 'truthLow', 'truthHigh'];
  const add = (sum: string, value: string) => `\n   (local.set $${sum} (f64x2.add (local.get $${sum}) ${value}))`;
  const parameters = target === 'dense' ? '' : LABEL_PARAMETERS;
  return withConstants(`$${name} (export "${name}") (param $input i32) (param $target i32) (param $quads i32)${parameters} (result i32)`, () => `
  ${locals} ${sums.map((sum) => `(local $${sum} v128)`).join(' ')}@constants${unrolled(`
   (local.set $x ${load('$input')})${targetStep(target, true)}
   ${check()}
   (local.set $tLow ${promoteLow('(local.get $t)')})
   (local.set $tHigh ${promoteHigh('(local.get $t)')})${
     activation === 'sigmoid'
       ? sigmoid()
       : `\n   (local.set $pLow ${promoteLow('(local.get $x)')})\n   (local.set $pHigh ${promoteHigh('(local.get $x)')})`
   }${add('intersectionLow', '(f64x2.mul (local.get $pLow) (local.get $tLow))')}${add('intersectionHigh', '(f64x2.mul (local.get $pHigh) (local.get $tHigh))')}${add(
     'predictionLow',
     '(local.get $pLow)',
   )}${add('predictionHigh', '(local.get $pHigh)')}${add('truthLow', '(local.get $tLow)')}${add('truthHigh', '(local.get $tHigh)')}`)}
${sums.map((sum, index) => `  (v128.store offset=${WASM_LAYOUT.result + 16 * index} (global.get $frame) (local.get $${sum}))`).join('\n')}
  (v128.any_true (v128.or (local.get $bad) (i32x4.gt_u (local.get $range) ${constant(`(i32x4.splat (i32.const ${ONE_BITS}))`)}))))`);
}

function backward(name: string, activation: 'sigmoid' | 'none', target: KernelTarget = 'dense'): string {
  const factor = (g: string, inverse: string, e: string) =>
    activation === 'sigmoid' ? `(f64x2.mul ${g} (f64x2.mul (local.get ${inverse}) (f64x2.mul (local.get ${e}) (local.get ${inverse}))))` : g;
  const g = (t: string) => `(f64x2.add (local.get $constantLanes) (f64x2.mul (local.get $slopeLanes) ${promoteLow(t)}))`;
  const gHigh = `(f64x2.add (local.get $constantLanes) (f64x2.mul (local.get $slopeLanes) ${promoteHigh('(local.get $t)')}))`;
  const parameters = target === 'dense' ? '' : LABEL_PARAMETERS;
  return withConstants(`$${name} (export "${name}") (param $input i32) (param $target i32) (param $gradient i32) (param $quads i32) (param $constant f64) (param $slope f64)${parameters}`, () => `
  ${locals} (local $constantLanes v128) (local $slopeLanes v128)@constants
  (local.set $constantLanes (f64x2.splat (local.get $constant)))
  (local.set $slopeLanes (f64x2.splat (local.get $slope)))${unrolled(`${targetStep(target, false)}${activation === 'sigmoid' ? `\n   (local.set $x ${load('$input')})${sigmoid()}` : ''}
   (v128.store @offset (i32.add (local.get $gradient) (i32.shl (local.get $i) (i32.const 4)))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
     (f32x4.demote_f64x2_zero ${factor(g('(local.get $t)'), '$inverseLow', '$eLow')})
     (f32x4.demote_f64x2_zero ${factor(gHigh, '$inverseHigh', '$eHigh')})))`)})`);
}

/**
 * The WebAssembly SIMD kernels in text form (assembled by `scripts/build-wasm.ts` with wabt): the
 * direct Dice statistics and gradient over float32 rows, four elements per step, sums in float64
 * (lanes 0, 1 of `*Low` the elements `4i`, `4i + 1`; lanes of `*High` the elements `4i + 2`, `4i + 3`).
 * - `forward_probability(input, target, quads) -> bad`: lane sums of `p·t`, `p`, `t` at
 *   `WASM_LAYOUT.result` (`[I0..I3, P0..P3, T0..T3]`, float64); `bad` is 1 when a value failed the
 *   data checks. Same operations in the same order as the JavaScript path: same bits.
 * - `forward_sigmoid`: the same with `p = σ(x)`, the exponential in float32 (see `exponential32`):
 *   within about 1.2e-7 relative of the JavaScript path per element, not the same bits.
 * - `backward_probability` / `backward_sigmoid(input, target, gradient, quads, constant, slope)`:
 *   `float32((constant + slope·t) · σ(x)σ(-x))` (or without the activation factor, then the same bits
 *   as JavaScript).
 * - `*_labels` variants take an int32 label chunk as the target and two more parameters, `channel` and
 *   `upper`: `t = (label == channel)`, checked `0 <= label < upper` (C = 1: channel 1, upper 2);
 *   `*_labels8` variants read uint8 labels.
 * - the softmax kernels (`softmax-source.ts`) and the drivers `drive_<kernel>(from, to)` that run a
 *   kernel over a range of items described by the job block (`driver-source.ts`).
 *
 * The memory is imported (`env.memory`, declared shared so that worker threads can run the same
 * kernels on it; `wasm-kernel.ts` clears the shared flag where shared memory is unavailable). Scratch
 * addresses are relative to the mutable global `frame`, one frame of `WASM_LAYOUT.pages` pages per thread.
 */
export function kernelWat(): string {
  const direct = (['forward', 'backward'] as const).flatMap((direction) =>
    (['sigmoid', 'probability'] as const).flatMap((activation) =>
      (['dense', 'labels', 'labels8'] as const).map((target) => {
        const name = directKernelName(direction, activation, target);
        const kind = activation === 'sigmoid' ? 'sigmoid' : 'none';
        return direction === 'forward' ? forward(name, kind, target) : backward(name, kind, target);
      }),
    ),
  );
  return `(module
 (import "env" "memory" (memory ${MEMORY_LAYOUT.pages} ${MEMORY_LAYOUT.maximumPages} shared))
 (global $frame (export "frame") (mut i32) (i32.const 0))${direct.join('')}${softmaxKernelsWat()}${driversWat(SOFTMAX_KERNEL_VARIANTS)}
)
`;
}
