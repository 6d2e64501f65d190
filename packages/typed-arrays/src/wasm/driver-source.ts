import { MEMORY_LAYOUT, WASM_LAYOUT, type KernelTarget } from './layout.js';
import { SOFTMAX_LAYOUT, type SoftmaxLayout, type SoftmaxTarget } from './softmax-source.js';

/**
 * The job block the drivers read (int32 fields, byte offsets from `MEMORY_LAYOUT.job`). The caller
 * writes it once per call; every thread then runs a driver over its own range of items.
 *
 * Items: the direct kernels take one item per run of `itemVoxels` voxels of a row `(n, c)`
 * (`itemsPerRow` runs per row, item `pair · itemsPerRow + run`); the softmax kernels one item per chunk
 * of `itemVoxels` voxels of a sample (all channels; item `n · itemsPerRow + chunk`).
 */
export const JOB_FIELDS = {
  input: 0,
  target: 4,
  gradient: 8,
  /** Forward: per item the kernel's float64 lane sums (direct: 96 bytes; softmax: 96 bytes per channel). */
  results: 12,
  /** Backward: per pair `(n, c)` the float64 `[constant, slope]`. */
  coefficients: 16,
  voxels: 20,
  channels: 24,
  itemVoxels: 28,
  itemsPerRow: 32,
  inputSampleBytes: 36,
  inputChannelBytes: 40,
  targetSampleBytes: 44,
  targetChannelBytes: 48,
  targetVoxelBytes: 52,
  inputVoxelBytes: 56,
  /** The softmax kernels' `row` argument (planar: bytes between channel rows). */
  row: 60,
} as const;

const job = (field: keyof typeof JOB_FIELDS) => `(i32.load offset=${MEMORY_LAYOUT.job + JOB_FIELDS[field]} (i32.const 0))`;

const DRIVER_LOCALS = ['item', 'pair', 'n', 'c', 'start', 'end', 'quads', 'in', 'tg', 'gr', 'bad', 'channels', 'labelChannel', 'upper'];

/** The loop over items `[from, to)`; `place` sets `$n`, `$c`, `$start` and the addresses, `body` calls the kernel. */
function driver(name: string, place: string, body: string): string {
  return `
 (func (export "drive_${name}") (param $from i32) (param $to i32) (result i32)
  ${DRIVER_LOCALS.map((local) => `(local $${local} i32)`).join(' ')}
  (local.set $channels ${job('channels')})
  (local.set $item (local.get $from))
  (block $done (loop $next
   (br_if $done (i32.ge_u (local.get $item) (local.get $to)))
   (local.set $start (i32.mul (i32.rem_u (local.get $item) ${job('itemsPerRow')}) ${job('itemVoxels')}))
   (local.set $end (i32.add (local.get $start) ${job('itemVoxels')}))
   (if (i32.gt_u (local.get $end) ${job('voxels')}) (then (local.set $end ${job('voxels')})))
   (local.set $quads (i32.shr_u (i32.sub (local.get $end) (local.get $start)) (i32.const 2)))${place}${body}
   (local.set $item (i32.add (local.get $item) (i32.const 1)))
   (br $next)))
  (local.get $bad))`;
}

/** Direct kernels: item → row `(n, c)` and run; the label parameters `(c, C)` or `(1, 2)` when C = 1. */
const directPlace = `
   (local.set $pair (i32.div_u (local.get $item) ${job('itemsPerRow')}))
   (local.set $n (i32.div_u (local.get $pair) (local.get $channels)))
   (local.set $c (i32.rem_u (local.get $pair) (local.get $channels)))
   (local.set $in (i32.add ${job('input')} (i32.add (i32.add (i32.mul (local.get $n) ${job('inputSampleBytes')}) (i32.mul (local.get $c) ${job(
     'inputChannelBytes',
   )})) (i32.shl (local.get $start) (i32.const 2)))))
   (local.set $gr (i32.add (i32.sub (local.get $in) ${job('input')}) ${job('gradient')}))
   (local.set $tg (i32.add ${job('target')} (i32.add (i32.add (i32.mul (local.get $n) ${job('targetSampleBytes')}) (i32.mul (local.get $c) ${job(
     'targetChannelBytes',
   )})) (i32.mul (local.get $start) ${job('targetVoxelBytes')}))))
   (local.set $labelChannel (select (i32.const 1) (local.get $c) (i32.eq (local.get $channels) (i32.const 1))))
   (local.set $upper (select (i32.const 2) (local.get $channels) (i32.eq (local.get $channels) (i32.const 1))))`;

/** `drive_<kernel>` for a direct kernel (`forward_sigmoid_labels8`, ...). */
function directDriver(kernel: string, direction: 'forward' | 'backward', target: KernelTarget): string {
  const labels = target === 'dense' ? '' : ' (local.get $labelChannel) (local.get $upper)';
  const body =
    direction === 'forward'
      ? `
   (local.set $bad (i32.or (local.get $bad) (call $${kernel} (local.get $in) (local.get $tg) (local.get $quads)${labels})))
   (memory.copy (i32.add ${job('results')} (i32.mul (local.get $item) (i32.const 96))) (i32.add (global.get $frame) (i32.const ${WASM_LAYOUT.result})) (i32.const 96))`
      : `
   (call $${kernel} (local.get $in) (local.get $tg) (local.get $gr) (local.get $quads)
    (f64.load (i32.add ${job('coefficients')} (i32.shl (local.get $pair) (i32.const 4))))
    (f64.load offset=8 (i32.add ${job('coefficients')} (i32.shl (local.get $pair) (i32.const 4))))${labels})`;
  return driver(kernel, directPlace, body);
}

/** Softmax kernels: item → sample and chunk. */
const softmaxPlace = `
   (local.set $n (i32.div_u (local.get $item) ${job('itemsPerRow')}))
   (local.set $in (i32.add ${job('input')} (i32.add (i32.mul (local.get $n) ${job('inputSampleBytes')}) (i32.mul (local.get $start) ${job('inputVoxelBytes')}))))
   (local.set $gr (i32.add (i32.sub (local.get $in) ${job('input')}) ${job('gradient')}))
   (local.set $tg (i32.add ${job('target')} (i32.add (i32.mul (local.get $n) ${job('targetSampleBytes')}) (i32.mul (local.get $start) ${job('targetVoxelBytes')}))))`;

/** `drive_<kernel>` for a softmax kernel: forward zeroes this frame's sums and copies them out per item. */
function softmaxDriver(layout: SoftmaxLayout, target: SoftmaxTarget, direction: 'forward' | 'backward'): string {
  const kernel = `${direction}_softmax_${layout}_${target}`;
  const sums = `(i32.add (global.get $frame) (i32.const ${SOFTMAX_LAYOUT.sums}))`;
  const body =
    direction === 'forward'
      ? `
   (memory.fill ${sums} (i32.const 0) (i32.mul (local.get $channels) (i32.const 96)))
   (local.set $bad (i32.or (local.get $bad) (call $${kernel} (local.get $in) (local.get $tg) (local.get $quads) (local.get $channels) ${job('row')})))
   (memory.copy (i32.add ${job('results')} (i32.mul (local.get $item) (i32.mul (local.get $channels) (i32.const 96)))) ${sums} (i32.mul (local.get $channels) (i32.const 96)))`
      : `
   (memory.copy (i32.add (global.get $frame) (i32.const ${SOFTMAX_LAYOUT.coefficients})) (i32.add ${job('coefficients')} (i32.mul (local.get $n) (i32.shl (local.get $channels) (i32.const 4)))) (i32.shl (local.get $channels) (i32.const 4)))
   (call $${kernel} (local.get $in) (local.get $tg) (local.get $gr) (local.get $quads) (local.get $channels) ${job('row')})`;
  return driver(kernel, softmaxPlace, body);
}

/** The names of the direct kernels, `<direction>_<activation><target suffix>`. */
export function directKernelName(direction: 'forward' | 'backward', activation: 'sigmoid' | 'probability', target: KernelTarget): string {
  return `${direction}_${activation}${target === 'dense' ? '' : `_${target}`}`;
}

/**
 * The drivers: `drive_<kernel>(from, to) -> bad` runs `<kernel>` over items `[from, to)` described by
 * the job block, each thread in its own frame, so one call's items can be split across threads with
 * results that do not depend on the split (each item's sums land in its own slot; the caller adds them
 * in item order).
 */
export function driversWat(softmaxVariants: ReadonlyArray<readonly [SoftmaxLayout, SoftmaxTarget]>): string {
  const direct = (['forward', 'backward'] as const).flatMap((direction) =>
    (['sigmoid', 'probability'] as const).flatMap((activation) =>
      (['dense', 'labels', 'labels8'] as const).map((target) => directDriver(directKernelName(direction, activation, target), direction, target)),
    ),
  );
  const softmax = softmaxVariants.flatMap(([layout, target]) => [softmaxDriver(layout, target, 'forward'), softmaxDriver(layout, target, 'backward')]);
  return [...direct, ...softmax].join('');
}
