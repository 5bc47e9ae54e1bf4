/**
 * Optional persistence of closed executions (record and history) as one JSON file each, so a restarted local cloud
 * still answers DescribeExecution and GetExecutionHistory for them. Running executions are not persisted: they end
 * with the process (`stop()` records them ABORTED first).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord, HistoryEvent } from './types.js';

const FORMAT_VERSION = 1;

export interface StoredExecution {
  record: ExecutionRecord;
  events: HistoryEvent[];
}

/** Reads every stored execution; unreadable files are reported through `log` and skipped. */
export function loadStoredExecutions(directory: string, log?: (line: string) => void): StoredExecution[] {
  let files: string[];
  try {
    files = readdirSync(directory).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const stored: StoredExecution[] = [];
  for (const file of files) {
    try {
      const parsed = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Partial<StoredExecution> & {
        version?: number;
      };
      if (parsed.version !== FORMAT_VERSION || parsed.record === undefined || !Array.isArray(parsed.events)) {
        throw new Error('not a stored execution');
      }
      stored.push({ record: parsed.record, events: parsed.events });
    } catch (error) {
      log?.(
        `[stepfunctions] skipped ${join(directory, file)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return stored;
}

/** Writes one closed execution; the rename keeps a crash mid-write from leaving a torn file. */
export async function storeExecution(directory: string, execution: StoredExecution): Promise<void> {
  await mkdir(directory, { recursive: true });
  const file = join(
    directory,
    `${createHash('sha256').update(execution.record.executionArn).digest('hex').slice(0, 40)}.json`,
  );
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ version: FORMAT_VERSION, ...execution }));
  await rename(temporary, file);
}
