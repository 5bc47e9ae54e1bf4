/**
 * DynamoDB's faults (`faults/fault-plan.ts`), injected where a function's SDK call reaches the service. Only calls
 * made inside a saga are hit: the saga is found from the invocation that sent the request
 * (`FaultInjector.invocationOfRequest`), and the key of each decision names the calling function, the table, the
 * operation and the saga.
 */
import type { FaultInjector, FaultKind, SagaInvocation } from '../faults/fault-plan.js';
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

type Dispatch = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

/**
 * Decides and raises DynamoDB's faults for one local DynamoDB. A transaction conflict needs a transaction: it hits
 * transactions, and single-item writes to tables that transactions write (only there can a write meet one).
 */
export class DynamoDbFaults {
  private readonly tablesWrittenByTransactions = new Set<string>();

  constructor(private readonly faults: FaultInjector) {}

  /** The invocation that sent a request, from its `X-Amzn-Trace-Id` header. */
  invocationOfRequest(traceHeader: string | string[] | undefined): SagaInvocation | undefined {
    return this.faults.invocationOfRequest(traceHeader);
  }

  /** Runs `operation` as `dispatch` would, unless the plan injects a fault into this call of this saga. */
  async dispatch(
    dispatch: Dispatch,
    invocation: SagaInvocation | undefined,
    operation: string,
    input: Record<string, unknown>,
  ): Promise<unknown> {
    const does = FAULTABLE_OPERATIONS[operation];
    if (does === 'transaction') for (const table of tablesOf(input)) this.tablesWrittenByTransactions.add(table);
    if (invocation === undefined || does === undefined) return dispatch(operation, input);
    const table = tableOf(input);
    const key = `${invocation.caller}|${table}|${operation}|${invocation.saga}`;
    const injects = (kind: FaultKind) => this.faults.shouldInject(kind, key);
    if (injects('dynamodb.throughputExceeded')) {
      throw dynamoDbError(
        'ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded (injected fault)',
      );
    }
    if (injects('dynamodb.internalError')) throw internalServerError();
    const canConflict = does === 'transaction' || (does === 'write' && this.tablesWrittenByTransactions.has(table));
    if (canConflict && injects('dynamodb.transactionConflict')) throw transactionConflict(does, input);
    const result = await dispatch(operation, input);
    // The write is applied; only the answer is lost. AWS's own advice for a 500 is to retry, which must be safe.
    if (does !== 'read' && injects('dynamodb.internalErrorAfterWrite')) throw internalServerError();
    return result;
  }
}

function transactionConflict(does: 'write' | 'transaction', input: Record<string, unknown>) {
  if (does === 'write') {
    return dynamoDbError('TransactionConflictException', 'Transaction is ongoing for the item (injected fault)');
  }
  // A transaction meets another one on its first item; the others were not the reason.
  const items = Array.isArray(input.TransactItems) ? input.TransactItems : [];
  return transactionCanceled(
    items.map((_item, index) =>
      index === 0
        ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item (injected fault)' }
        : { Code: 'None' },
    ),
  );
}

function internalServerError() {
  return dynamoDbError('InternalServerError', 'Internal server error (injected fault)', {}, 500);
}

/** The table a request is about: its `TableName`, or the first table of a batch or transaction. */
function tableOf(input: Record<string, unknown>): string {
  return tablesOf(input)[0] ?? '-';
}

/** Every table a request names. */
function tablesOf(input: Record<string, unknown>): string[] {
  return namedTablesOf(input).map((table) => table.replace(TABLE_ARN_PREFIX, ''));
}

/** What a table ARN has before the table name (a fault plan targets tables by name). */
const TABLE_ARN_PREFIX = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\//;

function namedTablesOf(input: Record<string, unknown>): string[] {
  if (typeof input.TableName === 'string') return [input.TableName];
  if (typeof input.RequestItems === 'object' && input.RequestItems !== null) return Object.keys(input.RequestItems);
  const items = Array.isArray(input.TransactItems) ? (input.TransactItems as Record<string, unknown>[]) : [];
  return items.flatMap((item) =>
    Object.values(item).flatMap((request) => {
      const table = (request as { TableName?: unknown } | undefined)?.TableName;
      return typeof table === 'string' ? [table] : [];
    }),
  );
}
