import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedCatalog } from '../functions/checkout/seed/products.js';
import { seedCapacity } from '../functions/provisioning/seed/capacity.js';

export interface SeedResult {
  readonly products: number;
  readonly capacitySlots: number;
}

/**
 * Seeds the demo catalog and the provisioning capacity through the DynamoDB API, into the tables named by the stack
 * outputs: the same for the local cloud (`npm start`) and a deployed dev stage (`npm run seed`).
 */
export async function seedDeployment(
  clientConfig: DynamoDBClientConfig,
  output: (name: string) => string,
): Promise<SeedResult> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  try {
    return {
      products: await seedCatalog(client, output('CatalogTableName')),
      capacitySlots: await seedCapacity(client, output('CapacityTableName')),
    };
  } finally {
    client.destroy();
  }
}

/** Seeds a running local cloud. */
export function seedLocalCloud(cloud: { endpoint: string; region: string; output: (name: string) => string }) {
  return seedDeployment(
    { endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    cloud.output,
  );
}
