/**
 * PutEvents request checks, in the order and with the wording AWS uses: whole-request limits answer
 * `ValidationException`; a bad entry only fails that entry (`ErrorCode` / `ErrorMessage` in the response).
 */
import { AwsServiceError } from '../aws-protocol.js';

/** One PutEvents entry, as the SDK sends it (`Time` is a Date programmatically, epoch seconds on the wire). */
export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: Date | number | string;
  EventBusName?: string;
  TraceHeader?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** An entry that passed the checks, ready to become an event. */
export interface AcceptedEntry {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly resources: string[];
  readonly time: Date | undefined;
  readonly eventBusName: string;
}

const MAX_ENTRIES_PER_CALL = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

/** Entry size as AWS counts it toward the 256 KB limit. */
function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (typeof text === 'string') size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/** Whole-request checks; throws `ValidationException` like AWS. */
export function checkPutEventsRequest(entries: unknown): asserts entries is PutEventsRequestEntry[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new AwsServiceError('ValidationException', 'Entries must contain at least 1 entry');
  }
  if (entries.length > MAX_ENTRIES_PER_CALL) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES_PER_CALL}`,
    );
  }
  if (!entries.every((entry) => typeof entry === 'object' && entry !== null)) {
    throw new AwsServiceError('ValidationException', 'Every entry must be an object');
  }
  const total = (entries as PutEventsRequestEntry[]).reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > MAX_REQUEST_BYTES) {
    throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
  }
}

function invalid(parameter: string, reason: string): PutEventsResultEntry {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}` };
}

function parseTime(time: PutEventsRequestEntry['Time']): Date | undefined | 'invalid' {
  if (time === undefined || time === null) return undefined;
  const date = time instanceof Date ? time : typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? 'invalid' : date;
}

/** Checks one entry; returns the accepted form or the per-entry error AWS would report. */
export function checkEntry(entry: PutEventsRequestEntry): AcceptedEntry | PutEventsResultEntry {
  if (typeof entry.Source !== 'string' || entry.Source.length === 0) {
    return invalid('Source', 'Source is a required argument.');
  }
  if (typeof entry.DetailType !== 'string' || entry.DetailType.length === 0) {
    return invalid('DetailType', 'DetailType is a required argument.');
  }
  if (typeof entry.Detail !== 'string' || entry.Detail.length === 0) {
    return invalid('Detail', 'Detail is a required argument.');
  }
  // Sources under aws. belong to AWS services; custom events may not use them.
  if (entry.Source.toLowerCase().startsWith('aws.')) {
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((resource) => typeof resource === 'string')) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  const time = parseTime(entry.Time);
  if (time === 'invalid') return invalid('Time', 'Time is not a valid timestamp.');
  return {
    source: entry.Source,
    detailType: entry.DetailType,
    detail: detail as Record<string, unknown>,
    resources,
    time,
    eventBusName: entry.EventBusName === undefined || entry.EventBusName === '' ? 'default' : entry.EventBusName,
  };
}

export function isAccepted(result: AcceptedEntry | PutEventsResultEntry): result is AcceptedEntry {
  return 'source' in result;
}
