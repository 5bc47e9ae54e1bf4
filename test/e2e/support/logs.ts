/**
 * What the target's services and functions logged, for assertions about what a run leaves in the logs. The local
 * cloud keeps its log lines and serves them at `GET /_local/logs` (local-cloud/log-book.ts). LocalStack and AWS keep
 * them in CloudWatch Logs, which this suite has no client for: there, reading logs fails and says so, rather than
 * passing a test that read nothing.
 */
import { target } from './target.js';

interface LogPage {
  readonly lines: readonly string[];
  readonly cursor: number;
  readonly dropped: number;
}

async function logPage(after: number): Promise<LogPage> {
  if (target.kind !== 'local' || !target.awsEndpoint) {
    throw new Error(
      `Reading logs needs the local cloud (TARGET=local); the ${target.kind} target keeps them in CloudWatch`,
    );
  }
  const response = await fetch(`${target.awsEndpoint}/_local/logs?after=${after}`);
  if (!response.ok) throw new Error(`GET /_local/logs answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as LogPage;
}

/** Where the logs are now: pass it to `logLinesSince` to read what comes after. */
export async function logCursor(): Promise<number> {
  return (await logPage(Number.MAX_SAFE_INTEGER)).cursor;
}

/** Every line logged since `cursor`; fails if the target no longer keeps some of them. */
export async function logLinesSince(cursor: number): Promise<readonly string[]> {
  const page = await logPage(cursor);
  if (page.dropped > 0) throw new Error(`${page.dropped} log lines since the cursor are no longer kept`);
  return page.lines;
}
