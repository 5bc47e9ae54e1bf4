/** The DynamoDB stub of the storage, network and billing step tests, and the attributes an update sets. */
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resourceItem } from '../../harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);

/** The attribute values an update sets, by attribute name (placeholders resolved). */
export function assignments(index = 0): Record<string, unknown> {
  const input = dynamo.commandCalls(UpdateCommand)[index]?.args[0].input;
  const names = input?.ExpressionAttributeNames ?? {};
  const values = input?.ExpressionAttributeValues ?? {};
  const pairs = [...(input?.UpdateExpression ?? '').matchAll(/(#s\d+) = (:s\d+)/g)];
  return Object.fromEntries(pairs.map(([, name = '', value = '']) => [names[name], values[value]]));
}

/** Fresh stubs: the resource is stored, updates and puts succeed. */
export function prepareStores(): void {
  dynamo.reset();
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: resourceItem() });
}
