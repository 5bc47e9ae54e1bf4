import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedCatalog } from '../functions/checkout/seed/products.js';
import { seedCapacity } from '../functions/provisioning/seed/capacity.js';

export interface SeedResult {
  readonly products: number;
  readonly capacitySlots: number;
}

/**
 * Seeds the provisioning capacity and, where the stage takes demo data, the demo catalog, through the DynamoDB API into
 * the tables named by the stack outputs: the same for the local cloud (`npm start`) and a deployed stage (`npm run seed`).
 */
export async function seedDeployment(
  clientConfig: DynamoDBClientConfig,
  output: (name: string) => string,
  options: { demoProducts: boolean } = { demoProducts: true },
): Promise<SeedResult> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig));
  try {
    return {
      products: options.demoProducts ? await seedCatalog(client, output('CatalogTableName')) : 0,
      // Capacity is the inventory of regions and flavors every stage needs to provision anything.
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
