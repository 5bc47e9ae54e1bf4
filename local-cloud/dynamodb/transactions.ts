/**
 * `TransactWriteItems` and `TransactGetItems`, which dynalite lacks, built from its single-item operations.
 *
 * Like DynamoDB, transactions are optimistic: items are not locked while a transaction reads and decides, only while
 * it applies its writes. A write transaction
 * 1. validates every action as the single-item request it stands for (so a malformed action fails the whole request
 *    with dynalite's `ValidationException`, before anything else; an item over 400 KB cancels it with a
 *    `ValidationError` reason for its action, as DynamoDB does);
 * 2. is cancelled with a `TransactionConflict` reason if another transaction is applying to one of its items;
 * 3. reads the current image of every item and evaluates every condition against it, with dynalite's condition
 *    evaluator: if any fails, it is cancelled, with one reason per action and nothing written;
 * 4. takes its items in the item locks (`item-locks.ts`), which refuses writes outside transactions to them with
 *    `TransactionConflictException` until it is done; if another transaction took one first, or any of its items
 *    was written since step 3, it is cancelled with `TransactionConflict` (the caller retries, as on DynamoDB);
 * 5. applies the writes one by one through dynalite. Only a failure of the update itself (an arithmetic on a
 *    string, an item grown over 400 KB) can still stop it here: the writes already applied are undone and it is
 *    cancelled with a `ValidationError` reason, as DynamoDB reports such failures.
 * Because conditions are decided before anything is written, a reader never sees the write of a transaction that is
 * then cancelled for a condition.
 *
 * A read transaction is cancelled with `TransactionConflict` if a write to one of its items is in progress when it
 * starts or lands while it reads, so its answer is always one consistent snapshot.
 */
import type { AwsServiceError } from '../aws-protocol.js';
import type { UsageMeter } from '../metering.js';
import type { Item } from './dynalite-engine.js';
import { dynamoDbError, isConditionalCheckFailure, validationError } from './errors.js';
import type { ClientTokenRegistry } from './idempotency.js';
import type { ItemLocks } from './item-locks.js';
import type { ItemStore } from './item-store.js';
import { itemIdentity, keyOf } from './table-keys.js';

const MAX_TRANSACTION_ACTIONS = 100;
/**
 * Refusals that concern the item an action writes, not the request: DynamoDB cancels the transaction with a
 * `ValidationError` reason for them (API_TransactWriteItems.html, "An item size becomes too large").
 */
const ITEM_VALIDATION_FAILURE = /^Item size (to update )?has exceeded the maximum allowed size$/;
const WRITE_ACTION_KINDS = ['ConditionCheck', 'Put', 'Delete', 'Update'] as const;
type WriteActionKind = (typeof WRITE_ACTION_KINDS)[number];

/** The single-item operation each action stands for; a ConditionCheck is validated as a conditional delete. */
const OPERATION_OF: Record<WriteActionKind, string> = {
  ConditionCheck: 'DeleteItem',
  Put: 'PutItem',
  Delete: 'DeleteItem',
  Update: 'UpdateItem',
};

interface WriteAction {
  kind: WriteActionKind;
  tableName: string;
  /** The action's members as sent, without `ReturnValuesOnConditionCheckFailure` (dynalite has no such member). */
  request: Record<string, unknown>;
  returnOldImageOnFailure: boolean;
}

interface PreparedWriteAction extends WriteAction {
  key: Item;
  identity: string;
  /** The request as dynalite validated it, with its parsed condition. */
  validated: Record<string, unknown>;
}

type CancellationCode = 'None' | 'ConditionalCheckFailed' | 'TransactionConflict' | 'ValidationError';

interface CancellationReason {
  Code: CancellationCode;
  Message?: string;
  Item?: Item;
}

export class TransactionEngine {
  /** Client tokens of transactions still running: a repeat while one runs is refused, as AWS does. */
  private readonly tokensInProgress = new Set<string>();

  constructor(
    private readonly store: ItemStore,
    private readonly clientTokens: ClientTokenRegistry,
    /** Counts request units: transactional reads and writes cost twice their plain ones. */
    private readonly meter?: Pick<UsageMeter, 'add'>,
  ) {}

  /** Applies all actions or none; see the module comment for how. */
  async transactWriteItems(input: Record<string, unknown>): Promise<unknown> {
    const actions = transactItemsOf(input).map(parseWriteAction);
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    if (token !== undefined) {
      const earlierResponse = this.clientTokens.replay(token, input);
      if (earlierResponse !== undefined) return earlierResponse;
      if (this.tokensInProgress.has(token)) {
        throw dynamoDbError(
          'TransactionInProgressException',
          'The transaction with the given request token is already in progress.',
        );
      }
      this.tokensInProgress.add(token);
    }
    try {
      const prepared = await this.prepare(actions);
      await this.applyAllOrNothing(prepared);
      const response = {};
      if (token !== undefined) this.clientTokens.remember(token, input, response);
      return response;
    } finally {
      if (token !== undefined) this.tokensInProgress.delete(token);
    }
  }

  /** Reads every item as one consistent snapshot, or is cancelled when a write gets in the way. */
  async transactGetItems(input: Record<string, unknown>): Promise<unknown> {
    const gets = transactItemsOf(input).map((transactItem, index) => {
      const get = transactItem.Get;
      if (!isRecord(get) || Object.keys(transactItem).length !== 1) {
        throw validationError(
          constraintViolation('null', `transactItems.${index + 1}.member.get`, 'Member must not be null'),
        );
      }
      return get;
    });
    const identities: string[] = [];
    for (const get of gets) {
      const schema = await this.store.keys.of(String(get.TableName));
      identities.push(itemIdentity(keyOf(get.Key as Item, schema), schema));
    }
    const busy = new Set(this.store.locks.busy(identities));
    if (busy.size > 0) throw transactionCanceled(identities.map((identity) => conflictOrNone(busy.has(identity))));
    const watch = this.store.locks.watch(identities);
    try {
      const responses: Array<{ Item?: Item }> = [];
      for (const get of gets) {
        const { Item: item, ConsumedCapacity } = await this.store.engine.call<{
          Item?: Item;
          ConsumedCapacity?: { CapacityUnits?: number };
        }>('GetItem', { ...get, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' });
        this.meter?.add('dynamodb.readRequestUnits', 2 * (ConsumedCapacity?.CapacityUnits ?? 1));
        responses.push(item ? { Item: item } : {});
      }
      if (watch.written) throw transactionCanceled(identities.map(() => conflictOrNone(true)));
      return { Responses: responses };
    } finally {
      watch.stop();
    }
  }

  /** Validates every action and resolves its item; refuses two actions on one item. */
  private async prepare(actions: WriteAction[]): Promise<PreparedWriteAction[]> {
    const identities = new Set<string>();
    const prepared: PreparedWriteAction[] = [];
    // Actions refused for their item rather than their request cancel the transaction once all are checked.
    const itemFailures = new Map<WriteAction, string>();
    for (const action of actions) {
      let validated: Record<string, unknown>;
      try {
        validated = this.store.engine.validate(OPERATION_OF[action.kind], {
          TableName: action.tableName,
          ...action.request,
        });
      } catch (error) {
        const message = (error as AwsServiceError).message;
        if (!ITEM_VALIDATION_FAILURE.test(message)) throw error;
        itemFailures.set(action, message);
        continue;
      }
      const schema = await this.store.keys.of(action.tableName);
      const key = keyOf((action.kind === 'Put' ? action.request.Item : action.request.Key) as Item, schema);
      const identity = itemIdentity(key, schema);
      if (identities.has(identity)) {
        throw validationError('Transaction request cannot include multiple operations on one item');
      }
      identities.add(identity);
      prepared.push({ ...action, key, identity, validated });
    }
    if (itemFailures.size > 0) {
      throw transactionCanceled(
        actions.map((action): CancellationReason => {
          const message = itemFailures.get(action);
          return message === undefined ? { Code: 'None' } : { Code: 'ValidationError', Message: message };
        }),
      );
    }
    return prepared;
  }

  private async applyAllOrNothing(actions: PreparedWriteAction[]): Promise<void> {
    const identities = actions.map((action) => action.identity);
    const applying = this.store.locks.heldByTransaction(identities);
    if (applying.length > 0) throw transactionCanceled(conflictReasons(actions, applying));

    const watch = this.store.locks.watch(identities);
    let taken: Awaited<ReturnType<ItemLocks['takeForTransaction']>>;
    const oldImages: Array<Item | undefined> = [];
    try {
      for (const action of actions) oldImages.push(await this.currentItem(action));
      const reasons = actions.map((action, index): CancellationReason => {
        const oldImage = oldImages[index];
        if (this.store.engine.conditionHolds(action.validated, oldImage)) return { Code: 'None' };
        return {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(action.returnOldImageOnFailure && oldImage ? { Item: oldImage } : {}),
        };
      });
      if (watch.written) throw transactionCanceled(conflictReasons(actions, identities));
      if (reasons.some((reason) => reason.Code !== 'None')) throw transactionCanceled(reasons);
      taken = await this.store.locks.takeForTransaction(identities);
      if ('conflicts' in taken) throw transactionCanceled(conflictReasons(actions, taken.conflicts));
      if (watch.written) {
        taken.release();
        throw transactionCanceled(conflictReasons(actions, identities));
      }
    } finally {
      watch.stop();
    }

    try {
      const applied: Array<{ action: PreparedWriteAction; oldImage: Item | undefined }> = [];
      for (const [index, action] of actions.entries()) {
        if (action.kind === 'ConditionCheck') {
          // Counted as a transactional write of a small item.
          this.meter?.add('dynamodb.writeRequestUnits', 2);
          continue;
        }
        try {
          const { ConsumedCapacity } = await this.store.engine.run<{ ConsumedCapacity?: { CapacityUnits?: number } }>(
            OPERATION_OF[action.kind],
            { ...action.validated, ReturnConsumedCapacity: 'TOTAL' },
          );
          this.meter?.add('dynamodb.writeRequestUnits', 2 * (ConsumedCapacity?.CapacityUnits ?? 1));
          applied.push({ action, oldImage: oldImages[index] });
        } catch (error) {
          for (const { action: done, oldImage } of applied.reverse()) await this.restore(done, oldImage);
          const reason: CancellationReason = isConditionalCheckFailure(error)
            ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
            : { Code: 'ValidationError', Message: (error as AwsServiceError).message };
          throw transactionCanceled(actions.map((other) => (other === action ? reason : { Code: 'None' })));
        }
      }
    } finally {
      taken.release();
    }
  }

  private async currentItem(action: PreparedWriteAction): Promise<Item | undefined> {
    const { Item: item } = await this.store.engine.call<{ Item?: Item }>('GetItem', {
      TableName: action.tableName,
      Key: action.key,
      ConsistentRead: true,
    });
    return item;
  }

  private async restore(action: PreparedWriteAction, oldImage: Item | undefined): Promise<void> {
    if (oldImage) await this.store.engine.call('PutItem', { TableName: action.tableName, Item: oldImage });
    else await this.store.engine.call('DeleteItem', { TableName: action.tableName, Key: action.key });
  }
}

function conflictOrNone(conflict: boolean): CancellationReason {
  return conflict ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' };
}

function conflictReasons(actions: readonly PreparedWriteAction[], conflicts: readonly string[]): CancellationReason[] {
  const held = new Set(conflicts);
  return actions.map((action) => conflictOrNone(held.has(action.identity)));
}

function transactItemsOf(input: Record<string, unknown>): Record<string, unknown>[] {
  const items = input.TransactItems;
  if (!Array.isArray(items))
    throw validationError(constraintViolation('null', 'transactItems', 'Member must not be null'));
  if (items.length === 0) {
    throw validationError(
      constraintViolation("'[]'", 'transactItems', 'Member must have length greater than or equal to 1'),
    );
  }
  if (items.length > MAX_TRANSACTION_ACTIONS) {
    throw validationError(
      "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${MAX_TRANSACTION_ACTIONS}`,
    );
  }
  return items.map((item, index) => {
    if (!isRecord(item)) {
      throw validationError(
        constraintViolation('null', `transactItems.${index + 1}.member`, 'Member must not be null'),
      );
    }
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
  // AWS names the member by its wire path, 1-based and in lower camel case: transactItems.1.member.put.item.
  const missing = (member: string) =>
    validationError(
      constraintViolation(
        'null',
        `transactItems.${index + 1}.member.${lowerCamel(kind)}.${member}`,
        'Member must not be null',
      ),
    );
  const tableName = request.TableName;
  if (typeof tableName !== 'string' || tableName.length === 0) throw missing('tableName');
  if (kind === 'Put' ? !isRecord(request.Item) : !isRecord(request.Key)) throw missing(kind === 'Put' ? 'item' : 'key');
  if (kind === 'ConditionCheck' && typeof request.ConditionExpression !== 'string') {
    throw missing('conditionExpression');
  }
  if (kind === 'Update' && request.UpdateExpression === undefined) throw missing('updateExpression');
  return { kind, tableName, request, returnOldImageOnFailure: returnValues === 'ALL_OLD' };
}

export function transactionCanceled(reasons: CancellationReason[]): AwsServiceError {
  return dynamoDbError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

/**
 * AWS's wording for a request that breaks its model
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
 */
function constraintViolation(value: string, member: string, constraint: string): string {
  return `1 validation error detected: Value ${value} at '${member}' failed to satisfy constraint: ${constraint}`;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
