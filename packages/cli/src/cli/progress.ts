/** A writable text stream (process.stderr, or a test double). */
export interface TextStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Progress of an evaluation on stderr: a redrawn bar on a terminal, one plain line per finished case
 * otherwise (logs, CI), nothing when quiet.
 */
export class Progress {
  private failed = 0;
  private drawn = false;
  private lastDraw = 0;

  constructor(
    private readonly stream: TextStream,
    private readonly quiet: boolean,
  ) {}

  /** Records a finished case. */
  update(done: number, total: number, id: string, failed: boolean): void {
    if (failed) this.failed++;
    if (this.quiet) return;
    if (this.stream.isTTY !== true) {
      this.stream.write(`dicekit: [${done}/${total}] ${id} ${failed ? 'FAILED' : 'ok'}\n`);
      return;
    }
    const now = Date.now();
    // Redrawing more often than every 50 ms only costs time on a fast run.
    if (done < total && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const failedText = this.failed > 0 ? `, ${this.failed} failed` : '';
    const line = `[${bar}] ${done}/${total}${failedText} ${id}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length + 10))}`);
    this.drawn = true;
  }

  /** Ends the bar's line so later messages start on a fresh line. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
