import { computeLoss, computeMetric, LOSS_NAMES, METRIC_NAMES, type DiceKitBackend } from '@dicekit/core';

/** The float64 reference as a conformance backend: `dicekit-conformance --backend core`. */
export function createCoreBackend(): DiceKitBackend {
  return {
    name: 'core',
    capabilities: { precision: 'float64', losses: LOSS_NAMES, metrics: METRIC_NAMES, gradient: true, notes: ['float64 reference'] },
    computeLoss(request) {
      const result = computeLoss(request.loss, request.input, request.target, request.options, { gradient: request.gradient });
      return { loss: result.loss, gradient: result.gradient };
    },
    computeMetric(request) {
      return computeMetric(request.metric, request.input, request.target, request.options);
    },
  };
}
