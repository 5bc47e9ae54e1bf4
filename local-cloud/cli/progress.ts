/**
 * Progress of the command-line tools' long steps (synth, boot, bench levels, chaos runs), on stderr so that stdout keeps
 * only results. On a terminal a spinner (ora) turns beside the step and its latest detail; when stderr is not a
 * terminal or `CI` is set, each step and its result are plain lines, and details at most one every few seconds, so
 * logs stay readable. Every finished step shows how long it took.
 */
import ora, { type Ora } from 'ora';

const PLAIN_UPDATE_INTERVAL_MS = 5000;

interface ProgressOptions {
  /** Where progress goes. @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /** Spinner or plain lines. @default a terminal that knows its width, `CI` unset, `TERM` not `dumb` */
  readonly interactive?: boolean;
}

export class Progress {
  private current: { label: string; startedAt: number } | undefined;
  private lastPlainUpdate = 0;
  private spinner: Ora | undefined;
  private readonly stream: NodeJS.WriteStream;
  private readonly interactive: boolean;

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.interactive = options.interactive ?? isInteractive(this.stream);
  }

  /** Starts a step: `label` stays on screen while `update` adds detail. A step still running is ended first. */
  start(label: string): void {
    if (this.current) this.done('');
    this.current = { label, startedAt: performance.now() };
    this.lastPlainUpdate = Date.now();
    if (this.interactive) {
      this.spinner = ora({ text: label, stream: this.stream, isEnabled: true, discardStdin: false }).start();
    } else {
      this.stream.write(`${label}...\n`);
    }
  }

  update(detail: string): void {
    if (!this.current) return;
    if (this.spinner) {
      this.spinner.text = `${this.current.label}: ${detail}`;
    } else if (Date.now() - this.lastPlainUpdate >= PLAIN_UPDATE_INTERVAL_MS) {
      this.lastPlainUpdate = Date.now();
      this.stream.write(`  ${this.current.label}: ${detail}\n`);
    }
  }

  /** Ends the step with its result and its time, which stay on screen. */
  done(result: string): void {
    this.finish(result, 'succeed');
  }

  /** Ends the step as failed (the error itself is the caller's to report). */
  fail(result: string): void {
    this.finish(result, 'fail');
  }

  private finish(result: string, outcome: 'succeed' | 'fail'): void {
    if (!this.current) return;
    const seconds = ((performance.now() - this.current.startedAt) / 1000).toFixed(1);
    const line = `${this.current.label}: ${result ? `${result} ` : ''}(${seconds} s)`;
    this.current = undefined;
    if (this.spinner) {
      this.spinner[outcome](line);
      this.spinner = undefined;
    } else {
      this.stream.write(`  ${outcome === 'fail' ? 'FAILED ' : ''}${line}\n`);
    }
  }
}

/**
 * A spinner only where it can rewrite its line: a terminal, not CI, not a dumb terminal, and one that reports its
 * width. A pseudo-terminal without a size (`script`, `docker run -t` without one) reports 0 columns, from which ora
 * computes an endless number of lines to clear.
 */
function isInteractive(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.CI && process.env.TERM !== 'dumb' && (stream.columns ?? 0) > 0;
}
