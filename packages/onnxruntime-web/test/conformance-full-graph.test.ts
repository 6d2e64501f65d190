import { describeConformance } from '@dicekit/conformance/vitest';
import { createOnnxBackend } from '../src/conformance-backend.js';

// The single in-graph loss model (what exportLossModels(...).loss writes to a .onnx file) against
// every golden loss value: the per-pair formulas, reductions and compound terms written in ONNX nodes.
describeConformance({
  name: 'onnxruntime-web full in-graph loss',
  createBackend: () => createOnnxBackend({ name: 'onnxruntime-web-full-graph', numThreads: 1, formulas: 'graph' }),
  ...(process.env.DICEKIT_LARGE !== '0' ? {} : { maxSize: { elements: 1_000_000, reason: 'full-size case: DICEKIT_LARGE=0 was set' } }),
});
