/**
 * The fleet's capacity and an environment-agnostic loader: the same function seeds AWS, LocalStack and the local
 * cloud, given a document client pointed at the right endpoint and the capacity table's name.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { capacityKey } from '../adapters/dynamo-capacity.js';
import { FLAVOR_NAMES, REGIONS } from '../domain/flavors.js';

export interface CapacityRow {
  readonly pk: string;
  readonly region: string;
  readonly flavor: string;
  readonly total: number;
  readonly used: number;
}

/** Slots per region and flavor: enough for a demo, few enough that exhausting one is a short loop in a test. */
const DEFAULT_SLOTS = 20;

/** Every region × every flavor, test flavors and volumes included, all free. */
export function capacityRows(slots: number = DEFAULT_SLOTS): CapacityRow[] {
  return REGIONS.flatMap((region) =>
    FLAVOR_NAMES.map((flavor) => ({ pk: capacityKey(region, flavor), region, flavor, total: slots, used: 0 })),
  );
}

export const SEED_CAPACITY: readonly CapacityRow[] = capacityRows();

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;
const MAX_ATTEMPTS = 8;

export interface SeedCapacityOptions {
  readonly rows?: readonly CapacityRow[];
  /** Waits between retries of throttled writes. @default setTimeout-based sleep */
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

/**
 * Writes the rows with BatchWrite. Idempotent: each row is put whole under its key, so seeding twice leaves the same
 * table. It also resets `used` to 0, which is what a demo reset wants, but on a stage with live resources it would
 * free slots they hold: seed a fresh table, or one whose resources are gone.
 * Answers how many rows were written.
 */
export async function seedCapacity(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: SeedCapacityOptions = {},
): Promise<number> {
  const rows = options.rows ?? SEED_CAPACITY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let start = 0; start < rows.length; start += BATCH_WRITE_LIMIT) {
    let requests: WriteRequests = rows
      .slice(start, start + BATCH_WRITE_LIMIT)
      .map((row) => ({ PutRequest: { Item: { ...row } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`Seeding ${tableName} kept being throttled; try again later`);
      if (attempt > 1) await sleep(50 * 2 ** attempt);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequests;
    }
  }
  return rows.length;
}

type WriteRequests = NonNullable<NonNullable<BatchWriteCommand['input']['RequestItems']>[string]>;
