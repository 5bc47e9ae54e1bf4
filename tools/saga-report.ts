/**
 * The report `npm run saga` prints: one execution's history laid out the way the Step Functions console's table view
 * shows it. States in the order they were entered, each with its status, timings (offset from the execution's start
 * and duration) and what it added to the saga's state (its whole input and output with `full`); every attempt of a
 * retried task with its error and cause and the wait before the next attempt; compensations marked; then the
 * execution's final status, error and output.
 *
 * Pure: it takes the answers of DescribeExecution and GetExecutionHistory and returns lines, so it is the same for
 * the local cloud, LocalStack and AWS, and is unit-tested without any of them. It reads the history through the saga
 * console's model (history-model.ts: the runs, attempts, failures and timings), so the two cannot disagree; this file
 * only lays the runs out as text.
 */

import type { DescribeExecutionOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import { COMPENSATION_COMMENT } from '../lib/constructs/compensation-comment.js';
import {
  duration,
  millis,
  type StateRun,
  settledResultOf,
  stateRunsOf,
} from '../local-cloud/console/static/history-model.js';

export { duration };

/** The part of DescribeExecution the report reads. */
export type ExecutionDescription = Pick<
  DescribeExecutionOutput,
  'executionArn' | 'name' | 'status' | 'startDate' | 'stopDate' | 'input' | 'output' | 'error' | 'cause'
>;

export interface SagaReportOptions {
  /** Print inputs, outputs, causes and stack traces whole (pretty JSON) instead of cut to one line. @default false */
  readonly full?: boolean;
  /** Characters a cut value keeps. @default 160 */
  readonly maxValueLength?: number;
  /** Decides which states are compensations, e.g. from `compensationStatesOf(definition)`. @default none is */
  readonly isCompensation?: (stateName: string) => boolean;
  /** "Now", for the duration of what still runs. @default the stop date, else the last event */
  readonly now?: Date;
}

/**
 * Names of the states of an ASL definition (nested ones too) whose `Comment` marks them as compensations (it starts
 * with `COMPENSATION_COMMENT`, which the `Saga` construct writes on every compensation and every state that parks a
 * failure for an operator). So the report knows nothing of a particular saga.
 */
export function compensationStatesOf(definition: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (machine: unknown) => {
    const states = (machine as { States?: Record<string, Record<string, unknown>> } | null)?.States ?? {};
    for (const [name, state] of Object.entries(states)) {
      if (typeof state.Comment === 'string' && state.Comment.startsWith(COMPENSATION_COMMENT)) names.add(name);
      for (const branch of (state.Branches as unknown[] | undefined) ?? []) visit(branch);
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(definition);
  return names;
}

export function sagaReport(
  execution: ExecutionDescription,
  history: readonly HistoryEvent[],
  options: SagaReportOptions = {},
): string[] {
  const full = options.full ?? false;
  const maxLength = options.maxValueLength ?? 160;
  const isCompensation = options.isCompensation ?? (() => false);
  const events = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const startMs =
    millis(execution.startDate) ?? millis(events.find((event) => event.type === 'ExecutionStarted')?.timestamp) ?? 0;
  const lastEventMs = millis(events.at(-1)?.timestamp) ?? startMs;
  const endMs = millis(execution.stopDate) ?? millis(options.now) ?? lastEventMs;
  const runs = stateRunsOf(events, execution.status);

  const lines: string[] = [];
  lines.push(`Execution  ${execution.name ?? '?'}`);
  lines.push(`ARN        ${execution.executionArn ?? '?'}`);
  lines.push(`Started    ${new Date(startMs).toISOString()}`);
  lines.push(...value('Input      ', execution.input, { full, maxLength, indent: '' }));
  lines.push('');

  if (runs.length === 0) lines.push('No state was entered.');
  else lines.push(`${pad('#', 4)}${pad('State', 34)}${pad('Type', 9)}${pad('Status', 11)}${pad('Start', 11)}Duration`);
  runs.forEach((run, index) => {
    const status = statusOf(run, runs[index + 1], execution.status);
    const end = run.exitedAt ?? (status === 'RUNNING' ? endMs : run.lastEventAt);
    const marker = isCompensation(run.name) ? '  ↩ compensation' : '';
    const name = `${'  '.repeat(run.depth)}${run.name}`;
    lines.push(
      `${pad(String(index + 1), 4)}${pad(name, 34)}${pad(run.type, 9)}${pad(status, 11)}` +
        `${pad(offset(run.enteredAt - startMs), 11)}${duration(end - run.enteredAt)}${marker}`,
    );
    const indent = `${' '.repeat(4)}${'  '.repeat(run.depth)}  `;
    lines.push(...attemptLines(run, startMs, { full, maxLength, indent }));
    const format = { full, maxLength, indent };
    if (full) {
      lines.push(...value(`${indent}input   `, run.input, format));
      lines.push(...value(`${indent}output  `, run.output, format));
    } else {
      // Every state passes the saga's whole state on, so what a state adds or changes is what tells its story.
      const previousOutput = index === 0 ? execution.input : (runs[index - 1]?.output ?? runs[index - 1]?.input);
      if (run.input !== previousOutput) lines.push(...changes(`${indent}input   `, previousOutput, run.input, format));
      lines.push(...changes(`${indent}output  `, run.input, run.output, format));
    }
  });

  lines.push('');
  const finalStatus = execution.status ?? 'UNKNOWN';
  const took =
    finalStatus === 'RUNNING' ? `for ${duration(endMs - startMs)} so far` : `after ${duration(endMs - startMs)}`;
  const compensated = runs.filter((run) => isCompensation(run.name)).map((run) => run.name);
  if (compensated.length > 0) lines.push(`Compensations: ${[...new Set(compensated)].join(', ')}`);
  lines.push(`Execution ${finalStatus} ${took}`);
  if (execution.error || execution.cause) {
    lines.push(...errorLines('Error  ', execution.error, execution.cause, { full, maxLength, indent: '' }));
  }
  if (full) lines.push(...value('Output ', execution.output, { full, maxLength, indent: '' }));
  else lines.push(...changes('Output ', execution.input, execution.output, { full, maxLength, indent: '' }));
  return lines.map((line) => line.trimEnd());
}

/**
 * The model's result in capitals; a state that never exited (and did not fail) is running while the execution runs,
 * succeeded when a later state was entered, else ended as the execution did: the report names that status as it is
 * (TIMED_OUT, say) where the console has only its colours.
 */
function statusOf(run: StateRun, next: StateRun | undefined, executionStatus: string | undefined): string {
  const settled = settledResultOf(run, next);
  if (settled) return settled.toUpperCase();
  if (executionStatus === 'RUNNING') return 'RUNNING';
  return next ? 'SUCCEEDED' : (executionStatus ?? 'UNKNOWN');
}

interface ValueFormat {
  readonly full: boolean;
  readonly maxLength: number;
  readonly indent: string;
}

function attemptLines(run: StateRun, startMs: number, format: ValueFormat): string[] {
  const { attempts } = run;
  // One successful attempt says nothing the state's own line does not.
  if (attempts.length === 0 || (attempts.length === 1 && attempts[0]?.outcome === 'SUCCEEDED')) return [];
  const lines: string[] = [];
  attempts.forEach((attempt, index) => {
    const retryWaitMs = attempts[index + 1]?.retryWaitMs;
    const retried = retryWaitMs === undefined ? '' : `  → retried after ${duration(retryWaitMs)}`;
    const outcome = retried ? 'RETRIED' : attempt.outcome;
    lines.push(
      `${format.indent}attempt ${index + 1}  ${pad(outcome, 10)}${pad(offset(attempt.scheduledAt - startMs), 11)}` +
        `${attempt.endedAt === undefined ? '' : duration(attempt.endedAt - attempt.scheduledAt)}${retried}`,
    );
    if (attempt.error !== undefined || attempt.cause !== undefined) {
      lines.push(...errorLines(`${format.indent}  error   `, attempt.error, attempt.cause, format));
    }
  });
  return lines;
}

/**
 * `Error: message` on one line. Lambda errors carry a JSON cause (`errorType`, `errorMessage`, `trace`): its message is
 * what an operator needs, and the trace follows with `--full`. Other causes are free text.
 */
function errorLines(
  label: string,
  error: string | undefined,
  cause: string | undefined,
  format: ValueFormat,
): string[] {
  const lambda = lambdaCause(cause);
  const message = lambda?.errorMessage ?? cause;
  const headline = [error, message].filter((part) => part !== undefined && part.length > 0).join(': ');
  const lines = [`${label}${format.full ? headline : cut(headline, format.maxLength)}`];
  if (format.full && lambda?.trace) {
    const continuation = ' '.repeat(label.length);
    // The trace's first line repeats the error and its message, already on the headline.
    const frames = lambda.trace.map((frame) => frame.trim()).filter((frame) => frame.startsWith('at '));
    lines.push(...frames.map((frame) => `${continuation}${frame}`));
  }
  return lines;
}

function lambdaCause(cause: string | undefined): { errorMessage?: string; trace?: string[] } | undefined {
  if (!cause?.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; trace?: unknown };
    return {
      ...(typeof parsed.errorMessage === 'string' ? { errorMessage: parsed.errorMessage } : {}),
      ...(Array.isArray(parsed.trace) ? { trace: parsed.trace.map(String) } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * What `after` changed in `before`, one top-level key a line (`+` added, `~` changed, `-` removed), each value cut to
 * one line; the whole of `after` when either is not a JSON object.
 */
function changes(label: string, before: string | undefined, after: string | undefined, format: ValueFormat): string[] {
  if (after === undefined) return [];
  const from = jsonObject(before);
  const to = jsonObject(after);
  if (!from || !to) return value(label, after, format);
  const continuation = ' '.repeat(label.length);
  const entry = (sign: string, key: string, data?: unknown) =>
    data === undefined ? `${sign} ${key}` : `${sign} ${key}: ${cut(JSON.stringify(data), format.maxLength)}`;
  const changed = [
    ...Object.entries(to)
      .filter(([key, data]) => !(key in from) || JSON.stringify(from[key]) !== JSON.stringify(data))
      .map(([key, data]) => entry(key in from ? '~' : '+', key, data)),
    ...Object.keys(from)
      .filter((key) => !(key in to))
      .map((key) => entry('-', key)),
  ];
  if (changed.length === 0) return [`${label}unchanged`];
  return changed.map((line, index) => `${index === 0 ? label : continuation}${line}`);
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON document on one line cut to `maxLength`, or with `full`, pretty-printed whole. */
function value(label: string, text: string | undefined, format: ValueFormat): string[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (format.full) {
    const pretty = parsed === undefined ? text : JSON.stringify(parsed, null, 2);
    const [first = '', ...rest] = pretty.split('\n');
    const continuation = ' '.repeat(label.length);
    return [`${label}${first}`, ...rest.map((line) => `${continuation}${line}`)];
  }
  return [`${label}${cut(parsed === undefined ? text : JSON.stringify(parsed), format.maxLength)}`];
}

function cut(text: string, maxLength: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  if (oneLine.length <= maxLength) return oneLine;
  return `${oneLine.slice(0, maxLength)}… (${oneLine.length} chars, --full shows all)`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function offset(ms: number): string {
  return `+${duration(ms)}`;
}
