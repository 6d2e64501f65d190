import { createCoreBackend } from '../src/index.js';
import { describeConformance } from '../src/vitest/describe-conformance.js';

// The float64 reference runs the whole kit exactly as any adapter does.
describeConformance({ name: 'core', createBackend: createCoreBackend });
