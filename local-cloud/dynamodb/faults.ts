/**
 * DynamoDB's faults (`faults/fault-plan.ts`), injected where a function's SDK call reaches the service. Only calls
 * made inside a saga are hit: the saga is found from the invocation that sent the request
 * (`FaultInjector.sagaOfRequest`), and the key of each decision names the table, the operation and the saga.
 */
import type { FaultInjector, FaultKind } from '../faults/fault-plan.js';
import { dynamoDbError } from './errors.js';
import { transactionCanceled } from './transactions.js';

/** The data-plane operations a fault can hit, by what they do. */
const FAULTABLE_OPERATIONS: Readonly<Record<string, 'read' | 'write' | 'transaction'>> = {
  GetItem: 'read',
  BatchGetItem: 'read',
  Query: 'read',
  Scan: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'transaction',
};

/** Runs `operation` as `dispatch` would, unless the plan injects a fault into this call of this saga. */
export async function dispatchWithFaults(
  dispatch: (operation: string, input: Record<string, unknown>) => Promise<unknown>,
  faults: FaultInjector,
  saga: string | undefined,
  operation: string,
  input: Record<string, unknown>,
): Promise<unknown> {
  const does = FAULTABLE_OPERATIONS[operation];
  if (saga === undefined || does === undefined) return dispatch(operation, input);
  const key = `${tableOf(input)}|${operation}|${saga}`;
  const injects = (kind: FaultKind) => faults.shouldInject(kind, key);
  if (injects('dynamodb.throughputExceeded')) {
    throw dynamoDbError(
      'ProvisionedThroughputExceededException',
      'The level of configured provisioned throughput for the table was exceeded (injected fault)',
    );
  }
  if (injects('dynamodb.internalError')) throw internalServerError();
  if (does !== 'read' && injects('dynamodb.transactionConflict')) {
    if (does === 'write') {
      throw dynamoDbError('TransactionConflictException', 'Transaction is ongoing for the item (injected fault)');
    }
    // A transaction meets another one on its first item; the others were not the reason.
    const items = Array.isArray(input.TransactItems) ? input.TransactItems : [];
    throw transactionCanceled(
      items.map((_item, index) =>
        index === 0
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item (injected fault)' }
          : { Code: 'None' },
      ),
    );
  }
  const result = await dispatch(operation, input);
  // The write is applied; only the answer is lost. AWS's own advice for a 500 is to retry, which must be safe.
  if (does !== 'read' && injects('dynamodb.internalErrorAfterWrite')) throw internalServerError();
  return result;
}

function internalServerError() {
  return dynamoDbError('InternalServerError', 'Internal server error (injected fault)', {}, 500);
}

/** The table a request is about: its `TableName`, or the first table of a batch or transaction. */
function tableOf(input: Record<string, unknown>): string {
  if (typeof input.TableName === 'string') return input.TableName;
  if (typeof input.RequestItems === 'object' && input.RequestItems !== null) {
    return Object.keys(input.RequestItems)[0] ?? '-';
  }
  const first = Array.isArray(input.TransactItems) ? (input.TransactItems[0] as Record<string, unknown>) : undefined;
  const request = first ? (Object.values(first)[0] as { TableName?: unknown } | undefined) : undefined;
  return typeof request?.TableName === 'string' ? request.TableName : '-';
}
