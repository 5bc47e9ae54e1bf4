/**
 * The local cloud's log lines, its services' diagnostics and its functions' output (START and END lines included),
 * the latest `capacity` of them kept in memory, so that a test in another process can read what a run logged:
 * `GET /_local/logs?after=<cursor>` on the edge endpoint (local-admin.ts). On AWS the same lines are in CloudWatch
 * Logs; this is the local cloud's own way to read them, not an emulation of the CloudWatch Logs API.
 */

/**
 * Lines kept. About 300 bytes a line, so a few megabytes at most; enough for everything one end-to-end test file
 * logs, while a long load run keeps only its latest lines.
 */
const DEFAULT_CAPACITY = 20_000;

export interface LogPage {
  /** Each line as it was written, oldest first. A function's lines start with `[<function name>] `. */
  readonly lines: readonly string[];
  /** Pass as `after` to read only the lines written since this page. */
  readonly cursor: number;
  /** Lines written after `after` that are no longer kept (capacity), so this page misses them. */
  readonly dropped: number;
}

export class LogBook {
  private readonly ring: string[] = [];
  /** Lines recorded since boot: the cursor a line gets is its position in this count. */
  private written = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  record(line: string): void {
    this.ring[this.written % this.capacity] = line;
    this.written += 1;
  }

  /** A log function that records each line, then hands it to `next` (the caller's own log), if any. */
  tee(next: ((line: string) => void) | undefined): (line: string) => void {
    return (line) => {
      this.record(line);
      next?.(line);
    };
  }

  /** The lines written after `after` (0: every line kept), and the cursor to read on from. */
  after(after: number): LogPage {
    const oldest = Math.max(0, this.written - this.capacity);
    const from = Math.min(Math.max(after, oldest), this.written);
    const lines: string[] = [];
    for (let position = from; position < this.written; position += 1) {
      lines.push(this.ring[position % this.capacity] ?? '');
    }
    return { lines, cursor: this.written, dropped: Math.max(0, oldest - after) };
  }
}
