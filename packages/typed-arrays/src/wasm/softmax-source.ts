import { exponential32, outsideUnit, promoteHigh, promoteLow, splat, splat32, withConstants } from './wat-helpers.js';

/**
 * Where the softmax kernels keep their per-call data, after the float32 chunks of `WASM_LAYOUT`:
 * the label chunk (int32), the per-channel exponentials of the current four voxels, the per-channel
 * float64 lane sums and the per-channel gradient coefficients.
 */
export const SOFTMAX_LAYOUT = {
  /** Largest channel count the kernels take (the per-channel regions below are sized for it). */
  maxChannels: 256,
  labels: 262144,
  exponentials: 262144 + 65536,
  /** Per channel 96 bytes: `[I low, I high, P low, P high, T low, T high]`, each two float64 lanes. */
  sums: 262144 + 65536 + 4096,
  /** Per channel 16 bytes: `[constant, slope]` as float64. */
  coefficients: 262144 + 65536 + 4096 + 24576,
  pages: 6,
} as const;

/** How the channels of four consecutive voxels sit in the chunk: one row per channel, or voxel-major. */
export type SoftmaxLayout = 'planar' | 'interleaved';
/** The target of the chunk: float32 dense values in the input's layout, or an int32 (uint8) label per voxel. */
export type SoftmaxTarget = 'dense' | 'labels' | 'labels8';

/**
 * Four float32 lanes of channel `c` for voxels `4i .. 4i + 3`, at `$address`: one load in planar
 * chunks, four lane loads `4C` bytes apart in interleaved ones.
 */
function loadLanes(layout: SoftmaxLayout): string {
  if (layout === 'planar') return '(v128.load (local.get $address))';
  return `(v128.load32_lane 3 (i32.add (local.get $address) (local.get $voxelBytes3))
     (v128.load32_lane 2 (i32.add (local.get $address) (local.get $voxelBytes2))
      (v128.load32_lane 1 (i32.add (local.get $address) (local.get $voxelBytes))
       (v128.load32_zero (local.get $address)))))`;
}

function storeLanes(layout: SoftmaxLayout, value: string): string {
  if (layout === 'planar') return `(v128.store (local.get $address) ${value})`;
  return `(local.set $out ${value})
     (v128.store32_lane 0 (local.get $address) (local.get $out))
     (v128.store32_lane 1 (i32.add (local.get $address) (local.get $voxelBytes)) (local.get $out))
     (v128.store32_lane 2 (i32.add (local.get $address) (local.get $voxelBytes2)) (local.get $out))
     (v128.store32_lane 3 (i32.add (local.get $address) (local.get $voxelBytes3)) (local.get $out))`;
}

/** `$address = base + group offset + c · channel bytes` (a row in planar chunks, 4 bytes interleaved). */
const addressOf = (base: string) =>
  `(local.set $address (i32.add (i32.add (local.get ${base}) (local.get $group)) (i32.mul (local.get $c) (local.get $channelBytes))))`;

/** A loop over the channels `from .. channels - 1` with `$c`. */
const overChannels = (from: number, body: string) => `
   (local.set $c (i32.const ${from}))
   (block $channelsDone (loop $nextChannel
    (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $channels)))${body}
    (local.set $c (i32.add (local.get $c) (i32.const 1)))
    (br $nextChannel)))`;

/**
 * The softmax of four voxels: `$max` (checking each logit is finite into `$bad`), the float32
 * exponentials `e^{x_c - max}` stored per channel at `SOFTMAX_LAYOUT.exponentials`, and the float64
 * inverses of their sums in `$inverseLow` / `$inverseHigh`.
 */
function softmaxOfGroup(layout: SoftmaxLayout): string {
  const finite = `(f32x4.eq (f32x4.sub (local.get $x) (local.get $x)) ${splat32(0)})`;
  return `
   (local.set $c (i32.const 0))${addressOf('$input')}
   (local.set $max ${loadLanes(layout)})
   (local.set $x (local.get $max))
   (local.set $bad (v128.or (local.get $bad) (v128.not ${finite})))${overChannels(
     1,
     `${addressOf('$input')}
    (local.set $x ${loadLanes(layout)})
    (local.set $bad (v128.or (local.get $bad) (v128.not ${finite})))
    (local.set $max (f32x4.pmax (local.get $max) (local.get $x)))`,
   )}
   (local.set $totalLow ${splat(0)})
   (local.set $totalHigh ${splat(0)})${overChannels(
     0,
     `${addressOf('$input')}
    (local.set $a (f32x4.sub ${loadLanes(layout)} (local.get $max)))${exponential32()}
    (v128.store (i32.add (local.get $exponentials) (i32.shl (local.get $c) (i32.const 4))) (local.get $e))
    (local.set $totalLow (f64x2.add (local.get $totalLow) ${promoteLow('(local.get $e)')}))
    (local.set $totalHigh (f64x2.add (local.get $totalHigh) ${promoteHigh('(local.get $e)')}))`,
   )}
   (local.set $inverseLow (f64x2.div ${splat(1)} (local.get $totalLow)))
   (local.set $inverseHigh (f64x2.div ${splat(1)} (local.get $totalHigh)))`;
}

/** `$pLow`, `$pHigh`: channel `$c`'s probabilities in float64 from its stored exponential. */
const probabilitiesOfChannel = `
    (local.set $e (v128.load (i32.add (local.get $exponentials) (i32.shl (local.get $c) (i32.const 4)))))
    (local.set $pLow (f64x2.mul ${promoteLow('(local.get $e)')} (local.get $inverseLow)))
    (local.set $pHigh (f64x2.mul ${promoteHigh('(local.get $e)')} (local.get $inverseHigh)))`;

/** `$tLow`, `$tHigh`: channel `$c`'s targets in float64 (the label test, or the dense values checked). */
function targetOfChannel(layout: SoftmaxLayout, target: SoftmaxTarget): string {
  if (target !== 'dense') {
    return `
    (local.set $hit (i32x4.eq (local.get $labels) (i32x4.splat (local.get $c))))
    (local.set $tLow (v128.and ${splat(1)} (i64x2.extend_low_i32x4_s (local.get $hit))))
    (local.set $tHigh (v128.and ${splat(1)} (i64x2.extend_high_i32x4_s (local.get $hit))))`;
  }
  return `${addressOf('$target')}
    (local.set $t ${loadLanes(layout)})
    (local.set $bad (v128.or (local.get $bad) ${outsideUnit('(local.get $t)')}))
    (local.set $tLow ${promoteLow('(local.get $t)')})
    (local.set $tHigh ${promoteHigh('(local.get $t)')})`;
}

/** Labels of the four voxels (int32, or uint8 widened), each checked to be a channel (unsigned compare: negatives fail too). */
const loadLabels = (target: SoftmaxTarget) =>
  target === 'dense'
    ? ''
    : `
   (local.set $labels ${
     target === 'labels'
       ? '(v128.load (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 4))))'
       : '(i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 2))))))'
   })
   (local.set $bad (v128.or (local.get $bad) (v128.not (i32x4.lt_u (local.get $labels) (i32x4.splat (local.get $channels))))))`;

const V128_LOCALS = ['max', 'x', 'a', 'k', 'r', 'r2', 'e', 't', 'out', 'labels', 'hit', 'bad', 'totalLow', 'totalHigh', 'inverseLow', 'inverseHigh', 'pLow', 'pHigh', 'tLow', 'tHigh', 'gLow', 'gHigh', 'dotLow', 'dotHigh', 'constantLanes', 'slopeLanes'];
const I32_LOCALS = ['i', 'c', 'group', 'groupBytes', 'channelBytes', 'voxelBytes', 'voxelBytes2', 'voxelBytes3', 'address', 'sum', 'exponentials', 'sums', 'coefficients'];

/**
 * The byte steps of the chunk: planar chunks step 16 bytes per group and `$row` per channel;
 * interleaved ones `16C` per group, 4 per channel and `4C` between voxels.
 */
function stepsOf(layout: SoftmaxLayout): string {
  const locals = `${V128_LOCALS.map((name) => `(local $${name} v128)`).join(' ')} ${I32_LOCALS.map((name) => `(local $${name} i32)`).join(' ')}`;
  const steps =
    layout === 'planar'
      ? `
  (local.set $groupBytes (i32.const 16))
  (local.set $channelBytes (local.get $row))`
      : `
  (local.set $voxelBytes (i32.shl (local.get $channels) (i32.const 2)))
  (local.set $voxelBytes2 (i32.shl (local.get $channels) (i32.const 3)))
  (local.set $voxelBytes3 (i32.mul (local.get $channels) (i32.const 12)))
  (local.set $groupBytes (i32.shl (local.get $channels) (i32.const 4)))
  (local.set $channelBytes (i32.const 4))`;
  // The scratch regions of this thread's frame (the instance's `frame` global; 0 on the main thread).
  const frame = `
  (local.set $exponentials (i32.add (global.get $frame) (i32.const ${SOFTMAX_LAYOUT.exponentials})))
  (local.set $sums (i32.add (global.get $frame) (i32.const ${SOFTMAX_LAYOUT.sums})))
  (local.set $coefficients (i32.add (global.get $frame) (i32.const ${SOFTMAX_LAYOUT.coefficients})))`;
  return `${locals}@constants${frame}${steps}`;
}

/** The loop over the chunk's groups of four voxels around `body`. */
const overGroups = (body: string) => `
  (block $groupsDone (loop $nextGroup
   (br_if $groupsDone (i32.ge_u (local.get $i) (local.get $quads)))
   (local.set $group (i32.mul (local.get $i) (local.get $groupBytes)))${body}
   (local.set $i (i32.add (local.get $i) (i32.const 1)))
   (br $nextGroup)))`;

/** `memory[address] += value` for a float64 lane pair. */
const accumulate = (offset: number, value: string) =>
  `\n    (v128.store offset=${offset} (local.get $sum) (f64x2.add (v128.load offset=${offset} (local.get $sum)) ${value}))`;

/**
 * `forward_softmax_<layout>_<target>(input, target, quads, channels, row) -> bad`: softmax over the
 * channels of `4·quads` voxels and, per channel, float64 lane sums of `p·t`, `p` and `t` added to
 * `SOFTMAX_LAYOUT.sums` (the caller zeroes them per sample and reads them after its chunks). The
 * exponential is float32 (about one float32 ulp, see `exponential32`); the sum of exponentials, its
 * inverse and every product after it are float64. `bad` is 1 when a logit is not finite, a dense target
 * is outside [0, 1] or a label is not a channel.
 */
function softmaxForward(layout: SoftmaxLayout, target: SoftmaxTarget): string {
  const name = `forward_softmax_${layout}_${target}`;
  return withConstants(`$${name} (export "${name}") (param $input i32) (param $target i32) (param $quads i32) (param $channels i32) (param $row i32) (result i32)`, () => `
  ${stepsOf(layout)}${overGroups(`${softmaxOfGroup(layout)}${loadLabels(target)}${overChannels(
    0,
    `${probabilitiesOfChannel}${targetOfChannel(layout, target)}
    (local.set $sum (i32.add (local.get $sums) (i32.mul (local.get $c) (i32.const 96))))${accumulate(0, '(f64x2.mul (local.get $pLow) (local.get $tLow))')}${accumulate(
      16,
      '(f64x2.mul (local.get $pHigh) (local.get $tHigh))',
    )}${accumulate(32, '(local.get $pLow)')}${accumulate(48, '(local.get $pHigh)')}${accumulate(64, '(local.get $tLow)')}${accumulate(80, '(local.get $tHigh)')}`,
  )}`)}
  (v128.any_true (local.get $bad)))`);
}

/** `$gLow`, `$gHigh` = `constant_c + slope_c · t_c` for channel `$c` (coefficients from memory). */
const coefficientOfChannel = `
    (local.set $sum (i32.add (local.get $coefficients) (i32.shl (local.get $c) (i32.const 4))))
    (local.set $constantLanes (v128.load64_splat (local.get $sum)))
    (local.set $slopeLanes (v128.load64_splat offset=8 (local.get $sum)))
    (local.set $gLow (f64x2.add (local.get $constantLanes) (f64x2.mul (local.get $slopeLanes) (local.get $tLow))))
    (local.set $gHigh (f64x2.add (local.get $constantLanes) (f64x2.mul (local.get $slopeLanes) (local.get $tHigh))))`;

/**
 * `backward_softmax_<layout>_<target>(input, target, gradient, quads, channels, row)`: with
 * `g_c = constant_c + slope_c·t_c` (coefficients at `SOFTMAX_LAYOUT.coefficients`), writes
 * `dx_c = p_c (g_c - Σ_j g_j p_j)` as float32 in the input's layout at `gradient`. The softmax is
 * recomputed as in the forward kernel (same float32 exponentials); the rest is float64.
 */
function softmaxBackward(layout: SoftmaxLayout, target: SoftmaxTarget): string {
  const name = `backward_softmax_${layout}_${target}`;
  return withConstants(
    `$${name} (export "${name}") (param $input i32) (param $target i32) (param $gradient i32) (param $quads i32) (param $channels i32) (param $row i32)`,
    () => `
  ${stepsOf(layout)}${overGroups(`${softmaxOfGroup(layout)}${loadLabels(target)}
   (local.set $dotLow ${splat(0)})
   (local.set $dotHigh ${splat(0)})${overChannels(
     0,
     `${probabilitiesOfChannel}${targetOfChannel(layout, target)}${coefficientOfChannel}
    (local.set $dotLow (f64x2.add (local.get $dotLow) (f64x2.mul (local.get $gLow) (local.get $pLow))))
    (local.set $dotHigh (f64x2.add (local.get $dotHigh) (f64x2.mul (local.get $gHigh) (local.get $pHigh))))`,
   )}${overChannels(
     0,
     `${probabilitiesOfChannel}${targetOfChannel(layout, target)}${coefficientOfChannel}${addressOf('$gradient')}
    ${storeLanes(
      layout,
      `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.mul (local.get $pLow) (f64x2.sub (local.get $gLow) (local.get $dotLow))))
      (f32x4.demote_f64x2_zero (f64x2.mul (local.get $pHigh) (f64x2.sub (local.get $gHigh) (local.get $dotHigh)))))`,
    )}`,
   )}`)})`,
  );
}

/** The layout and target of every softmax kernel. */
export const SOFTMAX_KERNEL_VARIANTS: ReadonlyArray<readonly [SoftmaxLayout, SoftmaxTarget]> = (['planar', 'interleaved'] as const).flatMap((layout) =>
  (['dense', 'labels', 'labels8'] as const).map((target) => [layout, target] as const),
);

/** Every softmax kernel: forward and backward, planar and interleaved, dense, int32 and uint8 label targets. */
export function softmaxKernelsWat(): string {
  return SOFTMAX_KERNEL_VARIANTS.map(([layout, target]) => softmaxForward(layout, target) + softmaxBackward(layout, target)).join('');
}
