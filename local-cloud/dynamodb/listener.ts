/**
 * The `RequestListener` the edge server mounts for `X-Amz-Target: DynamoDB_20120810.*`. Transactions and TTL are
 * answered by the local cloud; every other operation runs on dynalite in-process. Writes go through the item locks
 * (`item-locks.ts`), so that they conflict with transactions as on DynamoDB.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AwsServiceError, type EdgeRequestGuard, readBody, sendAwsError, sendJson } from '../aws-protocol.js';
import type { FaultInjector } from '../faults/fault-plan.js';
import type { UsageMeter } from '../metering.js';
import { DynaliteEngine, type Item } from './dynalite-engine.js';
import { dynamoDbError, isConditionalCheckFailure } from './errors.js';
import { DynamoDbFaults } from './faults.js';
import type { ItemStore } from './item-store.js';
import { withTableNames } from './table-arns.js';
import { withAwsCreateTableError, withAwsTableDescription } from './table-description.js';
import { itemIdentity, keyOf } from './table-keys.js';
import type { TimeToLive } from './time-to-live.js';
import type { TransactionEngine } from './transactions.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Operations after which a table's key schema may have changed (or the table be gone). */
const TABLE_LIFECYCLE = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);
/** Operations that answer a table description. */
const TABLE_DESCRIBED = new Set(['CreateTable', 'DeleteTable', 'DescribeTable', 'UpdateTable']);

/** Operations whose answers report the capacity they consumed, and which kind. */
const CAPACITY_KIND: Readonly<Record<string, 'read' | 'write'>> = {
  GetItem: 'read',
  BatchGetItem: 'read',
  Query: 'read',
  Scan: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
};

export interface ListenerParts extends ItemStore {
  /** Counts the request units DynamoDB on demand bills. */
  meter?: Pick<UsageMeter, 'add'>;
  transactions: TransactionEngine;
  timeToLive: TimeToLive;
  log: (line: string) => void;
}

type Operation = (input: Record<string, unknown>) => Promise<unknown>;

/** Runs one DynamoDB operation on a parsed request: what the listener serves, and what other services call. */
export type DynamoDbDispatch = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

export function dynamoDbDispatch(parts: ListenerParts): DynamoDbDispatch {
  const operations: Record<string, Operation> = {
    TransactWriteItems: (input) => parts.transactions.transactWriteItems(input),
    TransactGetItems: (input) => parts.transactions.transactGetItems(input),
    DescribeTimeToLive: (input) => parts.timeToLive.describeTimeToLive(input),
    UpdateTimeToLive: (input) => parts.timeToLive.updateTimeToLive(input),
    PutItem: (input) => singleItemWrite(parts, 'PutItem', input),
    UpdateItem: (input) => singleItemWrite(parts, 'UpdateItem', input),
    DeleteItem: (input) => singleItemWrite(parts, 'DeleteItem', input),
    BatchWriteItem: (input) => batchWrite(parts, input),
  };
  const runNamed = async (operation: string, input: Record<string, unknown>) => {
    const local = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (local) return local(input);
    if (!DynaliteEngine.supports(operation)) {
      throw new AwsServiceError('com.amazon.coral.service#UnknownOperationException', '');
    }
    let result: unknown;
    try {
      result = await parts.engine.call(operation, input);
    } catch (error) {
      throw operation === 'CreateTable' ? withAwsCreateTableError(error, input) : error;
    }
    if (TABLE_LIFECYCLE.has(operation)) forgetTable(parts, operation, input);
    return TABLE_DESCRIBED.has(operation) ? withAwsTableDescription(operation, result) : result;
  };
  // Table ARNs become names before anything else looks at the request (table-arns.ts).
  const run = async (operation: string, input: Record<string, unknown>) => {
    const named = withTableNames(operation, input);
    return named.restore(await runNamed(operation, named.input));
  };
  const meter = parts.meter;
  if (!meter) return run;
  return async (operation, input) => {
    const kind = CAPACITY_KIND[operation];
    if (!kind) return run(operation, input);
    // Ask dynalite for the consumed capacity on every request, and hand it back only to callers that asked.
    const asked = input.ReturnConsumedCapacity;
    if (asked !== 'TOTAL' && asked !== 'INDEXES') input.ReturnConsumedCapacity = 'TOTAL';
    const result = (await run(operation, input)) as { ConsumedCapacity?: unknown };
    const consumed = [result.ConsumedCapacity ?? []].flat() as Array<{ CapacityUnits?: number }>;
    const units = consumed.reduce((total, entry) => total + (entry.CapacityUnits ?? 0), 0);
    meter.add(kind === 'read' ? 'dynamodb.readRequestUnits' : 'dynamodb.writeRequestUnits', units);
    if (asked !== 'TOTAL' && asked !== 'INDEXES') delete result.ConsumedCapacity;
    return result;
  };
}

/** Serves the wire protocol; with `faults`, requests sent from inside a saga may meet the plan's DynamoDB faults. */
export function createDynamoDbListener(
  dispatch: DynamoDbDispatch,
  log: (line: string) => void,
  faults?: FaultInjector,
  guard?: EdgeRequestGuard,
): RequestListener {
  const faulty = faults ? new DynamoDbFaults(faults) : undefined;
  return (req, res) => {
    const serve: DynamoDbDispatch = faulty
      ? (operation, input) =>
          faulty.dispatch(dispatch, faulty.invocationOfRequest(req.headers['x-amzn-trace-id']), operation, input)
      : dispatch;
    void handle(serve, req, res, guard).catch((error: unknown) => {
      log(`dynamodb: request failed: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent) {
        sendAwsError(res, dynamoDbError('InternalServerError', 'Internal server error', {}, 500), CONTENT_TYPE);
      }
    });
  };
}

async function handle(
  dispatch: DynamoDbDispatch,
  req: IncomingMessage,
  res: ServerResponse,
  guard: EdgeRequestGuard | undefined,
): Promise<void> {
  const body = await readBody(req);
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.split('.')[1] ?? '';
  res.setHeader('x-amzn-requestid', randomUUID());
  try {
    const input = parseJson(body);
    await guard?.(req.headers, target, input);
    sendJson(res, 200, await dispatch(operation, input), CONTENT_TYPE);
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    sendAwsError(res, error, CONTENT_TYPE);
  }
}

function forgetTable(parts: ListenerParts, operation: string, input: Record<string, unknown>): void {
  const tableName = String(input.TableName);
  parts.keys.forget(tableName);
  if (operation === 'DeleteTable') parts.timeToLive.forget(tableName);
}

/**
 * PutItem, UpdateItem or DeleteItem: refused with `TransactionConflictException` while a transaction holds the
 * item, else run after the earlier writes to it.
 */
async function singleItemWrite(parts: ListenerParts, operation: string, input: Record<string, unknown>) {
  // Read before validation, which drops the members dynalite does not know.
  const returnItemOnFailure = input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
  const validated = parts.engine.validate(operation, input);
  const identity = await identityOf(parts, String(validated.TableName), (validated.Item ?? validated.Key) as Item);
  // An unknown table or a malformed key: dynalite answers the request with the error AWS gives.
  if (identity === undefined) return parts.engine.run(operation, validated);
  if (parts.locks.heldByTransaction([identity]).length > 0) {
    throw dynamoDbError('TransactionConflictException', 'Transaction is ongoing for the item');
  }
  return parts.locks.write([identity], async () => {
    try {
      return await parts.engine.run(operation, validated);
    } catch (error) {
      if (!returnItemOnFailure || !isConditionalCheckFailure(error)) throw error;
      throw await withCurrentItem(parts, error as AwsServiceError, validated);
    }
  });
}

/**
 * dynalite ignores `ReturnValuesOnConditionCheckFailure` on single-item writes; AWS then puts the current item into
 * the `ConditionalCheckFailedException` (Powertools idempotency relies on it). Read while the write still holds the
 * item, so the item is the one the condition was evaluated against.
 */
async function withCurrentItem(
  parts: ListenerParts,
  failure: AwsServiceError,
  validated: Record<string, unknown>,
): Promise<AwsServiceError> {
  const tableName = String(validated.TableName);
  const key = validated.Key ?? keyOf(validated.Item as Item, await parts.keys.of(tableName));
  const { Item: current } = await parts.engine.call<{ Item?: Item }>('GetItem', {
    TableName: tableName,
    Key: key,
    ConsistentRead: true,
  });
  if (!current) return failure;
  return new AwsServiceError(failure.code, failure.message, failure.statusCode, { ...failure.extra, Item: current });
}

/**
 * BatchWriteItem: a request for an item a transaction holds is not processed (it comes back in `UnprocessedItems`,
 * for the caller to retry, as with any item BatchWriteItem could not write); the others run after the earlier
 * writes to their items.
 */
async function batchWrite(parts: ListenerParts, input: Record<string, unknown>) {
  const validated = parts.engine.validate('BatchWriteItem', input);
  const requestItems = validated.RequestItems as Record<string, Record<string, { Item?: Item; Key?: Item }>[]>;
  const accepted: Record<string, unknown[]> = {};
  const deferred: Record<string, unknown[]> = {};
  const identities: string[] = [];
  for (const [tableName, requests] of Object.entries(requestItems)) {
    for (const request of requests) {
      const target = request.PutRequest?.Item ?? request.DeleteRequest?.Key;
      const identity = target ? await identityOf(parts, tableName, target) : undefined;
      // Unknown tables and malformed keys: dynalite refuses the whole request as AWS does.
      if (identity === undefined) return parts.engine.run('BatchWriteItem', validated);
      const held = parts.locks.heldByTransaction([identity]).length > 0;
      (held ? deferred : accepted)[tableName] ??= [];
      (held ? deferred : accepted)[tableName]?.push(request);
      if (!held) identities.push(identity);
    }
  }
  if (identities.length === 0) return { UnprocessedItems: deferred };
  const result = await parts.locks.write(identities, () =>
    parts.engine.call<{ UnprocessedItems?: Record<string, unknown[]> }>('BatchWriteItem', {
      ...input,
      RequestItems: accepted,
    }),
  );
  const unprocessed = { ...(result.UnprocessedItems ?? {}) };
  for (const [tableName, requests] of Object.entries(deferred)) {
    unprocessed[tableName] = [...(unprocessed[tableName] ?? []), ...requests];
  }
  return { ...result, UnprocessedItems: unprocessed };
}

/** The item's identity, or `undefined` when the table is unknown or the key incomplete. */
async function identityOf(parts: ListenerParts, tableName: string, itemOrKey: Item): Promise<string | undefined> {
  try {
    const schema = await parts.keys.of(tableName);
    return itemIdentity(keyOf(itemOrKey, schema), schema);
  } catch {
    return undefined;
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.length === 0) throw new AwsServiceError('com.amazon.coral.service#SerializationException', '');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new AwsServiceError('com.amazon.coral.service#SerializationException', 'Request body is not valid JSON');
  }
}
