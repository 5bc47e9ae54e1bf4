/**
 * Conditional writes whose refusal is an answer, not a failure: every repeatable step writes with a condition, and
 * finds the condition refused when an earlier attempt (or the SDK's retry of a write whose answer was lost) already
 * did the work.
 */
import { type NativeAttributeValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './dynamo-errors.js';
import { dynamoDocumentClient } from './dynamodb-client.js';

/**
 * Awaits a conditional write (a `send` of a command with a `ConditionExpression`): `true` if it was applied, `false`
 * if its condition refused it. Any other error is rethrown.
 */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** An item to create unless one with its key exists. */
export interface NewItem {
  readonly tableName: string;
  /** An attribute of the item's key; the put is conditioned on it not existing. None of ours is a reserved word. */
  readonly key: string;
  readonly item: Readonly<Record<string, NativeAttributeValue>>;
}

/** Creates the item unless one with its key exists: `true` if this write created it. */
export function createUnlessExists(write: NewItem): Promise<boolean> {
  return conditionally(putUnlessExists(write));
}

/**
 * Creates `record` unless an item with its key exists, and answers with the one that is there: `record` if this write
 * created it, else the existing one, read with `find`. `item` is what is written when it is more than `record` (its
 * key attributes, a timestamp). When the write was refused but nothing is found (deleted in between), the refusal is
 * rethrown.
 */
export async function createOrFind<T extends NewItem['item']>(
  write: Omit<NewItem, 'item'> & {
    readonly record: T;
    readonly item?: NewItem['item'];
    readonly find: () => Promise<T | undefined>;
  },
): Promise<{ readonly created: boolean; readonly record: T }> {
  const { tableName, key, record, item = record, find } = write;
  try {
    await putUnlessExists({ tableName, key, item });
    return { created: true, record };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = await find();
    if (!existing) throw error;
    return { created: false, record: existing };
  }
}

function putUnlessExists(write: NewItem): Promise<unknown> {
  return dynamoDocumentClient().send(
    new PutCommand({
      TableName: write.tableName,
      Item: write.item,
      ConditionExpression: `attribute_not_exists(${write.key})`,
    }),
  );
}
