import { resolveLossOptions, type LossName, type LossOptions } from '@dicekit/core';
import { resolveOrt, type OrtModule, type OrtTensor } from './ort-runtime.js';
import { runLoss, type LossComputation } from './run-loss.js';
import { SessionCache, type SessionSettings } from './session-cache.js';

/** Settings of {@link createLossSession}. */
export interface LossSessionSettings extends SessionSettings {
  /** One of the losses of SPEC.md section 4. */
  readonly loss: LossName;
  /** Loss options (SPEC.md sections 2-5), without `mask` (a mask is per call). Validated here, once. */
  readonly options?: Omit<LossOptions, 'mask'>;
  /** The ort module, so tensors and sessions come from the same copy (default: `onnxruntime-web`). */
  readonly ort?: OrtModule;
}

/** A loss bound to its options, with its ONNX sessions created on first use and reused. */
export interface LossSession {
  readonly loss: LossName;
  /**
   * The loss of `input` (`[N, C, ...spatial]` float32 or float16, logits unless activation is none)
   * against `target` (dense float32/float16 of the same shape, or a uint8/int32/int64 label map),
   * with an optional float32 `mask` `[N, ...spatial]`; with `gradient: true` also `d loss / d input`
   * as an ort.Tensor of the input's shape and type.
   */
  compute(input: OrtTensor, target: OrtTensor, extra?: { readonly mask?: OrtTensor; readonly gradient?: boolean }): Promise<LossComputation>;
  /** Sessions created so far (one per graph variant: dtypes, rank, reduction plan, mask). */
  readonly sessionCount: number;
  /** Releases every session. */
  dispose(): Promise<void>;
}

/**
 * Creates a loss session (statistics graph + core's per-pair formulas + gradient graph).
 *
 *     const dice = await createLossSession({ loss: 'dice', options: { activation: 'softmax' } });
 *     const { loss, gradient } = await dice.compute(logits, labels, { gradient: true });
 *
 * Data checks (E_NONFINITE, E_VALUE, E_LABEL) run on every call: on the wasm EP fused into the
 * statistics graph (the host reads the arrays only when a check fails, to raise core's exact error);
 * on the WebGPU EP as one host read of every input, target and mask element before the graphs.
 */
export async function createLossSession(settings: LossSessionSettings): Promise<LossSession> {
  const options = settings.options ?? {};
  resolveLossOptions(settings.loss, options);
  const cache = new SessionCache(await resolveOrt(settings.ort), settings);
  return {
    loss: settings.loss,
    compute: (input, target, extra = {}) =>
      runLoss(cache, settings.loss, options, { input, target, mask: extra.mask ?? null }, { gradient: extra.gradient === true, checkData: true }),
    get sessionCount() {
      return cache.size;
    },
    dispose: () => cache.dispose(),
  };
}
