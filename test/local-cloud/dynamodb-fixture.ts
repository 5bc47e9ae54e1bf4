/** Starts the local DynamoDB behind a real HTTP server and hands out SDK clients pointed at it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type LocalDynamoDb, type LocalDynamoDbOptions, startLocalDynamoDb } from '../../local-cloud/dynamodb/index.js';

export interface DynamoDbFixture {
  dynamoDb: LocalDynamoDb;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

export async function startDynamoDbFixture(options: LocalDynamoDbOptions = {}): Promise<DynamoDbFixture> {
  const dynamoDb = await startLocalDynamoDb(options);
  const server = createServer(dynamoDb.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // A retry would hide what the emulator answered the first time.
    maxAttempts: 1,
  });
  return {
    dynamoDb,
    client,
    documentClient: DynamoDBDocumentClient.from(client),
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dynamoDb.stop();
    },
  };
}

/** A table keyed by `pk` alone, billed on demand. */
export const SIMPLE_TABLE = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};
