import { describeConformance } from '@dicekit/conformance/vitest';
import { createConformanceBackend } from '../src/conformance-backend.js';

// The tf-op path (what webgl and webgpu run) on the cpu backend: chunked tf reductions, statistics
// summed in float64 on the host. Every golden case, large.json included, at the float32 defaults.
describeConformance({ name: 'tfjs-cpu (kernel tf-ops)', createBackend: () => createConformanceBackend('tfjs-cpu', { kernel: 'tf-ops' }) });
