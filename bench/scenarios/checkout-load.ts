/**
 * Checkouts through the real API at rising concurrency, with clients that poll the checkout as real ones do and
 * with clients that do not. Reports throughput, saga latency (POST sent until the execution stopped) and the local
 * cloud's CPU time per checkout: the process's CPU minus the load generator's own thread.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../local-cloud/boot.js';
import type { Progress } from '../../local-cloud/cli/progress.js';
import { type Usage, usageBetween } from '../../local-cloud/metering.js';
import type { ExecutionRecord } from '../../local-cloud/stepfunctions/index.js';
import { THROTTLED_APIS, type ThrottledApi } from '../../local-cloud/throttled-apis.js';
import { atLeast, atMost, type Figure } from '../figures.js';
import type { FromClients, RunLevel, ToClients } from '../load/checkout-clients.js';
import { cpuMs, percentile } from '../stats.js';

const POLL_INTERVAL_MS = 250;
/** Checkouts run before the levels, so that every function has its environments before anything is measured. */
export const WARM_UP_CHECKOUTS = 20;

export interface LevelResult {
  readonly concurrency: number;
  readonly poll: boolean;
  readonly checkouts: number;
  readonly succeeded: number;
  readonly throughputPerSecond: number;
  readonly latenciesMs: number[];
  readonly cpuMsPerCheckout: number;
  /** Requests the API failed, with the first few answers. */
  readonly failedRequests: number;
  readonly failures: string[];
  /** What the level used of each billable dimension (`local-cloud/metering.ts`). */
  readonly usage: Usage;
  /** How long each saga step's task took, scheduled to succeeded, from the executions' histories. */
  readonly stepDurationsMs: number[];
  /** The app's calls per second, over the level, to each API AWS throttles at a low account-wide rate. */
  readonly throttledCallsPerSecond: Record<ThrottledApi, number>;
}

export interface CheckoutLoadResult {
  readonly figures: Figure[];
  readonly levels: readonly LevelResult[];
}

export interface CheckoutLoadOptions {
  readonly levels: readonly number[];
  /** Checkouts per level for `concurrency` clients. */
  readonly checkoutsAt: (concurrency: number) => number;
  readonly progress: Progress;
}

export async function checkoutLoad(cloud: LocalCloud, options: CheckoutLoadOptions): Promise<CheckoutLoadResult> {
  const driver = new LoadDriver(cloud);
  try {
    // Every function gets its environments before anything is measured: the levels compare steady states.
    options.progress.start(`warming up (${WARM_UP_CHECKOUTS} checkouts, 10 clients)`);
    await driver.run({ concurrency: 10, count: WARM_UP_CHECKOUTS, poll: false }, options.progress);
    options.progress.done('done');

    const results: LevelResult[] = [];
    for (const poll of [true, false]) {
      for (const concurrency of options.levels) {
        const count = options.checkoutsAt(concurrency);
        options.progress.start(`checkouts, ${concurrency} ${poll ? 'polling' : 'non-polling'} client(s)`);
        const result = await driver.run({ concurrency, count, poll }, options.progress);
        options.progress.done(
          `${result.throughputPerSecond.toFixed(1)}/s, p50 ${percentile(result.latenciesMs, 50).toFixed(0)} ms, p99 ${percentile(result.latenciesMs, 99).toFixed(0)} ms` +
            (result.failedRequests > 0
              ? `; ${result.failedRequests} failed at the API, e.g. ${result.failures[0]}`
              : ''),
        );
        results.push(result);
      }
    }
    return { figures: figuresOf(results), levels: results };
  } finally {
    await driver.stop();
  }
}

function figuresOf(results: readonly LevelResult[]): Figure[] {
  const figures: Figure[] = [];
  for (const result of results) {
    const mode = result.poll ? 'poll' : 'nopoll';
    const who = `${result.concurrency} ${result.poll ? 'polling' : 'non-polling'} client${result.concurrency === 1 ? '' : 's'}`;
    const section = 'Checkouts through the API';
    const id = `checkout.${mode}.c${result.concurrency}`;
    const failed = result.checkouts - result.succeeded;
    const problems = [
      failed > 0 ? `${failed} of ${result.checkouts} sagas did not succeed` : '',
      result.failedRequests > 0 ? `${result.failedRequests} checkouts failed at the API` : '',
    ].filter((problem) => problem.length > 0);
    const note = problems.length > 0 ? problems.join('; ') : undefined;
    figures.push(
      {
        id: `${id}.throughput`,
        section,
        label: `${who}: throughput`,
        value: result.throughputPerSecond,
        unit: '/s',
        goal: result.poll && result.concurrency >= 10 ? atLeast(25) : undefined,
        note,
      },
      {
        id: `${id}.p50`,
        section,
        label: `${who}: saga p50`,
        value: percentile(result.latenciesMs, 50),
        unit: 'ms',
        goal: result.concurrency === 1 && result.poll ? atMost(100) : undefined,
      },
      {
        id: `${id}.p99`,
        section,
        label: `${who}: saga p99`,
        value: percentile(result.latenciesMs, 99),
        unit: 'ms',
        goal: result.concurrency === 10 && result.poll ? atMost(500) : undefined,
      },
      {
        id: `${id}.cpu`,
        section,
        label: `${who}: cloud CPU per checkout`,
        value: result.cpuMsPerCheckout,
        unit: 'ms',
      },
    );
    // AWS would throttle the app past its token bucket's refill rate, which the local cloud never does: the goal is
    // the refill rate, for the levels that poll (the status reads are what calls these APIs).
    for (const api of Object.keys(THROTTLED_APIS) as ThrottledApi[]) {
      figures.push({
        id: `${id}.calls.${api.replace(':', '.')}`,
        section,
        label: `${who}: ${api} calls`,
        value: result.throttledCallsPerSecond[api],
        unit: '/s',
        goal: result.poll && result.concurrency >= 10 ? atMost(THROTTLED_APIS[api].refillPerSecond) : undefined,
      });
    }
  }
  const polling = results.filter((result) => result.poll);
  const single = polling.find((result) => result.concurrency === 1);
  const most = polling.at(-1);
  if (single && most && most !== single) {
    figures.push({
      id: 'checkout.poll.scaling',
      section: 'Checkouts through the API',
      label: `throughput at ${most.concurrency} / at 1 polling client`,
      value: most.throughputPerSecond / single.throughputPerSecond,
      unit: 'x',
      goal: atLeast(1),
    });
  }
  const quiet = results.find((result) => !result.poll && result.concurrency === 1);
  if (quiet && quiet.stepDurationsMs.length > 0) {
    const section = 'Saga steps (one non-polling client: a warm step, scheduled until it succeeded)';
    figures.push(
      {
        id: 'checkout.step.p50',
        section,
        label: 'warm saga step p50',
        value: percentile(quiet.stepDurationsMs, 50),
        unit: 'ms',
      },
      {
        id: 'checkout.step.p99',
        section,
        label: 'warm saga step p99',
        value: percentile(quiet.stepDurationsMs, 99),
        unit: 'ms',
      },
    );
  }
  return figures;
}

/** Runs levels on the load generator thread and observes the sagas' ends in this (the cloud's) thread. */
class LoadDriver {
  private readonly worker = new Worker(new URL('../load/checkout-clients.ts', import.meta.url));
  private readonly postedAt = new Map<string, number>();
  private readonly closed = new Map<string, ExecutionRecord>();
  private readonly stopObserving: () => void;
  private readonly stateMachineArn: string;

  constructor(private readonly cloud: LocalCloud) {
    this.stateMachineArn = cloud.output('CheckoutStateMachineArn');
    this.stopObserving = cloud.services.stepFunctions.onExecutionClosed((record) => {
      if (record.stateMachineArn !== this.stateMachineArn) return;
      this.closed.set(record.name, record);
      this.send({ type: 'closed', checkoutId: record.name });
    });
  }

  async run(level: Pick<RunLevel, 'concurrency' | 'count' | 'poll'>, progress: Progress): Promise<LevelResult> {
    const sku = await createProduct(this.cloud, level.count * 2);
    this.postedAt.clear();
    this.closed.clear();
    const failures: string[] = [];
    let failedRequests = 0;
    const cpuBefore = process.cpuUsage();
    const usageBefore = this.cloud.usage();
    const throttledBefore = this.cloud.throttledApiCalls();
    const result = await new Promise<{ wallMs: number; cpuMs: number }>((resolve, reject) => {
      const onMessage = (message: FromClients) => {
        if (message.type === 'posted') {
          this.postedAt.set(message.checkoutId, message.postedAt);
          progress.update(`${this.closed.size}/${level.count} sagas ended`);
        } else if (message.type === 'request-failed') {
          failedRequests += 1;
          if (failures.length < 3) failures.push(message.message);
        } else if (message.type === 'done') {
          this.worker.off('message', onMessage);
          resolve(message);
        } else {
          this.worker.off('message', onMessage);
          reject(new Error(`The load generator failed: ${message.message}`));
        }
      };
      this.worker.on('message', onMessage);
      this.send({ type: 'run', apiUrl: this.cloud.apiUrl, sku, pollIntervalMs: POLL_INTERVAL_MS, ...level });
    });
    const cloudCpuMs = cpuMs(process.cpuUsage(cpuBefore)) - result.cpuMs;
    // The level's sagas have ended; what they handed on (notifications, audit records) may still run. Count it too.
    await this.cloud.whenIdle();
    const usage = usageBetween(usageBefore, this.cloud.usage());
    const throttledAfter = this.cloud.throttledApiCalls();
    const throttledCallsPerSecond = Object.fromEntries(
      (Object.keys(THROTTLED_APIS) as ThrottledApi[]).map((api) => [
        api,
        (throttledAfter[api] - throttledBefore[api]) / (result.wallMs / 1000),
      ]),
    ) as Record<ThrottledApi, number>;
    const latenciesMs: number[] = [];
    let succeeded = 0;
    for (const [checkoutId, postedAt] of this.postedAt) {
      const record = this.closed.get(checkoutId);
      if (!record?.stopDate) continue;
      latenciesMs.push(record.stopDate - postedAt);
      if (record.status === 'SUCCEEDED') succeeded += 1;
    }
    return {
      ...level,
      checkouts: this.postedAt.size,
      succeeded,
      throughputPerSecond: succeeded / (result.wallMs / 1000),
      latenciesMs,
      cpuMsPerCheckout: cloudCpuMs / Math.max(1, this.postedAt.size),
      failedRequests,
      failures,
      usage,
      stepDurationsMs: this.stepDurations([...this.closed.values()]),
      throttledCallsPerSecond,
    };
  }

  /** Scheduled-to-succeeded times of every successful task attempt of these executions. */
  private stepDurations(records: readonly ExecutionRecord[]): number[] {
    const durations: number[] = [];
    for (const record of records) {
      const { events } = this.cloud.services.stepFunctions.getExecutionHistory(record.executionArn, {
        maxResults: 1000,
      });
      let scheduledAt: number | undefined;
      for (const event of events) {
        if (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') scheduledAt = event.timestamp;
        if ((event.type === 'TaskSucceeded' || event.type === 'LambdaFunctionSucceeded') && scheduledAt !== undefined) {
          durations.push((event.timestamp - scheduledAt) * 1000);
          scheduledAt = undefined;
        }
      }
    }
    return durations;
  }

  async stop(): Promise<void> {
    this.stopObserving();
    await this.worker.terminate();
  }

  private send(message: ToClients): void {
    this.worker.postMessage(message);
  }
}

async function createProduct(cloud: LocalCloud, available: number): Promise<string> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    }),
  );
  const sku = `SKU-BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
  try {
    await client.send(
      new PutCommand({
        TableName: cloud.output('CatalogTableName'),
        Item: { sku, name: 'Benchmark item', priceCents: 1000, available, reserved: 0 },
      }),
    );
  } finally {
    client.destroy();
  }
  return sku;
}
