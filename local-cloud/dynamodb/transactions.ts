/**
 * `TransactWriteItems` and `TransactGetItems`, which dynalite lacks, built from its single-item operations.
 *
 * Design: every request that reaches dynalite through the listener runs under one `AsyncMutex`, so while a
 * transaction holds it nobody can observe or interleave with its intermediate states. Under the lock the transaction
 * reads the old image of each target item, then applies the actions one by one through dynalite with their own
 * conditions, so dynalite's condition and update evaluation is reused rather than re-implemented. Because every action
 * targets a distinct item and a condition can only refer to its own item, applying them in sequence decides each
 * condition exactly as evaluating all of them against the state before the transaction would. If any condition fails,
 * the remaining actions are still evaluated (so every failure is reported, like AWS) and then every applied action is
 * undone by writing its old image back (or deleting the item when there was none). A `ConditionCheck` is evaluated as
 * a conditional `UpdateItem` without an update expression: it rewrites an existing item unchanged, and when the item
 * did not exist the key-only item it creates is deleted at once.
 */
import type { AwsServiceError } from '../aws-protocol.js';
import type { DynaliteConnection, Item } from './dynalite-connection.js';
import { dynamoDbError, isConditionalCheckFailure, validationError } from './errors.js';
import type { ClientTokenRegistry } from './idempotency.js';
import type { AsyncMutex } from './mutex.js';
import { describeKeySchema, itemIdentity, keyOf, type TableKeySchema } from './table-keys.js';

const MAX_TRANSACTION_ACTIONS = 100;
const WRITE_ACTION_KINDS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;
type WriteActionKind = (typeof WRITE_ACTION_KINDS)[number];

interface WriteAction {
  kind: WriteActionKind;
  tableName: string;
  /** The action's members as sent, without `ReturnValuesOnConditionCheckFailure` (dynalite has no such member). */
  request: Record<string, unknown>;
  returnOldImageOnFailure: boolean;
}

interface PreparedWriteAction extends WriteAction {
  key: Item;
  oldImage: Item | undefined;
}

interface CancellationReason {
  Code: 'None' | 'ConditionalCheckFailed';
  Message?: string;
  Item?: Item;
}

export class TransactionEngine {
  constructor(
    private readonly connection: DynaliteConnection,
    private readonly mutex: AsyncMutex,
    private readonly clientTokens: ClientTokenRegistry,
  ) {}

  /** Applies all actions or none; see the module comment for how. */
  async transactWriteItems(input: Record<string, unknown>): Promise<unknown> {
    const actions = transactItemsOf(input).map(parseWriteAction);
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    return this.mutex.runExclusive(async () => {
      if (token !== undefined) {
        const earlierResponse = this.clientTokens.replay(token, input);
        if (earlierResponse !== undefined) return earlierResponse;
      }
      const prepared = await this.prepare(actions);
      await this.applyAllOrNothing(prepared);
      const response = {};
      if (token !== undefined) this.clientTokens.remember(token, input, response);
      return response;
    });
  }

  /** Reads every item under the lock, so the answer is one consistent snapshot. */
  async transactGetItems(input: Record<string, unknown>): Promise<unknown> {
    const gets = transactItemsOf(input).map((transactItem, index) => {
      const get = transactItem.Get;
      if (!isRecord(get) || Object.keys(transactItem).length !== 1) {
        throw validationError(`TransactItems[${index}] must contain exactly one Get`);
      }
      return get;
    });
    return this.mutex.runExclusive(async () => {
      const responses: Array<{ Item?: Item }> = [];
      for (const get of gets) {
        const { Item: item } = await this.connection.call<{ Item?: Item }>('GetItem', { ...get, ConsistentRead: true });
        responses.push(item ? { Item: item } : {});
      }
      return { Responses: responses };
    });
  }

  private async prepare(actions: WriteAction[]): Promise<PreparedWriteAction[]> {
    const schemas = new Map<string, TableKeySchema>();
    const identities = new Set<string>();
    const prepared: PreparedWriteAction[] = [];
    for (const action of actions) {
      let schema = schemas.get(action.tableName);
      if (!schema) {
        schema = await describeKeySchema(this.connection, action.tableName);
        schemas.set(action.tableName, schema);
      }
      const key = keyOf((action.kind === 'Put' ? action.request.Item : action.request.Key) as Item, schema);
      const identity = itemIdentity(key, schema);
      if (identities.has(identity)) {
        throw validationError('Transaction request cannot include multiple operations on one item');
      }
      identities.add(identity);
      prepared.push({ ...action, key, oldImage: undefined });
    }
    for (const action of prepared) {
      const { Item: oldImage } = await this.connection.call<{ Item?: Item }>('GetItem', {
        TableName: action.tableName,
        Key: action.key,
        ConsistentRead: true,
      });
      action.oldImage = oldImage;
    }
    return prepared;
  }

  private async applyAllOrNothing(actions: PreparedWriteAction[]): Promise<void> {
    const applied: PreparedWriteAction[] = [];
    const reasons: CancellationReason[] = [];
    try {
      for (const action of actions) {
        reasons.push(await this.apply(action, applied));
      }
    } catch (error) {
      await this.undo(applied);
      throw error;
    }
    if (reasons.every((reason) => reason.Code === 'None')) return;
    await this.undo(applied);
    throw transactionCanceled(reasons);
  }

  /** Applies one action, recording in `applied` what must be undone if the transaction is cancelled. */
  private async apply(action: PreparedWriteAction, applied: PreparedWriteAction[]): Promise<CancellationReason> {
    try {
      if (action.kind === 'ConditionCheck') {
        const { Key, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = action.request;
        await this.connection.call('UpdateItem', {
          TableName: action.tableName,
          Key,
          ConditionExpression,
          ExpressionAttributeNames,
          ExpressionAttributeValues,
        });
        if (!action.oldImage) await this.restore(action);
      } else {
        await this.connection.call(`${action.kind}Item`, action.request);
        applied.push(action);
      }
      return { Code: 'None' };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      return {
        Code: 'ConditionalCheckFailed',
        Message: (error as AwsServiceError).message || 'The conditional request failed',
        ...(action.returnOldImageOnFailure && action.oldImage ? { Item: action.oldImage } : {}),
      };
    }
  }

  private async undo(applied: PreparedWriteAction[]): Promise<void> {
    for (const action of [...applied].reverse()) await this.restore(action);
  }

  private async restore(action: PreparedWriteAction): Promise<void> {
    if (action.oldImage) {
      await this.connection.call('PutItem', { TableName: action.tableName, Item: action.oldImage });
    } else {
      await this.connection.call('DeleteItem', { TableName: action.tableName, Key: action.key });
    }
  }
}

function transactItemsOf(input: Record<string, unknown>): Record<string, unknown>[] {
  const items = input.TransactItems;
  if (!Array.isArray(items) || items.length === 0) {
    throw validationError(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  if (items.length > MAX_TRANSACTION_ACTIONS) {
    throw validationError(
      "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${MAX_TRANSACTION_ACTIONS}`,
    );
  }
  return items.map((item, index) => {
    if (!isRecord(item)) throw validationError(`TransactItems[${index}] must be an object`);
    return item;
  });
}

function parseWriteAction(transactItem: Record<string, unknown>, index: number): WriteAction {
  const present = WRITE_ACTION_KINDS.filter((kind) => transactItem[kind] !== undefined);
  const kind = present[0];
  const body = kind ? transactItem[kind] : undefined;
  if (present.length !== 1 || kind === undefined || !isRecord(body)) {
    throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  const { ReturnValuesOnConditionCheckFailure: returnValues, ...request } = body;
  const tableName = request.TableName;
  if (typeof tableName !== 'string' || tableName.length === 0) {
    throw validationError(`TransactItems[${index}].${kind}.TableName is required`);
  }
  if (kind === 'Put' ? !isRecord(request.Item) : !isRecord(request.Key)) {
    throw validationError(`TransactItems[${index}].${kind}.${kind === 'Put' ? 'Item' : 'Key'} is required`);
  }
  if (kind === 'ConditionCheck' && typeof request.ConditionExpression !== 'string') {
    throw validationError(`TransactItems[${index}].ConditionCheck.ConditionExpression is required`);
  }
  if (kind === 'Update' && request.UpdateExpression === undefined) {
    throw validationError(`TransactItems[${index}].Update.UpdateExpression is required`);
  }
  return { kind, tableName, request, returnOldImageOnFailure: returnValues === 'ALL_OLD' };
}

function transactionCanceled(reasons: CancellationReason[]): AwsServiceError {
  return dynamoDbError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
