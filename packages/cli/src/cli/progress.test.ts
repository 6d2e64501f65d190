import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function stream(isTTY: boolean): { write: (text: string) => void; isTTY: boolean; columns: number; text: () => string } {
  let text = '';
  return { write: (chunk: string) => void (text += chunk), isTTY, columns: 80, text: () => text };
}

describe('Progress', () => {
  it('draws a bar on a terminal and ends its line', () => {
    const terminal = stream(true);
    const progress = new Progress(terminal, false);
    progress.update(1, 2, 'case_a', true);
    progress.update(2, 2, 'case_b', false);
    progress.finish();
    expect(terminal.text()).toMatch(/^\r\[#{15}-{15}\] 1\/2, 1 failed case_a/);
    expect(terminal.text()).toMatch(/\r\[#{30}\] 2\/2, 1 failed case_b\s*\n$/);
  });

  it('writes plain lines elsewhere and nothing when quiet', () => {
    const log = stream(false);
    const progress = new Progress(log, false);
    progress.update(1, 2, 'case_a', false);
    progress.update(2, 2, 'case_b', true);
    progress.finish();
    expect(log.text()).toBe('dicekit: [1/2] case_a ok\ndicekit: [2/2] case_b FAILED\n');
    const quiet = stream(true);
    new Progress(quiet, true).update(1, 1, 'x', false);
    expect(quiet.text()).toBe('');
  });
});
