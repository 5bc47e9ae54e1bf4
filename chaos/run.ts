/**
 * `npm run chaos`: randomized checkout sagas and provisioning lifecycles through the real API while the local cloud
 * injects faults at its service boundaries, then the saga invariants checked against the stores. One line per
 * invariant, the faults injected per kind, and for each violation the command that runs its saga again alone. Exits 1
 * on any violation.
 *
 * Reproducible: the plans (carts, tokens, refunds; flavors, deletions) come from the seed, and every fault decision is
 * keyed by the saga's correlation ID (docs/adr/0013-fault-injection-at-service-boundaries.md), so `--saga <i>` or
 * `--lifecycle <i>` replays one with the same faults. Interleavings with other sagas (who gets the last scarce item,
 * the last quota) are not replayed.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedCatalog } from '../functions/checkout/seed/products.js';
import { defineCli, parse, runCli, UsageError } from '../local-cloud/cli/define-cli.js';
import { Progress } from '../local-cloud/cli/progress.js';
import { synthesizeAppWithProgress } from '../local-cloud/cli/synth-in-background.js';
import { FAULT_KINDS, type FaultKind, parseFaultRates } from '../local-cloud/faults/fault-plan.js';
import { seedLocalCloud } from '../scripts/seed-data.js';
import { driveCheckouts } from './checkout-driver.js';
import { chaosCatalog, planCheckouts } from './checkout-plan.js';
import { type ClientRecord, checkInvariants, type InvariantResult } from './invariants.js';
import { driveProvisioning, type LifecycleRecord } from './provisioning-driver.js';
import { checkProvisioningInvariants } from './provisioning-invariants.js';
import { planProvisioning } from './provisioning-plan.js';
import { StoreReader } from './snapshot.js';

const LOG_FILE = '.local-cloud/chaos.log';
/** Replays of a compensation DLQ before the run gives up on what keeps failing (faults go on during replays). */
const REPLAY_ROUNDS = 3;
/** How long after everything else the last notifications may still arrive. */
const NOTIFICATION_GRACE_MS = 60_000;
/** How long a message may still be on its way to a DLQ once everything looks idle (visibility timeouts scaled). */
const DEAD_LETTER_SETTLE_MS = 20_000;
/** Visibility timeouts are a tenth of the template's: a message that keeps failing reaches its DLQ in seconds. */
const VISIBILITY_TIMEOUT_SCALE = 0.1;
const COMPENSATION_DLQS = ['CompensationDlqUrl', 'ProvisioningCompensationDlqUrl'] as const;
/** The DLQs of SQS consumers: a message move task puts their messages back on the queue they failed from. */
const REDRIVABLE_DLQS = ['NotificationsDlqUrl', 'AuditDlqUrl', 'CheckoutRequestsDlqUrl', 'WorkerDlqUrl'] as const;
/** The DLQs of EventBridge rule targets: each event goes back to the queue in its TARGET_ARN. */
const RESENDABLE_DLQS = ['UndeliveredEventsQueueUrl', 'UndeliveredAuditEventsUrl'] as const;
/**
 * EventBridge target retries (and Lambda's asynchronous ones) start after 100 ms instead of a second: a target that
 * keeps refusing exhausts its 8 retries in about 20 s instead of 2 to 3 minutes, so its event reaches its DLQ before
 * the operator looks.
 */
const RETRY_BASE_DELAY_MS = 100;

interface DeadLetterReport {
  /** Depth of every DLQ once the sagas ended, before any replay. */
  readonly parked: Record<string, number>;
  /** Messages redriven (REDRIVEN), events resent (RESENT, LEFT) and replays of parked saga states, by outcome. */
  readonly replays: Record<string, number>;
  /** Depth of every DLQ when the invariants were checked. */
  readonly left: Record<string, number>;
}
const DEFAULT_RATES = 'all=0.05';

interface ChaosArguments {
  readonly sagas: number;
  readonly provisionings: number;
  readonly seed: string;
  readonly ratesText: string;
  readonly rates: Partial<Record<FaultKind, number>>;
  readonly concurrency: number;
  readonly saga: number | undefined;
  readonly lifecycle: number | undefined;
  readonly boundSeconds: number;
  readonly json: string | undefined;
}

interface Section {
  readonly title: string;
  readonly outcomes: Record<string, number>;
  readonly reasons: Record<string, number>;
  readonly results: readonly InvariantResult[];
  readonly reproduce: (index: number) => string;
}

/** What one run did and found: what the report prints and `--json` writes. */
interface ChaosRun {
  readonly args: ChaosArguments;
  readonly sections: readonly Section[];
  readonly deadLetters: DeadLetterReport;
  readonly faults: Partial<Record<FaultKind, number>>;
  /** How long driving the sagas took, without the settling and replays after. */
  readonly seconds: number;
  readonly clients: readonly ClientRecord[];
  readonly lifecycles: readonly LifecycleRecord[];
}

async function main(args: ChaosArguments): Promise<number> {
  // Loaded once the arguments are known good: it loads the services (and node:sqlite, which warns on stderr).
  const { bootLocalCloud } = await import('../local-cloud/boot.js');
  const progress = new Progress();
  const { assemblyDirectory } = await synthesizeAppWithProgress(process.cwd(), progress);

  mkdirSync('.local-cloud', { recursive: true });
  const logFile = createWriteStream(LOG_FILE);
  const writeLog = (line: string) => logFile.write(`${line}\n`);
  progress.start('boot the local cloud with the fault plan');
  const cloud = await bootLocalCloud({
    assemblyDirectory,
    log: writeLog,
    functionLog: writeLog,
    faults: { seed: args.seed, rates: args.rates },
    queueVisibilityTimeoutScale: VISIBILITY_TIMEOUT_SCALE,
    retryBaseDelayMs: RETRY_BASE_DELAY_MS,
  });
  progress.done(cloud.endpoint);
  const reader = new StoreReader(cloud);
  try {
    const catalog = chaosCatalog(args.sagas);
    await seedLocalCloud(cloud);
    await seedChaosCatalog(cloud, catalog);

    const checkoutPlans = pick(planCheckouts(args.seed, args.sagas, catalog), args.saga, args.lifecycle);
    const lifecyclePlans = pick(planProvisioning(args.seed, args.provisionings), args.lifecycle, args.saga);
    const closed = new Set<string>();
    const waiting = new Map<string, () => void>();
    cloud.services.stepFunctions.onExecutionClosed((record) => {
      closed.add(record.name);
      waiting.get(record.name)?.();
    });
    const started = performance.now();
    const checkoutOutcomes: Record<string, number> = {};
    const lifecycleOutcomes: Record<string, number> = {};
    const total = checkoutPlans.length + lifecyclePlans.length;
    const showProgress = () =>
      progress.update(
        `checkouts ${formatCounts(checkoutOutcomes)}; provisionings ${formatCounts(lifecycleOutcomes)} (of ${total})`,
      );
    progress.start(`${checkoutPlans.length} checkouts and ${lifecyclePlans.length} provisioning lifecycles`);
    const [clients, lifecycles] = await Promise.all([
      driveCheckouts(checkoutPlans, {
        apiUrl: cloud.apiUrl,
        concurrency: args.concurrency,
        terminationBoundMs: args.boundSeconds * 1000,
        executionClosed: (checkoutId) =>
          closed.has(checkoutId) ? Promise.resolve() : new Promise((resolve) => waiting.set(checkoutId, resolve)),
        onSagaEnded: (record) => {
          checkoutOutcomes[record.finalStatus] = (checkoutOutcomes[record.finalStatus] ?? 0) + 1;
          showProgress();
        },
      }),
      driveProvisioning(lifecyclePlans, {
        apiUrl: cloud.apiUrl,
        concurrency: Math.max(1, Math.floor(args.concurrency / 2)),
        terminationBoundMs: args.boundSeconds * 1000,
        onLifecycleEnded: (record) => {
          lifecycleOutcomes[record.finalStatus] = (lifecycleOutcomes[record.finalStatus] ?? 0) + 1;
          showProgress();
        },
      }),
    ]);
    const drivenSeconds = (performance.now() - started) / 1000;
    progress.done(`${drivenSeconds.toFixed(1)} s`);

    const settle = async () => {
      await Promise.race([cloud.whenIdle(), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
      // A message on its way to a DLQ waits out visibility timeouts, which the local cloud's idleness does not count.
      await new Promise((resolve) => setTimeout(resolve, DEAD_LETTER_SETTLE_MS));
    };
    progress.start('wait for queues, events and compensations to settle');
    await settle();
    progress.done('done');
    // What the operator does when a DLQ alarms (docs/runbooks): redrive what consumers gave up on, resend the events
    // EventBridge could not deliver, replay what sagas parked, until nothing is left or the rounds run out (faults go
    // on meanwhile).
    const parked = await reader.deadLetterDepths();
    const replays: Record<string, number> = {};
    let depths = parked;
    for (let round = 1; round <= REPLAY_ROUNDS; round++) {
      const redrivable = REDRIVABLE_DLQS.filter((output) => (depths[output] ?? 0) > 0);
      const resendable = RESENDABLE_DLQS.filter((output) => (depths[output] ?? 0) > 0);
      const replayable = COMPENSATION_DLQS.filter((output) => (depths[output] ?? 0) > 0);
      if (redrivable.length + resendable.length + replayable.length === 0) break;
      progress.start(
        `round ${round}: redrive ${redrivable.join(', ') || 'nothing'}; resend ${resendable.join(', ') || 'nothing'}; ` +
          `replay ${replayable.join(', ') || 'nothing'}`,
      );
      for (const output of redrivable) replays.REDRIVEN = (replays.REDRIVEN ?? 0) + (await reader.redrive(output));
      for (const output of resendable) {
        for (const result of await reader.resend(output)) {
          replays[result.outcome] = (replays[result.outcome] ?? 0) + 1;
        }
      }
      for (const output of replayable) {
        for (const result of await reader.replayParked(output)) {
          replays[result.outcome] = (replays[result.outcome] ?? 0) + 1;
        }
      }
      await settle();
      depths = await reader.deadLetterDepths();
      progress.done(formatCounts(replays));
    }
    const sections: Section[] = [
      {
        title: `${clients.length} checkout sagas`,
        outcomes: countBy(clients, (client) => client.finalStatus),
        reasons: reasonsOf(clients),
        results: await checkoutInvariantsOnceDelivered(reader, catalog, clients),
        reproduce: (index) => `${replayBase(args)} --saga ${index}`,
      },
      {
        title: `${lifecycles.length} provisioning lifecycles`,
        outcomes: countBy(lifecycles, (lifecycle) => lifecycle.finalStatus),
        reasons: reasonsOf(lifecycles),
        results: checkProvisioningInvariants(await reader.provisioningSnapshot(lifecycles)),
        reproduce: (index) => `${replayBase(args)} --lifecycle ${index}`,
      },
    ];
    const run: ChaosRun = {
      args,
      sections,
      deadLetters: { parked, replays, left: await reader.deadLetterDepths() },
      faults: cloud.faults?.counts() ?? {},
      seconds: drivenSeconds,
      clients,
      lifecycles,
    };
    console.log(report(run));
    if (args.json) writeFileSync(args.json, `${JSON.stringify(jsonReport(run), null, 2)}\n`);
    return violationCount(sections) === 0 ? 0 : 1;
  } finally {
    reader.close();
    await cloud.stop();
    logFile.end();
  }
}

/**
 * The checkout invariants, once the customers' notifications have arrived: they trail the sagas (an SQS consumer polls
 * for them, redriven ones come later still), and the local cloud's idleness does not count messages waiting in a
 * queue. Read again while a notification is all that is missing, for up to a minute.
 */
async function checkoutInvariantsOnceDelivered(
  reader: StoreReader,
  catalog: ReturnType<typeof chaosCatalog>,
  clients: readonly ClientRecord[],
): Promise<InvariantResult[]> {
  const deadline = Date.now() + NOTIFICATION_GRACE_MS;
  for (;;) {
    const results = checkInvariants(await reader.snapshot(catalog, clients));
    const waitingForNotifications = results.every(
      (result) => result.violations.length === 0 || result.name === 'notifications.delivered',
    );
    if (!waitingForNotifications || Date.now() > deadline) return results;
    if (results.every((result) => result.violations.length === 0)) return results;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The chaos run's own products, with the stock the plan counts on; written outside any saga, so never faulted. */
async function seedChaosCatalog(
  cloud: { endpoint: string; region: string; output: (name: string) => string },
  catalog: ReturnType<typeof chaosCatalog>,
): Promise<void> {
  const seeding = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
    }),
  );
  try {
    await seedCatalog(seeding, cloud.output('CatalogTableName'), {
      products: catalog.map(({ sku, name, priceCents, stock }) => ({
        sku,
        name,
        priceCents,
        available: stock,
        reserved: 0,
      })),
    });
  } finally {
    seeding.destroy();
  }
}

/** The whole plan, or the one entry replayed; none of it when the other kind of saga is replayed. */
function pick<T extends { index: number }>(plans: T[], only: number | undefined, other: number | undefined): T[] {
  if (only !== undefined) return plans.filter((plan) => plan.index === only);
  return other === undefined ? plans : [];
}

function report({ args, sections, deadLetters, faults, seconds }: ChaosRun): string {
  const lines: string[] = [];
  lines.push('', `chaos run: seed ${args.seed}, rates ${args.ratesText}; took ${seconds.toFixed(1)} s`);
  const injected = Object.entries(faults);
  lines.push(
    `  faults injected: ${injected.length === 0 ? 'none' : injected.map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
  );
  lines.push(`  dead-letter queues when the sagas ended: ${formatCounts(nonEmpty(deadLetters.parked))}`);
  lines.push(
    `  redriven, resent and replayed (npm run dlq -- redrive, resend, replay): ${formatCounts(deadLetters.replays)}`,
  );
  lines.push(`  dead-letter queues at the check: ${formatCounts(nonEmpty(deadLetters.left))}`);
  const width = Math.max(...sections.flatMap((section) => section.results.map((result) => result.name.length)));
  for (const section of sections) {
    lines.push('', `${section.title}: ${formatCounts(section.outcomes)}`);
    lines.push(`  reasons: ${formatCounts(section.reasons)}`);
    for (const result of section.results) {
      const mark = result.violations.length === 0 ? 'ok  ' : 'FAIL';
      lines.push(
        `  ${mark} ${result.name.padEnd(width)}  ${String(result.checked).padStart(6)} checked, ${result.violations.length} violations  (${result.promise})`,
      );
      for (const violation of result.violations.slice(0, 20)) {
        lines.push(`         ${violation.subject}: ${violation.detail}`);
        if (violation.sagaIndex !== undefined)
          lines.push(`           reproduce: ${section.reproduce(violation.sagaIndex)}`);
      }
      if (result.violations.length > 20) lines.push(`         … and ${result.violations.length - 20} more`);
    }
  }
  const total = violationCount(sections);
  lines.push('', total === 0 ? 'no invariant violated' : `${total} invariant violation(s); the log is in ${LOG_FILE}`);
  return lines.join('\n');
}

function jsonReport({ args, sections, deadLetters, faults, seconds, clients, lifecycles }: ChaosRun) {
  return {
    seed: args.seed,
    rates: args.rates,
    seconds,
    faults,
    deadLetters,
    sections: sections.map(({ title, outcomes, reasons, results }) => ({
      title,
      outcomes,
      reasons,
      invariants: results,
    })),
    checkouts: clients.map((client) => ({
      index: client.plan.index,
      correlationId: client.plan.correlationId,
      status: client.finalStatus,
      reason: client.reason,
    })),
    lifecycles: lifecycles.map((lifecycle) => ({
      index: lifecycle.plan.index,
      correlationId: lifecycle.plan.correlationId,
      flavor: lifecycle.plan.flavor,
      deleteWhen: lifecycle.plan.deleteWhen,
      status: lifecycle.finalStatus,
      reason: lifecycle.reason,
    })),
  };
}

function violationCount(sections: readonly Section[]): number {
  return sections.flatMap((section) => section.results).reduce((sum, result) => sum + result.violations.length, 0);
}

function replayBase(args: ChaosArguments): string {
  return `npm run chaos -- --sagas ${args.sagas} --provisionings ${args.provisionings} --seed ${args.seed} --rates '${args.ratesText}'`;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

function reasonsOf(records: readonly { finalStatus: string; reason?: string | undefined }[]): Record<string, number> {
  return countBy(
    records.filter((record) => record.reason !== undefined),
    (record) => `${record.finalStatus} ${record.reason}`,
  );
}

function nonEmpty(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

interface ChaosOptions {
  readonly sagas: number;
  readonly provisionings: number;
  readonly seed: string;
  readonly rates: string;
  readonly concurrency: number;
  readonly saga?: number;
  readonly lifecycle?: number;
  readonly bound: number;
  readonly json?: string;
}

const program = defineCli({
  name: 'chaos',
  invocation: 'npm run chaos --',
  description:
    'Boots the local cloud with a fault plan, drives randomized checkout sagas and provisioning lifecycles through ' +
    'the API at once, waits for all of them to end, and checks the saga invariants against the stores ' +
    '(docs/reliability.md). Exits 1 if any invariant is violated.',
  epilog: `Fault kinds for --rates: ${Object.keys(FAULT_KINDS).join(', ')}`,
})
  .option('--sagas <n>', 'checkouts to run', parse.integer(0), 200)
  .option('--provisionings <n>', 'provisioning lifecycles to run', parse.integer(0), 40)
  .option('--seed <text>', 'seed of the plans and of every fault decision; letters, digits, _ and -', '1')
  .option('--rates <list>', 'fault rates, kind=rate,... or all=rate (kinds below)', DEFAULT_RATES)
  .option(
    '--concurrency <n>',
    'checkout clients at once; provisioning clients are half as many, at least 1',
    parse.integer(1),
    10,
  )
  .option('--saga <i>', "run checkout i of the plan alone (what a violation's reproduction does)", parse.integer(0))
  .option('--lifecycle <i>', 'run provisioning lifecycle i of the plan alone', parse.integer(0))
  .option('--bound <seconds>', 'how long a saga may run before it counts as not terminating', parse.integer(1), 120)
  .option('--json <file>', "write the run's figures, faults and invariant results to <file>")
  .action(async (options: ChaosOptions) => {
    process.exitCode = await main(checkedArguments(options));
  });

/** What commander cannot check alone: options that go together, and the fault rates' grammar. */
function checkedArguments(options: ChaosOptions): ChaosArguments {
  const { sagas, provisionings, saga, lifecycle } = options;
  if (saga !== undefined && saga >= sagas) throw new UsageError(`--saga ${saga} is not below --sagas ${sagas}`);
  if (lifecycle !== undefined && lifecycle >= provisionings) {
    throw new UsageError(`--lifecycle ${lifecycle} is not below --provisionings ${provisionings}`);
  }
  if (saga !== undefined && lifecycle !== undefined) throw new UsageError('Replay one saga: --saga or --lifecycle');
  if (sagas + provisionings === 0) throw new UsageError('Nothing to run: --sagas and --provisionings are both 0');
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(options.seed)) {
    throw new UsageError(`--seed must be 1 to 40 letters, digits, _ or -, got '${options.seed}'`);
  }
  let rates: Partial<Record<FaultKind, number>>;
  try {
    rates = parseFaultRates(options.rates);
  } catch (error) {
    throw new UsageError(`--rates: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return {
    sagas,
    provisionings,
    seed: options.seed,
    ratesText: options.rates,
    rates,
    concurrency: options.concurrency,
    saga,
    lifecycle,
    boundSeconds: options.bound,
    json: options.json,
  };
}

await runCli(program);
