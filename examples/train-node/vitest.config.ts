import { dicekitVitestConfig } from '../../vitest.shared.js';

export default dicekitVitestConfig({ testTimeout: 300_000 });
