#!/usr/bin/env node
// Published entry of the CLI: runs the compiled CLI (dist). In this repository, use the root script
// `pnpm dicekit-conformance`, which runs the TypeScript sources.
import '../dist/cli/main.js';
