import { dicekitVitestConfig } from '../../vitest.shared.js';

export default dicekitVitestConfig();
