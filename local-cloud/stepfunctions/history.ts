/** The execution history of one execution, in AWS `GetExecutionHistory` shape, with its paging. */
import { AwsServiceError } from '../aws-protocol.js';
import type { HistoryEvent } from './types.js';

const DATA_FIELDS = new Set(['input', 'output', 'parameters', 'inputDetails', 'outputDetails']);
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export interface HistoryPageRequest {
  reverseOrder?: boolean;
  maxResults?: number;
  nextToken?: string;
  includeExecutionData?: boolean;
}

export class ExecutionHistory {
  private readonly events: HistoryEvent[];
  private closed: boolean;

  constructor(restored?: HistoryEvent[]) {
    this.events = restored ?? [];
    this.closed = restored !== undefined;
  }

  /**
   * Appends an event; `details` go under the member AWS uses for that type (e.g. `taskScheduledEventDetails`).
   * Ignored once the execution closed, so a late task settlement cannot follow `ExecutionAborted`.
   */
  append(type: string, details?: Record<string, unknown>, atMs = Date.now()): void {
    if (this.closed) return;
    const previous = this.events.at(-1);
    // Events are appended in causal order; the clock must not make them look otherwise.
    const timestamp = Math.max(atMs / 1000, previous?.timestamp ?? 0);
    const id = this.events.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp, type };
    if (details !== undefined) event[detailsMemberFor(type)] = withoutUndefined(details);
    this.events.push(event);
  }

  /** No more events after this one (the terminal Execution* event). */
  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  all(): readonly HistoryEvent[] {
    return this.events;
  }

  /** One page of `GetExecutionHistory`; `nextToken` is an opaque offset bound to this history. */
  page(executionArn: string, request: HistoryPageRequest): { events: HistoryEvent[]; nextToken?: string } {
    const pageSize =
      request.maxResults === undefined || request.maxResults === 0 ? DEFAULT_PAGE_SIZE : request.maxResults;
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw new AwsServiceError('ValidationException', `maxResults must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const start = request.nextToken === undefined ? 0 : decodePageToken(request.nextToken, executionArn);
    const ordered = request.reverseOrder ? [...this.events].reverse() : this.events;
    const slice = ordered.slice(start, start + pageSize);
    const events = request.includeExecutionData === false ? slice.map(withoutExecutionData) : slice;
    const next = start + pageSize;
    return next < ordered.length ? { events, nextToken: encodePageToken(executionArn, next) } : { events };
  }
}

/** `TaskScheduled` → `taskScheduledEventDetails`; every `*StateEntered` / `*StateExited` shares one member. */
function detailsMemberFor(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${lowerFirst(type)}EventDetails`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function withoutUndefined(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}

function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const stripped: HistoryEvent = { ...event };
  for (const [member, value] of Object.entries(event)) {
    if (member.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      stripped[member] = Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.has(field)));
    }
  }
  return stripped;
}

/** Opaque page tokens of the List and GetExecutionHistory operations: `{ scope, offset }` in base64url. */
export function encodePageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ scope, offset })).toString('base64url');
}

export function decodePageToken(token: string, scope: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      scope?: unknown;
      offset?: unknown;
    };
    if (decoded.scope === scope && typeof decoded.offset === 'number' && Number.isInteger(decoded.offset)) {
      return decoded.offset;
    }
  } catch {
    // Falls through to the AWS answer for a token it did not issue.
  }
  throw new AwsServiceError('InvalidToken', 'Invalid Token');
}
