import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TableDefinitionMismatchError, UnsupportedTablePropertyError } from '../../local-cloud/dynamodb/index.js';
import { type DynamoDbFixture, SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';

describe('local DynamoDB tables from template properties', () => {
  let fixture: DynamoDbFixture;

  beforeEach(async () => {
    fixture = await startDynamoDbFixture();
  });

  afterEach(async () => {
    await fixture.stop();
  });

  it('refuses a stream specification instead of silently producing no stream records', async () => {
    // Act
    const attempt = fixture.dynamoDb.createTable('events', {
      ...SIMPLE_TABLE,
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedTablePropertyError);
    await expect(attempt).rejects.toThrow(/StreamSpecification is not supported/);
    const { TableNames } = await fixture.client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain('events');
  });

  it('refuses a property it does not know', async () => {
    // Act
    const attempt = fixture.dynamoDb.createTable('mystery', { ...SIMPLE_TABLE, FutureFeature: { Enabled: true } });

    // Assess
    await expect(attempt).rejects.toThrow(/FutureFeature is not supported/);
  });

  it('accepts properties without local behaviour and lists them', async () => {
    // Act
    const created = await fixture.dynamoDb.createTable('audited', {
      ...SIMPLE_TABLE,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TableClass: 'STANDARD',
      Tags: [{ Key: 'team', Value: 'checkout' }],
    });

    // Assess
    expect(created.acceptedWithoutEffect).toEqual([
      'PointInTimeRecoverySpecification',
      'DeletionProtectionEnabled',
      'TableClass',
      'Tags',
    ]);
    expect(created.tableArn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/audited');
  });
});

describe('local DynamoDB persistence', () => {
  let persistDir: string;

  beforeEach(async () => {
    persistDir = await mkdtemp(join(tmpdir(), 'sagastack-dynamodb-'));
  });

  afterEach(async () => {
    await rm(persistDir, { recursive: true, force: true });
  });

  it('keeps table data across restarts when the table is created again', async () => {
    // Prepare
    const first = await startDynamoDbFixture({ persistDir });
    await first.dynamoDb.createTable('carts', SIMPLE_TABLE);
    await first.documentClient.send(new PutCommand({ TableName: 'carts', Item: { pk: 'cart-1', lines: 3 } }));
    await first.stop();

    // Act
    const second = await startDynamoDbFixture({ persistDir });
    const created = await second.dynamoDb.createTable('carts', SIMPLE_TABLE);
    const { Item } = await second.documentClient.send(new GetCommand({ TableName: 'carts', Key: { pk: 'cart-1' } }));
    const changedKeys = second.dynamoDb.createTable('carts', {
      ...SIMPLE_TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    });
    await expect(changedKeys).rejects.toBeInstanceOf(TableDefinitionMismatchError);
    await second.stop();

    // Assess
    expect(created.reused).toBe(true);
    expect(Item).toEqual({ pk: 'cart-1', lines: 3 });
  });
});
