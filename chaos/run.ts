/**
 * `npm run chaos`: randomized checkout sagas through the real API while the local cloud injects faults at its service
 * boundaries, then the saga invariants checked against the stores. One line per invariant, the faults injected per
 * kind, and for each violation the command that runs its saga again alone. Exits 1 on any violation.
 *
 * Reproducible: the plan (carts, tokens, refunds) comes from the seed, and every fault decision is keyed by the
 * saga's correlation ID (docs/adr/0013-fault-injection-at-service-boundaries.md), so `--saga <i>` replays saga i
 * with the same faults. Interleavings with other sagas (who gets the last scarce item) are not replayed.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Progress } from '../bench/progress.js';
import { seedCatalog } from '../functions/checkout/seed/products.js';
import { bootLocalCloud } from '../local-cloud/boot.js';
import { synthesizeApp } from '../local-cloud/config.js';
import { FAULT_KINDS, type FaultKind, parseFaultRates } from '../local-cloud/faults/fault-plan.js';
import { seedLocalCloud } from '../scripts/seed-data.js';
import { driveCheckouts } from './checkout-driver.js';
import { chaosCatalog, planCheckouts } from './checkout-plan.js';
import { type ClientRecord, checkInvariants, type InvariantResult } from './invariants.js';
import { StoreReader } from './snapshot.js';

const LOG_FILE = '.local-cloud/chaos.log';
const DEFAULT_RATES = 'all=0.05';

const USAGE = `Usage: npm run chaos -- [options]

Boots the local cloud with a fault plan, drives randomized checkout sagas through the API, waits for all of them to
end, and checks the saga invariants against the stores (docs/reliability.md). Exits 1 if any invariant is violated.

Options:
  --sagas <n>          checkouts to run (default 200)
  --seed <text>        seed of the plan and of every fault decision (default 1); letters, digits, _ and -
  --rates <list>       fault rates, kind=rate,... or all=rate (default ${DEFAULT_RATES}); kinds:
                       ${Object.keys(FAULT_KINDS).join(', ')}
  --concurrency <n>    clients at once (default 10)
  --saga <i>           run saga i of the plan alone (what a violation's reproduction does)
  --bound <seconds>    how long a saga may run before it counts as not terminating (default 120)
  --json <file>        write the run's figures, faults and invariant results to <file>
  -h, --help           this text`;

interface ChaosArguments {
  readonly sagas: number;
  readonly seed: string;
  readonly ratesText: string;
  readonly rates: Partial<Record<FaultKind, number>>;
  readonly concurrency: number;
  readonly saga: number | undefined;
  readonly boundSeconds: number;
  readonly json: string | undefined;
}

async function main(): Promise<number> {
  let args: ChaosArguments | 'help';
  try {
    args = parseArguments();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const progress = new Progress();
  progress.start('cdk.out');
  const { assemblyDirectory, reused } = await synthesizeApp(process.cwd());
  progress.done(reused ? 'up to date' : 'synthesized');

  mkdirSync('.local-cloud', { recursive: true });
  const logFile = createWriteStream(LOG_FILE);
  const writeLog = (line: string) => logFile.write(`${line}\n`);
  progress.start('boot the local cloud with the fault plan');
  const cloud = await bootLocalCloud({
    assemblyDirectory,
    log: writeLog,
    functionLog: writeLog,
    faults: { seed: args.seed, rates: args.rates },
  });
  progress.done(cloud.endpoint);
  const reader = new StoreReader(cloud);
  try {
    const catalog = chaosCatalog(args.sagas);
    await seedLocalCloud(cloud);
    const seeding = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: cloud.endpoint,
        region: cloud.region,
        credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
      }),
    );
    await seedCatalog(seeding, cloud.output('CatalogTableName'), {
      products: catalog.map(({ sku, name, priceCents, stock }) => ({
        sku,
        name,
        priceCents,
        available: stock,
        reserved: 0,
      })),
    });
    seeding.destroy();

    const allPlans = planCheckouts(args.seed, args.sagas, catalog);
    const plans = args.saga === undefined ? allPlans : allPlans.filter((plan) => plan.index === args.saga);
    const closed = new Set<string>();
    const waiting = new Map<string, () => void>();
    cloud.services.stepFunctions.onExecutionClosed((record) => {
      closed.add(record.name);
      waiting.get(record.name)?.();
    });
    const started = performance.now();
    let ended = 0;
    const byStatus: Record<string, number> = {};
    progress.start(`${plans.length} checkout sagas, ${args.concurrency} clients`);
    const clients = await driveCheckouts(plans, {
      apiUrl: cloud.apiUrl,
      concurrency: args.concurrency,
      terminationBoundMs: args.boundSeconds * 1000,
      executionClosed: (checkoutId) =>
        closed.has(checkoutId) ? Promise.resolve() : new Promise((resolve) => waiting.set(checkoutId, resolve)),
      onSagaEnded: (record) => {
        ended += 1;
        byStatus[record.finalStatus] = (byStatus[record.finalStatus] ?? 0) + 1;
        progress.update(`${ended}/${plans.length} ended (${formatCounts(byStatus)})`);
      },
    });
    const drivenSeconds = (performance.now() - started) / 1000;
    progress.done(`${drivenSeconds.toFixed(1)} s: ${formatCounts(byStatus)}`);

    progress.start('wait for queues, events and compensations to settle');
    await Promise.race([cloud.whenIdle(), new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
    progress.done('done');
    const results = checkInvariants(await reader.snapshot(catalog, clients));
    const deadLetters = await reader.deadLetterDepths();
    const violations = results.reduce((sum, result) => sum + result.violations.length, 0);
    console.log(report(args, clients, results, deadLetters, cloud.faults?.counts() ?? {}, drivenSeconds));
    if (args.json) {
      writeFileSync(
        args.json,
        `${JSON.stringify(
          {
            seed: args.seed,
            rates: args.rates,
            sagas: plans.length,
            seconds: drivenSeconds,
            outcomes: byStatus,
            faults: cloud.faults?.counts(),
            deadLetters,
            invariants: results,
            bySaga: clients.map((client) => ({
              index: client.plan.index,
              correlationId: client.plan.correlationId,
              status: client.finalStatus,
              reason: client.reason,
            })),
          },
          null,
          2,
        )}\n`,
      );
    }
    return violations === 0 ? 0 : 1;
  } finally {
    reader.close();
    await cloud.stop();
    logFile.end();
  }
}

function report(
  args: ChaosArguments,
  clients: readonly ClientRecord[],
  results: readonly InvariantResult[],
  deadLetters: Record<string, number>,
  faults: Partial<Record<FaultKind, number>>,
  seconds: number,
): string {
  const lines: string[] = [];
  const outcomes: Record<string, number> = {};
  for (const client of clients) outcomes[client.finalStatus] = (outcomes[client.finalStatus] ?? 0) + 1;
  lines.push('', `chaos run: seed ${args.seed}, rates ${args.ratesText}, ${clients.length} checkout sagas`);
  lines.push(
    `  took ${seconds.toFixed(1)} s (${(clients.length / seconds).toFixed(1)} sagas/s); outcomes: ${formatCounts(outcomes)}`,
  );
  const reasons: Record<string, number> = {};
  for (const client of clients) {
    if (client.reason)
      reasons[`${client.finalStatus} ${client.reason}`] = (reasons[`${client.finalStatus} ${client.reason}`] ?? 0) + 1;
  }
  lines.push(`  reasons: ${formatCounts(reasons)}`);
  const injected = Object.entries(faults);
  lines.push(
    `  faults injected: ${injected.length === 0 ? 'none' : injected.map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
  );
  lines.push(`  dead-letter queues: ${formatCounts(deadLetters)}`);
  lines.push('', 'invariants:');
  const width = Math.max(...results.map((result) => result.name.length));
  for (const result of results) {
    const mark = result.violations.length === 0 ? 'ok  ' : 'FAIL';
    lines.push(
      `  ${mark} ${result.name.padEnd(width)}  ${String(result.checked).padStart(6)} checked, ${result.violations.length} violations  (${result.promise})`,
    );
    for (const violation of result.violations.slice(0, 20)) {
      lines.push(`         ${violation.subject}: ${violation.detail}`);
      if (violation.sagaIndex !== undefined)
        lines.push(`           reproduce: ${reproduction(args, violation.sagaIndex)}`);
    }
    if (result.violations.length > 20) lines.push(`         … and ${result.violations.length - 20} more`);
  }
  const total = results.reduce((sum, result) => sum + result.violations.length, 0);
  lines.push('', total === 0 ? 'no invariant violated' : `${total} invariant violation(s); the log is in ${LOG_FILE}`);
  return lines.join('\n');
}

function reproduction(args: ChaosArguments, sagaIndex: number): string {
  return `npm run chaos -- --sagas ${args.sagas} --seed ${args.seed} --rates '${args.ratesText}' --saga ${sagaIndex}`;
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

function parseArguments(): ChaosArguments | 'help' {
  const { values } = parseArgs({
    options: {
      sagas: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      rates: { type: 'string', default: DEFAULT_RATES },
      concurrency: { type: 'string', default: '10' },
      saga: { type: 'string' },
      bound: { type: 'string', default: '120' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const sagas = positiveInteger('--sagas', values.sagas);
  const saga = values.saga === undefined ? undefined : nonNegativeInteger('--saga', values.saga);
  if (saga !== undefined && saga >= sagas) throw new RangeError(`--saga ${saga} is not below --sagas ${sagas}`);
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(values.seed)) {
    throw new RangeError(`--seed must be 1 to 40 letters, digits, _ or -, got '${values.seed}'`);
  }
  return {
    sagas,
    seed: values.seed,
    ratesText: values.rates,
    rates: parseFaultRates(values.rates),
    concurrency: positiveInteger('--concurrency', values.concurrency),
    saga,
    boundSeconds: positiveInteger('--bound', values.bound),
    json: values.json,
  };
}

function positiveInteger(name: string, text: string): number {
  const value = nonNegativeInteger(name, text);
  if (value === 0) throw new RangeError(`${name} must be a positive integer, got '${text}'`);
  return value;
}

function nonNegativeInteger(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new RangeError(`${name} must be a whole number, got '${text}'`);
  return Number(text);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  },
);
