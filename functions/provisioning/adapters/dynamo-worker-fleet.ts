/**
 * The worker fleet's slots (WORKER_FLEET_TABLE_NAME, keyed by `slot`): `{ slot, leaseId, leasedUntilMs }` while a
 * command holds the slot, nothing while it is free. The table holds one item per agent at most, so reading all of it
 * is one small consistent scan.
 */
import { DeleteCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { SlotLeaseRecord } from '../domain/worker-fleet.js';
import type { WorkerFleet } from '../ports/worker-fleet.js';

export function dynamoWorkerFleet(): WorkerFleet {
  const client = () => dynamoDocumentClient();
  const table = () => requiredEnv(tableEnv('WORKER_FLEET'));

  return {
    async leases() {
      const leases: SlotLeaseRecord[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client().send(
          new ScanCommand({ TableName: table(), ConsistentRead: true, ExclusiveStartKey: startKey }),
        );
        for (const item of page.Items ?? []) {
          leases.push({
            slot: String(item.slot),
            leaseId: String(item.leaseId),
            leasedUntilMs: Number(item.leasedUntilMs),
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return leases;
    },

    async claim({ slot, leaseId, untilMs, nowMs }) {
      const claimed = await conditionally(
        client().send(
          new PutCommand({
            TableName: table(),
            Item: { slot, leaseId, leasedUntilMs: untilMs },
            // The lease's own earlier claim counts as free: the SDK's retry of a claim that was applied but whose
            // answer was lost must not find its own slot taken.
            ConditionExpression: 'attribute_not_exists(slot) OR leasedUntilMs < :now OR leaseId = :leaseId',
            ExpressionAttributeValues: { ':now': nowMs, ':leaseId': leaseId },
          }),
        ),
      );
      return claimed ? 'CLAIMED' : 'TAKEN';
    },

    async renew({ slot, leaseId, untilMs }) {
      const renewed = await conditionally(
        client().send(
          new UpdateCommand({
            TableName: table(),
            Key: { slot },
            UpdateExpression: 'SET leasedUntilMs = :until',
            ConditionExpression: 'leaseId = :leaseId',
            ExpressionAttributeValues: { ':until': untilMs, ':leaseId': leaseId },
          }),
        ),
      );
      return renewed ? 'RENEWED' : 'LOST';
    },

    async release({ slot, leaseId }) {
      const released = await conditionally(
        client().send(
          new DeleteCommand({
            TableName: table(),
            Key: { slot },
            ConditionExpression: 'leaseId = :leaseId',
            ExpressionAttributeValues: { ':leaseId': leaseId },
          }),
        ),
      );
      return released ? 'RELEASED' : 'NOT_HELD';
    },
  };
}
