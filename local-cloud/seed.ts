import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedCatalog } from '../functions/checkout/seed/products.js';
import type { LocalCloud } from './boot.js';

/** Seeds the demo catalog through the DynamoDB API, as `npm run seed` would against a dev stage. */
export async function seedLocalCloud(cloud: LocalCloud): Promise<number> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  try {
    return await seedCatalog(client, cloud.output('CatalogTableName'));
  } finally {
    client.destroy();
  }
}
