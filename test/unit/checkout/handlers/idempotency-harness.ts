/**
 * The stubs of the start-checkout and CheckoutRequested.v1 idempotency tests, which run Powertools' real idempotency
 * against an in-memory stand-in for its DynamoDB table (it talks to the table through its own DynamoDBClient).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { inMemoryIdempotencyTable } from '../../support/idempotency-table.js';
import { BOB, cartItem, executionArnOf } from '../checkouts-harness.js';

const idempotencyDynamo = mockClient(DynamoDBClient);
export const dynamo = mockClient(DynamoDBDocumentClient);
export const sfn = mockClient(SFNClient);

/** Fresh stubs: an in-memory idempotency table, Ada's and Bob's carts, writes succeed, sagas start. */
export function prepareStores(): void {
  idempotencyDynamo.reset();
  dynamo.reset();
  sfn.reset();
  inMemoryIdempotencyTable(idempotencyDynamo);
  dynamo.on(GetCommand, { TableName: 'carts-table' }).resolves({ Item: cartItem() });
  dynamo.on(GetCommand, { TableName: 'carts-table', Key: { cartId: 'cart-bob' } }).resolves({
    Item: cartItem({ cartId: 'cart-bob', ownerSub: BOB.sub }),
  });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: executionArnOf(input.name) }));
}
