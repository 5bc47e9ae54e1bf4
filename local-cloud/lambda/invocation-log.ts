/**
 * One invocation's log, as `Invoke` with `LogType: Tail` returns it: the lines from its START line to its REPORT line
 * (the function's own output between them), of which only the last 4 KB are kept.
 *
 * Lambda documents `LogResult` as "the last 4 KB of the execution log, which is base64-encoded"
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax). Undocumented, and so
 * chosen here: the cut is made on bytes (a multi-byte character at the cut is split, as a byte tail splits it), and
 * the lines a cold start's init writes before START are not part of the first invocation's tail.
 */

/** The size of `LogResult` before base64: Lambda's "last 4 KB". */
const LOG_TAIL_BYTES = 4 * 1024;

export class InvocationLog {
  private readonly lines: string[] = [];
  /** Bytes of `lines`, each with its newline. */
  private bytes = 0;

  record(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    // Drops the oldest lines no tail can reach any more, so a chatty invocation keeps a bounded buffer.
    while (this.lines.length > 1 && this.bytes - lineBytes(this.lines[0]) >= LOG_TAIL_BYTES) {
      this.bytes -= lineBytes(this.lines.shift());
    }
  }

  /** The base64 of the last 4 KB of the log text, each line ended by a newline as in the log stream. */
  tail(): string {
    const text = Buffer.from(this.lines.map((line) => `${line}\n`).join(''), 'utf8');
    return text.subarray(Math.max(0, text.length - LOG_TAIL_BYTES)).toString('base64');
  }
}

function lineBytes(line: string | undefined): number {
  return line === undefined ? 0 : Buffer.byteLength(line) + 1;
}
