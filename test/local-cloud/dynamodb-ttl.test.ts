import { DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DynamoDbFixture, SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';

const SESSIONS_TABLE = 'sessions';

describe('local DynamoDB Time to Live', () => {
  let fixture: DynamoDbFixture;

  beforeEach(async () => {
    fixture = await startDynamoDbFixture({ ttlSweepIntervalMs: 20 });
    await fixture.dynamoDb.createTable(SESSIONS_TABLE, {
      ...SIMPLE_TABLE,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  afterEach(async () => {
    await fixture.stop();
  });

  async function exists(pk: string): Promise<boolean> {
    const { Item } = await fixture.documentClient.send(
      new GetCommand({ TableName: SESSIONS_TABLE, Key: { pk }, ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  it('sweeps expired items and keeps the others', async () => {
    // Prepare
    const nowSeconds = Math.floor(Date.now() / 1000);
    const items = [
      { pk: 'expired', expiresAt: nowSeconds - 60 },
      { pk: 'live', expiresAt: nowSeconds + 3600 },
      { pk: 'not-a-number', expiresAt: 'yesterday' },
      { pk: 'no-ttl' },
    ];
    for (const item of items) {
      await fixture.documentClient.send(new PutCommand({ TableName: SESSIONS_TABLE, Item: item }));
    }

    // Act
    await vi.waitFor(async () => expect(await exists('expired')).toBe(false), { timeout: 5_000, interval: 20 });

    // Assess
    expect(await exists('live')).toBe(true);
    expect(await exists('not-a-number')).toBe(true);
    expect(await exists('no-ttl')).toBe(true);
  });

  it('describes the configured TTL and lets it be switched off and on', async () => {
    // Act
    const configured = await fixture.client.send(new DescribeTimeToLiveCommand({ TableName: SESSIONS_TABLE }));
    await fixture.client.send(
      new UpdateTimeToLiveCommand({
        TableName: SESSIONS_TABLE,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: false },
      }),
    );
    const disabled = await fixture.client.send(new DescribeTimeToLiveCommand({ TableName: SESSIONS_TABLE }));
    const enableTwice = fixture.client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: SESSIONS_TABLE,
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        }),
      )
      .then(() =>
        fixture.client.send(
          new UpdateTimeToLiveCommand({
            TableName: SESSIONS_TABLE,
            TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
          }),
        ),
      );

    // Assess
    expect(configured.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    expect(disabled.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });
    await expect(enableTwice).rejects.toThrow('TimeToLive is already enabled');
    const reenabled = await fixture.client.send(new DescribeTimeToLiveCommand({ TableName: SESSIONS_TABLE }));
    expect(reenabled.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
  });

  it('answers ResourceNotFoundException for the TTL of an unknown table', async () => {
    // Act
    const attempt = fixture.client.send(new DescribeTimeToLiveCommand({ TableName: 'nope' }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
