// The seeded stream of SPEC.md section 8 lives in core (one definition for every package).
export { mulberry32 } from '@dicekit/core';
