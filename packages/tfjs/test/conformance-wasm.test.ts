import { describeConformance } from '@dicekit/conformance/vitest';
import { createConformanceBackend } from '../src/conformance-backend.js';

// Every golden case, the full-size seeded ones (large.json, rtol 1e-6) included, at the float32
// default tolerances of the kit: no loosened tolerance, no skip.
describeConformance({ name: 'tfjs-wasm', createBackend: () => createConformanceBackend('tfjs-wasm') });
