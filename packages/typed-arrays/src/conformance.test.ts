import { describeConformance } from '@dicekit/conformance/vitest';
import { createConformanceBackend } from './conformance-backend.js';

describeConformance({ name: 'typed-arrays', createBackend: () => createConformanceBackend('typed-arrays') });
describeConformance({ name: 'typed-arrays-f32', createBackend: () => createConformanceBackend('typed-arrays-f32') });
describeConformance({ name: 'typed-arrays-kernel-memory', createBackend: () => createConformanceBackend('typed-arrays-kernel-memory') });
