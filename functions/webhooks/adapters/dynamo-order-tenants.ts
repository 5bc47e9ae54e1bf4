/** Order tenants (ORDER_TENANTS_TABLE_NAME, keyed by `orderId`): `{ orderId, tenantId }`, from OrderPlaced.v1. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { OrderTenants } from '../ports/order-tenants.js';

export function dynamoOrderTenants(): OrderTenants {
  const tableName = () => requiredEnv(tableEnv('ORDER_TENANTS'));
  return {
    async remember(orderId, tenantId) {
      await dynamoDocumentClient().send(new PutCommand({ TableName: tableName(), Item: { orderId, tenantId } }));
    },
    async tenantOf(orderId) {
      const { Item } = await dynamoDocumentClient().send(
        new GetCommand({ TableName: tableName(), Key: { orderId }, ConsistentRead: true }),
      );
      return typeof Item?.tenantId === 'string' ? Item.tenantId : undefined;
    },
  };
}
