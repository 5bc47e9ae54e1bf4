/**
 * Endpoint slots (ENDPOINT_SLOTS_TABLE_NAME, keyed by `slotId` = `<webhookId>#<n>`): a slot is held by one attempt
 * until it releases it or its lease runs out (a crashed deliverer does not keep it). Slots are tried in a random
 * order, so concurrent attempts rarely race for the same one.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { EndpointSlots } from '../ports/endpoint-slots.js';

export function dynamoEndpointSlots(clock: () => number = Date.now): EndpointSlots {
  const tableName = () => requiredEnv(tableEnv('ENDPOINT_SLOTS'));
  return {
    async acquire(webhookId, holder, slots, leaseSeconds) {
      const now = Math.floor(clock() / 1000);
      const order = Array.from({ length: slots }, (_, slot) => slot).sort(() => Math.random() - 0.5);
      for (const slot of order) {
        const taken = await conditionally(
          dynamoDocumentClient().send(
            new PutCommand({
              TableName: tableName(),
              Item: { slotId: `${webhookId}#${slot}`, holder, leaseUntil: now + leaseSeconds },
              ConditionExpression: 'attribute_not_exists(slotId) OR leaseUntil < :now OR holder = :holder',
              ExpressionAttributeValues: { ':now': now, ':holder': holder },
            }),
          ),
        );
        if (taken) return { webhookId, slot, holder };
      }
      return undefined;
    },
    async release(lease) {
      // Only this attempt's lease: one that ran out may be another attempt's by now.
      await conditionally(
        dynamoDocumentClient().send(
          new DeleteCommand({
            TableName: tableName(),
            Key: { slotId: `${lease.webhookId}#${lease.slot}` },
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': lease.holder },
          }),
        ),
      );
    },
  };
}
