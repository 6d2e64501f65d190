/** Node-only helpers of @dicekit/conformance: reading case files and the bundled golden cases. */
export { goldenCaseFiles, goldenDirectory, readCaseFiles, readGoldenCases } from './read-case-files.js';
