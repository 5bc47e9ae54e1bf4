/**
 * The `RequestListener` the edge server mounts for `X-Amz-Target: DynamoDB_20120810.*`. Operations dynalite lacks are
 * answered here; everything else is forwarded to dynalite and its answer relayed unchanged.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AwsServiceError, readBody, sendAwsError, sendJson } from '../aws-protocol.js';
import { type DynaliteConnection, type Item, type RawResponse, withoutHopByHopHeaders } from './dynalite-connection.js';
import { dynamoDbError } from './errors.js';
import type { AsyncMutex } from './mutex.js';
import { describeKeySchema, keyOf } from './table-keys.js';
import type { TimeToLive } from './time-to-live.js';
import type { TransactionEngine } from './transactions.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const SINGLE_ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

export interface ListenerParts {
  connection: DynaliteConnection;
  mutex: AsyncMutex;
  transactions: TransactionEngine;
  timeToLive: TimeToLive;
  log: (line: string) => void;
}

type LocalOperation = (input: Record<string, unknown>) => Promise<unknown>;

export function createDynamoDbListener(parts: ListenerParts): RequestListener {
  const localOperations: Record<string, LocalOperation> = {
    TransactWriteItems: (input) => parts.transactions.transactWriteItems(input),
    TransactGetItems: (input) => parts.transactions.transactGetItems(input),
    DescribeTimeToLive: (input) => parts.timeToLive.describeTimeToLive(input),
    UpdateTimeToLive: (input) => parts.timeToLive.updateTimeToLive(input),
  };
  return (req, res) => {
    void handle(parts, localOperations, req, res).catch((error: unknown) => {
      parts.log(`dynamodb: request failed: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent) {
        sendAwsError(res, dynamoDbError('InternalServerError', 'Internal server error', {}, 500), CONTENT_TYPE);
      }
    });
  };
}

async function handle(
  parts: ListenerParts,
  localOperations: Record<string, LocalOperation>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  const localOperation = localOperations[operation];
  if (localOperation) {
    try {
      sendJson(res, 200, await localOperation(parseJson(body)), CONTENT_TYPE);
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      sendAwsError(res, error, CONTENT_TYPE);
    }
    return;
  }
  // Every forwarded call takes the lock too, so no read or write ever observes a transaction half applied.
  const response = await parts.mutex.runExclusive(async () => {
    const answer = await parts.connection.forward(req.method ?? 'POST', req.url ?? '/', req.headers, body);
    return answer.statusCode === 200 ? answer : await explainFailure(parts, operation, body, answer);
  });
  if (operation === 'DeleteTable' && response.statusCode === 200) {
    parts.timeToLive.forget(String(parseJson(body).TableName));
  }
  res.writeHead(response.statusCode, {
    ...withoutHopByHopHeaders(response.headers),
    'content-length': response.body.length,
  });
  res.end(response.body);
}

/**
 * dynalite ignores `ReturnValuesOnConditionCheckFailure` on single-item writes; AWS then puts the current item into
 * the `ConditionalCheckFailedException` (Powertools idempotency relies on it). Still under the lock, so the item read
 * is the one the condition was evaluated against.
 */
async function explainFailure(
  parts: ListenerParts,
  operation: string,
  body: Buffer,
  answer: RawResponse,
): Promise<RawResponse> {
  if (!SINGLE_ITEM_WRITES.has(operation)) return answer;
  const input = tryParseJson(body);
  if (input?.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') return answer;
  const failure = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  if (!String(failure.__type).endsWith('#ConditionalCheckFailedException')) return answer;
  const tableName = String(input.TableName);
  const key =
    operation === 'PutItem'
      ? keyOf(input.Item as Item, await describeKeySchema(parts.connection, tableName))
      : input.Key;
  const { Item: current } = await parts.connection.call<{ Item?: Item }>('GetItem', {
    TableName: tableName,
    Key: key,
    ConsistentRead: true,
  });
  if (!current) return answer;
  const augmented = Buffer.from(JSON.stringify({ ...failure, Item: current }));
  return { ...answer, headers: withoutChecksum(answer.headers), body: augmented };
}

/** The SDK verifies `x-amz-crc32` against the body, so a rewritten body must not carry the old checksum. */
function withoutChecksum(headers: RawResponse['headers']): RawResponse['headers'] {
  const { 'x-amz-crc32': _checksum, ...rest } = headers;
  return rest;
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const text = body.toString('utf8');
    return text.length === 0 ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    throw new AwsServiceError('com.amazon.coral.service#SerializationException', 'Request body is not valid JSON');
  }
}

function tryParseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    return parseJson(body);
  } catch {
    return undefined;
  }
}
