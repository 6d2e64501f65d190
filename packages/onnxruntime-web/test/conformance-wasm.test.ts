import { describeConformance } from '@dicekit/conformance/vitest';
import { createConformanceBackend } from '../src/conformance-backend.js';

// The two full-size cases (20.48M voxels) take about 10-20 s each on one wasm thread; CI runs them
// through `dicekit-conformance --backend onnxruntime-web`, and they run here too unless DICEKIT_LARGE=0.
const large = process.env.DICEKIT_LARGE !== '0';

describeConformance({
  name: 'onnxruntime-web',
  createBackend: () => createConformanceBackend('onnxruntime-web'),
  ...(large ? {} : { maxSize: { elements: 1_000_000, reason: 'full-size case: set DICEKIT_LARGE=1 (or run the conformance CLI)' } }),
});
