import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/clients.js';
import { isConditionalCheckFailed } from '../../../shared/aws/dynamo-errors.js';
import { requiredEnv } from '../../../shared/idempotency.js';

/** Removes a hold marker (`quotaHeld`, `capacityHeld`) from a resource; nothing happens when it is not there. */
export async function dropHold(resourceId: string, marker: 'quotaHeld' | 'capacityHeld'): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: requiredEnv('RESOURCES_TABLE_NAME'),
        Key: { resourceId },
        UpdateExpression: 'SET updatedAt = :now REMOVE #marker',
        ConditionExpression: 'attribute_exists(#marker)',
        ExpressionAttributeNames: { '#marker': marker },
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
