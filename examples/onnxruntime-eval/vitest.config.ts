import { dicekitVitestConfig } from '../../vitest.shared.js';

export default dicekitVitestConfig({ testTimeout: 120_000 });
