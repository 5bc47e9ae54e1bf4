/**
 * `npm run bench`: how fast the local cloud boots, and checkout latency and throughput through the real API at
 * 1, 10 and 50 concurrent checkouts. Figures come from here, never from timed assertions in tests.
 *
 * Reproducible: fixed counts (BENCH_CHECKOUTS per level, default 40; BENCH_BOOTS boots, default 3), a fresh local
 * cloud per run, dedicated products with enough stock, and the same request mix every time. Timings vary with the
 * machine; the README records the figures of one run with the machine it ran on.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { signDevToken } from '../functions/platform/dev-keys.js';
import { bootLocalCloud, type LocalCloud } from '../local-cloud/boot.js';
import { seedLocalCloud } from '../local-cloud/seed.js';
import { ensureSynthesized } from '../local-cloud/synth.js';

const CHECKOUTS_PER_LEVEL = Number(process.env.BENCH_CHECKOUTS ?? 40);
const BOOTS = Number(process.env.BENCH_BOOTS ?? 3);
const CONCURRENCY_LEVELS = [1, 10, 50];
const POLL_INTERVAL_MS = 20;

interface CheckoutTiming {
  readonly latencyMs: number;
  readonly status: string;
}

async function main(): Promise<void> {
  console.log(
    `sagastack benchmark: Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`,
  );
  const synthStarted = performance.now();
  const { assemblyDirectory, reused } = ensureSynthesized('Local');
  console.log(`synth: ${reused ? 'reused cdk.out' : `${seconds(performance.now() - synthStarted)} s`}`);

  const bootTimes: number[] = [];
  for (let boot = 0; boot < BOOTS; boot++) {
    const started = performance.now();
    const cloud = await bootLocalCloud({ assemblyDirectory });
    bootTimes.push(performance.now() - started);
    await cloud.stop();
  }
  console.log(
    `boot (${BOOTS} runs): mean ${seconds(mean(bootTimes))} s, min ${seconds(Math.min(...bootTimes))} s, max ${seconds(Math.max(...bootTimes))} s`,
  );

  const cloud = await bootLocalCloud({ assemblyDirectory });
  try {
    sfnClient = undefined;
    await seedLocalCloud(cloud);
    // Warm every function once so the first level does not measure cold starts alone.
    await runLevel(cloud, 1, 2);
    console.log('\nconcurrency  checkouts  completed  p50 ms  p99 ms  throughput/s');
    for (const concurrency of CONCURRENCY_LEVELS) {
      const { timings, wallMs } = await runLevel(cloud, concurrency, CHECKOUTS_PER_LEVEL);
      const latencies = timings.map((timing) => timing.latencyMs).sort((a, b) => a - b);
      const completed = timings.filter((timing) => timing.status === 'COMPLETED').length;
      console.log(
        [
          String(concurrency).padStart(11),
          String(timings.length).padStart(10),
          String(completed).padStart(10),
          percentile(latencies, 50).toFixed(0).padStart(7),
          percentile(latencies, 99).toFixed(0).padStart(7),
          (timings.length / (wallMs / 1000)).toFixed(2).padStart(13),
        ].join(' '),
      );
    }
  } finally {
    await cloud.stop();
  }
}

/** Runs `count` checkouts with at most `concurrency` in flight; latency is POST /checkouts until the saga settled. */
async function runLevel(cloud: LocalCloud, concurrency: number, count: number) {
  const sku = await createProduct(cloud, count * 2);
  const timings: CheckoutTiming[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      next += 1;
      timings.push(await oneCheckout(cloud, sku));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { timings, wallMs: performance.now() - started };
}

async function oneCheckout(cloud: LocalCloud, sku: string): Promise<CheckoutTiming> {
  const token = await signDevToken({ sub: `bench-${randomUUID()}`, roles: ['customer'], tenant: 'bench' });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const cartId = `bench-${randomUUID().slice(0, 12)}`;
  await request(cloud, 'PUT', `carts/${cartId}/items/${sku}`, headers, { quantity: 1 });
  const started = performance.now();
  const accepted = await request(
    cloud,
    'POST',
    'checkouts',
    { ...headers, 'Idempotency-Key': randomUUID() },
    {
      cartId,
      paymentToken: 'tok_visa',
      shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' },
    },
  );
  const checkoutId = (accepted as { checkoutId: string }).checkoutId;
  // Settlement is read from Step Functions directly: polling GET /checkouts would invoke a Lambda per poll and
  // make the benchmark compete with what it measures. The API view is read once at the end for the outcome.
  const executionArn = `${cloud.output('CheckoutStateMachineArn').replace(':stateMachine:', ':execution:')}:${checkoutId}`;
  for (;;) {
    const execution = await sfn(cloud).send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  const latencyMs = performance.now() - started;
  const view = (await request(cloud, 'GET', `checkouts/${checkoutId}`, headers)) as { status: string };
  return { latencyMs, status: view.status };
}

let sfnClient: SFNClient | undefined;
function sfn(cloud: LocalCloud): SFNClient {
  sfnClient ??= new SFNClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
  });
  return sfnClient;
}

async function request(
  cloud: LocalCloud,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const response = await fetch(`${cloud.apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

async function createProduct(cloud: LocalCloud, available: number): Promise<string> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
    }),
  );
  const sku = `SKU-BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
  await client.send(
    new PutCommand({
      TableName: cloud.output('CatalogTableName'),
      Item: { sku, name: 'Benchmark item', priceCents: 1000, available, reserved: 0 },
    }),
  );
  client.destroy();
  return sku;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

await main();
