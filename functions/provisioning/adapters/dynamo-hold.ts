/**
 * Holds a resource keeps on a counter: its tenant's quota usage, or a slot of a region's flavor. Taking a hold moves
 * the counter item's `used` and records the hold on the resource (RESOURCES_TABLE_NAME, under the hold's marker) in
 * one transaction, so a repeated step never counts twice; a release gives back what the resource records and drops
 * the record, in one transaction too, so it gives back exactly what was taken, once.
 *
 * Markers and key attributes are written into the expressions as they are: none of them is a DynamoDB reserved word.
 */
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '../../../shared/aws/conditional-writes.js';
import { CONDITIONAL_CHECK_FAILED, cancellationCodes } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { logger } from '../../../shared/powertools/index.js';
import type { HoldOutcome, ReleaseOutcome } from '../ports/tenant-quotas.js';

/** One write of a transaction. */
type Update = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update']>;

/** Where a resource records what it holds of a pool: its tenant's quota, or a capacity slot. */
export type HoldMarker = 'quotaHeld' | 'capacityHeld';

/**
 * What a hold takes of its counter's `used`: a count (`used + 1`), or a count per dimension (`used.vcpu + 2`, ...).
 * Dimensions are plain words and name their own placeholders (`#vcpu`, `:vcpu`), which a guard may use too.
 */
type HoldAmount = number | Readonly<Record<string, number>>;

/** The counter item a hold moves, and by how much. */
export interface Counter {
  readonly tableName: string;
  /** The counter item's key; a release gives back only while that item exists. */
  readonly key: Readonly<Record<string, string>>;
  readonly amount: HoldAmount;
}

/**
 * The condition under which a hold may move its counter (the pool's rule: a slot is free, the usage is still what
 * the caller decided on), with its own placeholders besides the counter's (`#used`, and each dimension's).
 */
export interface CounterGuard {
  readonly condition: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** One kind of hold: its marker on the resource, and what its counters are like. */
export interface HoldKind {
  readonly marker: HoldMarker;
  /** Names the counter item in the logs, e.g. `tenant`. */
  readonly pool: string;
  /** The counter items record when they last moved (`updatedAt`). */
  readonly stampsCounter: boolean;
  /**
   * What a release requires of the resource: a hold under the marker (`'any'`), or the very hold it read (`'same'`).
   * `'same'` is for holds that name their counter item (a capacity slot's row): a release then never gives back to
   * another item than the one the hold was taken from.
   */
  readonly releaseWhileHolding: 'any' | 'same';
  /**
   * The counter a stored hold took from, `undefined` when the stored value is no hold; `resource` carries the
   * attributes listed in `resourceAttributes`.
   */
  counterOf(held: unknown, resource: Readonly<Record<string, unknown>>): Counter | undefined;
  /** Attributes of the resource that `counterOf` needs besides the hold, e.g. `tenantId`. */
  readonly resourceAttributes?: readonly string[];
}

/** What the store said to taking a hold; `refused` is the guard's answer, named by the pool (e.g. `NO_SLOT`). */
export type TakeOutcome<Refused extends string> = HoldOutcome | 'RESOURCE_GONE' | Refused;

/** What the resource holds under `marker` (the stored value, if any); `undefined` when the resource does not exist. */
export async function readHold(resourceId: string, marker: HoldMarker): Promise<{ held?: unknown } | undefined> {
  const resource = await readResource(resourceId, marker);
  if (!resource) return undefined;
  return resource[marker] == null ? {} : { held: resource[marker] };
}

/** The holds of one kind: taking and releasing them. */
export function resourceHolds(kind: HoldKind) {
  const { marker } = kind;

  return {
    /**
     * Moves the counter by its amount and records `held` on the resource, atomically, if the resource exists, holds
     * nothing of this kind yet, and `guard` holds on the counter; `refused` is the answer when the guard does not.
     */
    async take<Refused extends string>(request: {
      resourceId: string;
      held: unknown;
      counter: Counter;
      guard: CounterGuard;
      refused: Refused;
    }): Promise<TakeOutcome<Refused>> {
      const { resourceId } = request;
      const now = new Date().toISOString();
      try {
        await transactHold(
          resourceId,
          {
            UpdateExpression: `SET ${marker} = :held, updatedAt = :now`,
            ConditionExpression: `attribute_exists(resourceId) AND attribute_not_exists(${marker})`,
            ExpressionAttributeValues: { ':held': request.held, ':now': now },
          },
          moveCounter(request.counter, '+', kind.stampsCounter ? now : undefined, request.guard),
        );
        return 'RESERVED';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // The marker refused: a concurrent attempt of the same step took the hold first, or the resource is gone.
        if (codes[0] === CONDITIONAL_CHECK_FAILED) {
          return (await readHold(resourceId, marker)) ? 'ALREADY_RESERVED' : 'RESOURCE_GONE';
        }
        if (codes[1] === CONDITIONAL_CHECK_FAILED) return request.refused;
        throw error;
      }
    },

    /** Gives back what the resource holds, and drops its hold, atomically; nothing held, nothing done. */
    async release(resourceId: string): Promise<ReleaseOutcome> {
      const resource = await readResource(resourceId, marker, ...(kind.resourceAttributes ?? []));
      const held = resource?.[marker];
      const counter = resource && held != null ? kind.counterOf(held, resource) : undefined;
      if (!counter) return 'NOTHING_HELD';
      const now = new Date().toISOString();
      const sameHold = kind.releaseWhileHolding === 'same';
      try {
        await transactHold(
          resourceId,
          {
            UpdateExpression: `SET updatedAt = :now REMOVE ${marker}`,
            ConditionExpression: sameHold ? `${marker} = :held` : `attribute_exists(${marker})`,
            ExpressionAttributeValues: { ...(sameHold ? { ':held': held } : {}), ':now': now },
          },
          // No floor on `used`: a compensation that can never succeed would only trade a count for a stuck saga.
          moveCounter(counter, '-', kind.stampsCounter ? now : undefined, {
            condition: Object.keys(counter.key)
              .map((attribute) => `attribute_exists(${attribute})`)
              .join(' AND '),
          }),
        );
        return 'RELEASED';
      } catch (error) {
        return settleRefusedRelease(error, resourceId, kind);
      }
    },
  };
}

/**
 * Sends a hold's two writes as one transaction: the resource's marker first, the counter second. Refusals are read
 * by position, so that order is what `take` and `release` rely on.
 */
async function transactHold(
  resourceId: string,
  markerUpdate: Pick<Update, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>,
  counterUpdate: { Update: Update },
): Promise<void> {
  await dynamoDocumentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        { Update: { TableName: requiredEnv(tableEnv('RESOURCES')), Key: { resourceId }, ...markerUpdate } },
        counterUpdate,
      ],
    }),
  );
}

/** The named attributes of a resource, read consistently: steps decide on what the last step wrote. */
async function readResource(resourceId: string, ...attributes: string[]): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: requiredEnv(tableEnv('RESOURCES')),
      Key: { resourceId },
      ConsistentRead: true,
      ProjectionExpression: ['resourceId', ...attributes].join(', '),
    }),
  );
  return Item;
}

/** The counter's update: `used` (or each of its dimensions) moved by the amount, under `guard`. */
function moveCounter(
  counter: Counter,
  sign: '+' | '-',
  stampedAt: string | undefined,
  guard: CounterGuard,
): { Update: Update } {
  const names: Record<string, string> = { '#used': 'used' };
  const values: Record<string, unknown> = {};
  const { amount } = counter;
  const moves: Array<[path: string, placeholder: string, count: number]> =
    typeof amount === 'number'
      ? [['#used', ':amount', amount]]
      : Object.entries(amount).map(([dimension, count]) => {
          names[`#${dimension}`] = dimension;
          return [`#used.#${dimension}`, `:${dimension}`, count];
        });
  const assignments = moves.map(([path, placeholder, count]) => {
    values[placeholder] = count;
    return `${path} = ${path} ${sign} ${placeholder}`;
  });
  if (stampedAt !== undefined) {
    assignments.push('updatedAt = :now');
    values[':now'] = stampedAt;
  }
  return {
    Update: {
      TableName: counter.tableName,
      Key: counter.key,
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ConditionExpression: guard.condition,
      ExpressionAttributeNames: { ...names, ...guard.names },
      ExpressionAttributeValues: { ...values, ...guard.values },
    },
  };
}

/**
 * Reads the refusal of a release (the marker's removal first, the counter's second). The hold already gone means
 * another release won: nothing was held. The counter item gone (a reseeded table) leaves nothing to give back to,
 * and a compensation that can never succeed would only leave the saga stuck, so the resource lets go of its hold
 * alone. Any other error is rethrown.
 */
async function settleRefusedRelease(error: unknown, resourceId: string, kind: HoldKind): Promise<ReleaseOutcome> {
  const codes = cancellationCodes(error);
  if (codes?.[0] === CONDITIONAL_CHECK_FAILED) {
    logger.info(`The ${kind.marker} hold was released concurrently`, { resourceId });
    return 'NOTHING_HELD';
  }
  if (codes?.[1] === CONDITIONAL_CHECK_FAILED) {
    logger.warn(`The ${kind.pool} of a held resource is missing; dropping the hold`, { resourceId });
    await dropHold(resourceId, kind.marker);
    return 'RELEASED';
  }
  throw error;
}

/** Removes a hold marker from a resource; nothing happens when it is not there. */
async function dropHold(resourceId: string, marker: HoldMarker): Promise<void> {
  await conditionally(
    dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: requiredEnv(tableEnv('RESOURCES')),
        Key: { resourceId },
        UpdateExpression: 'SET updatedAt = :now REMOVE #marker',
        ConditionExpression: 'attribute_exists(#marker)',
        ExpressionAttributeNames: { '#marker': marker },
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    ),
  );
}
