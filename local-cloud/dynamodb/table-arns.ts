/**
 * Table name overloading: since 2023 every DynamoDB operation that names a table accepts the table's ARN
 * (`arn:aws:dynamodb:<region>:<account>:table/<name>`) in `TableName`, in `RequestItems` keys and in transaction items
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-iam-actions.html). dynalite knows only names,
 * so requests are rewritten to names before they run, and the answers keyed by table (batch operations) are keyed
 * again by what the caller sent.
 *
 * The local cloud has one account and one region: an ARN of another account is refused as AWS refuses a principal
 * that no resource-based policy lets in (`AccessDeniedException`); one of another region of this account names a table
 * that does not exist here (`ResourceNotFoundException`).
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';
import { dynamoDbError } from './errors.js';

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([^:]*):([^:]*):table\/([^/]+)$/;
/** The IAM action of each kind of transaction item, for the refusal of another account's table. */
const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};
/** Members of batch answers that are maps keyed by table. */
const KEYED_BY_TABLE = ['Responses', 'UnprocessedKeys', 'UnprocessedItems', 'ItemCollectionMetrics'] as const;

type Input = Record<string, unknown>;

/** The request with table names instead of ARNs, and how to key its answer by what the caller sent. */
export interface NamedRequest {
  input: Input;
  restore(result: unknown): unknown;
}

/** Rewrites every table ARN of `input` to its table name; throws AWS's error for an ARN of another account or region. */
export function withTableNames(operation: string, input: Input): NamedRequest {
  const unchanged: NamedRequest = { input, restore: (result) => result };
  if (operation === 'CreateTable') return unchanged;
  if (typeof input.TableName === 'string' && input.TableName.startsWith('arn:')) {
    return { input: { ...input, TableName: tableNameOf(input.TableName, operation) }, restore: (result) => result };
  }
  if (isRecord(input.RequestItems)) {
    const sent = new Map<string, string>();
    const requestItems: Input = {};
    for (const [table, requests] of Object.entries(input.RequestItems)) {
      const name = table.startsWith('arn:') ? tableNameOf(table, operation) : table;
      if (name !== table) sent.set(name, table);
      requestItems[name] = requests;
    }
    if (sent.size === 0) return unchanged;
    return { input: { ...input, RequestItems: requestItems }, restore: (result) => keyedAsSent(result, sent) };
  }
  if (Array.isArray(input.TransactItems)) {
    let changed = false;
    const transactItems = input.TransactItems.map((item: unknown) => {
      if (!isRecord(item)) return item;
      const rewritten: Input = {};
      for (const [kind, action] of Object.entries(item)) {
        const table = isRecord(action) ? action.TableName : undefined;
        if (typeof table === 'string' && table.startsWith('arn:')) {
          changed = true;
          rewritten[kind] = {
            ...(action as Input),
            TableName: tableNameOf(table, TRANSACT_ACTIONS[kind] ?? operation),
          };
        } else {
          rewritten[kind] = action;
        }
      }
      return rewritten;
    });
    return changed ? { input: { ...input, TransactItems: transactItems }, restore: (result) => result } : unchanged;
  }
  return unchanged;
}

/** The table name of an ARN of this account and region; another ARN answers AWS's error; a malformed one is kept. */
function tableNameOf(value: string, operation: string): string {
  const match = TABLE_ARN.exec(value);
  if (!match) return value;
  const [, region, account, name = value] = match;
  if (account !== LOCAL_ACCOUNT_ID) {
    throw dynamoDbError(
      'AccessDeniedException',
      `User: arn:aws:iam::${LOCAL_ACCOUNT_ID}:root is not authorized to perform: dynamodb:${operation} on resource: ` +
        `${value} because no resource-based policy allows the dynamodb:${operation} action`,
    );
  }
  if (region !== LOCAL_REGION) {
    throw dynamoDbError('ResourceNotFoundException', 'Requested resource not found');
  }
  return name;
}

function keyedAsSent(result: unknown, sent: ReadonlyMap<string, string>): unknown {
  if (!isRecord(result)) return result;
  const restored: Input = { ...result };
  for (const member of KEYED_BY_TABLE) {
    const map = result[member];
    if (!isRecord(map)) continue;
    restored[member] = Object.fromEntries(Object.entries(map).map(([name, value]) => [sent.get(name) ?? name, value]));
  }
  return restored;
}

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
