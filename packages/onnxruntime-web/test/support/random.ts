import { mulberry32 } from '@dicekit/core';

/** Deterministic uniform numbers in [0, 1) (the mulberry32 stream of SPEC.md section 8) for test data. */
export const randomStream = mulberry32;
