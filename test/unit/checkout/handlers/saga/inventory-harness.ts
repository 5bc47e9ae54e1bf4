/** The DynamoDB stub of the PriceCart, ReserveInventory and ReleaseInventory step tests, and a catalog on it. */
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { TABLES } from '../../commerce-harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);

export function catalogHolds(...products: Array<{ sku: string; name: string; priceCents: number; available: number }>) {
  dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLES.CATALOG_TABLE_NAME]: products } });
}
