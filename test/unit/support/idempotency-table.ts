/**
 * Just enough of the Powertools idempotency table, on a mocked DynamoDB client: conditional put (refused while a record
 * exists, returning it like DynamoDB does), update, get and delete. Lets a test run the real idempotency wrapper.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type AttributeMap = Record<string, AttributeValue>;

export function inMemoryIdempotencyTable(client: AwsClientStub<DynamoDBClient>): Map<string, AttributeMap> {
  const items = new Map<string, AttributeMap>();
  const keyOf = (key: AttributeMap | undefined) => key?.id?.S ?? '';
  client.on(PutItemCommand).callsFake((input: { Item: AttributeMap }) => {
    const existing = items.get(keyOf(input.Item));
    if (existing) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: existing,
      });
    }
    items.set(keyOf(input.Item), input.Item);
    return {};
  });
  client.on(UpdateItemCommand).callsFake((input: { Key: AttributeMap; ExpressionAttributeValues: AttributeMap }) => {
    const item = items.get(keyOf(input.Key));
    if (!item) return {};
    const values = input.ExpressionAttributeValues;
    items.set(keyOf(input.Key), {
      ...item,
      ...(values[':status'] ? { status: values[':status'] } : {}),
      ...(values[':expiry'] ? { expiration: values[':expiry'] } : {}),
      ...(values[':response_data'] ? { data: values[':response_data'] } : {}),
      ...(values[':validation_key'] ? { validation: values[':validation_key'] } : {}),
    });
    return {};
  });
  client.on(GetItemCommand).callsFake((input: { Key: AttributeMap }) => ({ Item: items.get(keyOf(input.Key)) }));
  client.on(DeleteItemCommand).callsFake((input: { Key: AttributeMap }) => {
    items.delete(keyOf(input.Key));
    return {};
  });
  return items;
}
