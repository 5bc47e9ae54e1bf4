/**
 * Progress while the bench runs. On a terminal one line is rewritten in place; elsewhere (CI, a pipe) each step and
 * each update at most every few seconds is a plain line, so logs stay readable.
 */
const PLAIN_UPDATE_INTERVAL_MS = 5000;

export class Progress {
  private current: string | undefined;
  private lastPlainUpdate = 0;
  private readonly interactive: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.interactive = Boolean(stream.isTTY) && !process.env.CI;
  }

  /** Starts a step: `label` stays on screen while `update` adds detail. */
  start(label: string): void {
    this.current = label;
    this.lastPlainUpdate = Date.now();
    if (this.interactive) this.rewrite(`${label}...`);
    else this.stream.write(`${label}...\n`);
  }

  update(detail: string): void {
    if (!this.current) return;
    if (this.interactive) {
      this.rewrite(`${this.current}: ${detail}`);
    } else if (Date.now() - this.lastPlainUpdate >= PLAIN_UPDATE_INTERVAL_MS) {
      this.lastPlainUpdate = Date.now();
      this.stream.write(`  ${this.current}: ${detail}\n`);
    }
  }

  /** Ends the step with its result, which stays on screen. */
  done(result: string): void {
    const label = this.current ?? '';
    this.current = undefined;
    if (this.interactive) this.rewrite(`${label}: ${result}\n`);
    else this.stream.write(`  ${label}: ${result}\n`);
  }

  private rewrite(text: string): void {
    const width = this.stream.columns ?? 120;
    this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  }
}
