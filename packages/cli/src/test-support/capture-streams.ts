import type { CliStreams } from '../cli/run-cli.js';

/** Test helper: streams that collect what the CLI writes. */
export function captureStreams(): CliStreams & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    out: () => out,
    err: () => err,
  };
}
