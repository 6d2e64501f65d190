/**
 * @dicekit/conformance (browser-safe entry; Node file helpers in `@dicekit/conformance/node`): the golden cases of SPEC.md section 8, their loader, the comparison and
 * tolerance policy, and runners. `describeConformance` (vitest) lives in `@dicekit/conformance/vitest`;
 * the `dicekit-conformance` CLI runs any case file against a named backend.
 */
export type {
  CaseData,
  CaseDocument,
  CaseTensor,
  ConformanceCase,
  SeededSpec,
  StoredCase,
  StoredTensor,
  Tolerance,
} from './cases/case-types.js';
export { mulberry32 } from './cases/mulberry32.js';
export { decodeNumber, decodeTensor, drawSeeded } from './cases/decode-tensor.js';
export { parseCaseDocument } from './cases/parse-cases.js';
export { TOLERANCES, toleranceFor } from './compare/tolerance.js';
export { compareTensors, type Comparison } from './compare/compare-tensors.js';
export { runCase, skipReason, type CaseOutcome, type CaseStatus, type RunSettings } from './run/run-case.js';
export { runCases, type RunSummary } from './run/run-cases.js';
export { createCoreBackend } from './backends/core-backend.js';
