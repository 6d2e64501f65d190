/** Where the progress goes: a writable with an optional TTY flag (process.stdout fits). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * A one-line progress bar: on a TTY it redraws itself in place (`\r`), elsewhere (CI logs, pipes)
 * it prints a plain line at most every `plainEvery` percent, so logs stay short.
 */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly total: number;
  private readonly started = performance.now();
  private lastPlainPercent = 0;
  private finished = false;

  constructor(stream: ProgressStream, total: number, private readonly plainEvery = 25) {
    this.stream = stream;
    this.total = Math.max(1, total);
  }

  /** Shows `done` of `total` units with a short status text. */
  update(done: number, status: string): void {
    const fraction = Math.min(1, done / this.total);
    const percent = Math.floor(fraction * 100);
    const elapsed = (performance.now() - this.started) / 1000;
    const remaining = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const timing = `${elapsed.toFixed(0)}s${Number.isFinite(remaining) ? `, ~${remaining.toFixed(0)}s left` : ''}`;
    if (this.stream.isTTY) {
      const width = 28;
      const filled = Math.round(fraction * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${status} (${timing})`;
      const columns = this.stream.columns ?? 120;
      this.stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length + 2))}`);
    } else if (percent >= this.lastPlainPercent + this.plainEvery || (done >= this.total && this.lastPlainPercent < 100)) {
      this.lastPlainPercent = percent - (percent % this.plainEvery);
      if (done >= this.total) this.lastPlainPercent = 100;
      this.stream.write(`${String(percent).padStart(3)}% ${status} (${timing})\n`);
    }
  }

  /** Ends the bar's line on a TTY. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
