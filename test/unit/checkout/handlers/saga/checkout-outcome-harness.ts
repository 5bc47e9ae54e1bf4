/** Fixtures of the CompleteCheckout and FailCheckout step tests: the checkout record they move, a refused write. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SAGA_INPUT } from '../../checkouts-harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);

export const { checkoutId } = SAGA_INPUT;

export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

export function storedRecord(status: string) {
  return { Item: { checkoutId, customerId: 'user-ada', tenantId: 'tenant-a', cartId: 'cart-ada', status } };
}

/** A fresh DynamoDB stub on which updates succeed. */
export function prepareStores(): void {
  dynamo.reset();
  dynamo.on(UpdateCommand).resolves({});
}
