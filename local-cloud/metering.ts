/**
 * What the local cloud would bill on AWS: a counter per billable dimension of the services it runs, counted as AWS
 * counts them (documented per dimension below). `npm run bench` turns a difference of two snapshots into dollars with
 * the prices of `bench/aws-prices.ts`; nothing here knows a price.
 */

/** Every billable dimension, with how it is counted. */
export const USAGE_DIMENSIONS = {
  'stepfunctions.standard.transitions':
    'Standard workflows: one per state executed (every state entered, the terminal one too), plus one per retry',
  'stepfunctions.express.requests': 'Express workflows: one per execution',
  'stepfunctions.express.gbSeconds':
    'Express workflows: duration rounded up to 100 ms, at 64 MB (the least AWS bills) per execution',
  'lambda.requests': 'Lambda: one per invocation attempt that ran (throttled ones are free)',
  'lambda.arm64.gbSeconds': 'Lambda on arm64: billed duration (init included, to the ms) x configured memory',
  'lambda.x86_64.gbSeconds': 'Lambda on x86_64: billed duration (init included, to the ms) x configured memory',
  'dynamodb.readRequestUnits':
    'DynamoDB on demand: read units as the table reports them (4 KB each, eventually consistent ones at half, transactional ones at double)',
  'dynamodb.writeRequestUnits':
    'DynamoDB on demand: write units as the table reports them (1 KB each, transactional ones at double)',
  'eventbridge.events':
    'EventBridge: custom events published, one per 64 KB chunk of an entry (scheduled events are free)',
  'sqs.standard.requests': 'SQS standard queues: one per API request and per 64 KB chunk of its payload',
  'sqs.fifo.requests': 'SQS FIFO queues: one per API request and per 64 KB chunk of its payload',
  'apigateway.requests': 'API Gateway REST: one per request received',
  'logs.ingestedBytes': "CloudWatch Logs: bytes of log lines written (functions' own and platform lines, access logs)",
} as const;

export type UsageDimension = keyof typeof USAGE_DIMENSIONS;
export type Usage = Record<UsageDimension, number>;

const EMPTY: Usage = Object.fromEntries(Object.keys(USAGE_DIMENSIONS).map((dimension) => [dimension, 0])) as Usage;

export class UsageMeter {
  private readonly counters: Usage = { ...EMPTY };

  add(dimension: UsageDimension, amount = 1): void {
    this.counters[dimension] += amount;
  }

  /** The counters now; compare two with `usageBetween`. */
  snapshot(): Usage {
    return { ...this.counters };
  }
}

/** What was used between two snapshots. */
export function usageBetween(before: Usage, after: Usage): Usage {
  const used = { ...EMPTY };
  for (const dimension of Object.keys(USAGE_DIMENSIONS) as UsageDimension[]) {
    used[dimension] = after[dimension] - before[dimension];
  }
  return used;
}

/** How many billing chunks of `chunkBytes` a payload of `bytes` makes (at least one). */
export function chunks(bytes: number, chunkBytes = 64 * 1024): number {
  return Math.max(1, Math.ceil(bytes / chunkBytes));
}
