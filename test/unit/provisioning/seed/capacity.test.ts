import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { FLAVOR_NAMES, REGIONS } from '../../../../functions/provisioning/domain/flavors.js';
import { capacityRows, SEED_CAPACITY, seedCapacity } from '../../../../functions/provisioning/seed/capacity.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const noWait = async () => undefined;

beforeEach(() => {
  dynamo.reset();
});

describe('seed capacity', () => {
  it('has one free row of 20 slots per region and flavor, test flavors and volumes included', () => {
    // Assess
    expect(SEED_CAPACITY).toHaveLength(REGIONS.length * FLAVOR_NAMES.length);
    for (const region of REGIONS) {
      for (const flavor of FLAVOR_NAMES) {
        expect(SEED_CAPACITY).toContainEqual({ pk: `${region}#${flavor}`, region, flavor, total: 20, used: 0 });
      }
    }
    expect(SEED_CAPACITY.map((row) => row.flavor)).toEqual(
      expect.arrayContaining(['vm.test-fail', 'vm.test-hang', 'vol.standard-100']),
    );
  });

  it('builds rows of another size on demand', () => {
    // Assess
    expect(capacityRows(1).every((row) => row.total === 1 && row.used === 0)).toBe(true);
  });

  it('writes every row to the given table with BatchWrite, 25 at a time', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).resolves({});

    // Act
    const written = await seedCapacity(client, 'my-capacity', { sleep: noWait });

    // Assess
    expect(written).toBe(SEED_CAPACITY.length);
    const batches = dynamo
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.['my-capacity'] ?? []);
    expect(batches.flat().map((request) => request.PutRequest?.Item)).toEqual(SEED_CAPACITY);
    expect(batches.every((batch) => batch.length <= 25)).toBe(true);
  });

  it('retries unprocessed rows', async () => {
    // Prepare
    const rows = capacityRows().slice(0, 3);
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: [{ PutRequest: { Item: rows[1] } }] } })
      .resolves({});

    // Act
    await seedCapacity(client, 't', { rows, sleep: noWait });

    // Assess
    const batches = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.t ?? []);
    expect(batches.map((batch) => batch.length)).toEqual([3, 1]);
    expect(batches[1]?.[0]?.PutRequest?.Item).toEqual(rows[1]);
  });

  it('gives up on a table that keeps throttling', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));

    // Act
    const attempt = seedCapacity(client, 't', { sleep: noWait });

    // Assess
    await expect(attempt).rejects.toThrow(/throttled/);
  });
});
