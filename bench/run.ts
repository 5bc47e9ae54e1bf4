/**
 * `npm run bench`: the local cloud and the functions against their goals, in one reproducible run. Every figure is
 * printed with its goal beside it; none is ever asserted in a test. `--json <file>` keeps the figures, and
 * `--compare <file>` prints a kept run beside this one, so two commits can be compared.
 *
 * Reproducible: fixed counts, a fresh local cloud, dedicated products and tenants, the same request mix every run.
 * Timings depend on the machine: `docs/benchmarks.md` records a run with the machine it ran on.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bootLocalCloud } from '../local-cloud/boot.js';
import { synthesizeApp } from '../local-cloud/config.js';
import { seedLocalCloud } from '../scripts/seed-data.js';
import { type Figure, renderComparison, renderFigures } from './figures.js';
import { profileMainThread, renderProfileSummary, summarizeProfiles } from './profile.js';
import { Progress } from './progress.js';
import { bootTimes, freshSynthBoot } from './scenarios/boot.js';
import { bundles } from './scenarios/bundles.js';
import { checkoutLoad, WARM_UP_CHECKOUTS } from './scenarios/checkout-load.js';
import { checkoutCost, vmHourCost } from './scenarios/cost.js';
import { machineReference } from './scenarios/machine.js';
import { provisioningLifecycle } from './scenarios/provisioning.js';
import { sdkOperations } from './scenarios/sdk-operations.js';

const LOG_FILE = '.local-cloud/bench.log';
const SECTIONS = ['boot', 'operations', 'checkouts', 'provisioning', 'bundles', 'synth'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench -- [options]

Boots the local cloud and measures it and the app's functions against the goals of docs/benchmarks.md.

Options:
  --json <file>      write the figures (and the machine and commit) to <file>
  --compare <file>   print the figures of an earlier --json run beside these
  --only <sections>  comma-separated subset of: ${SECTIONS.join(', ')}
  --skip <sections>  leave these sections out (e.g. --skip synth, the slowest)
  --quick            a quarter of the checkouts and operations: a smoke run, not a measurement
  --profile <dir>    write V8 CPU profiles of the local cloud's thread (checkouts section) and of every function
                     environment into <dir>, and print where the CPU went (best with --only checkouts)
  -h, --help         this text`;

interface BenchReport {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly machine: string;
  readonly figures: Figure[];
}

async function main(): Promise<number> {
  const args = parseArguments();
  if (!args) return 2;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const progress = new Progress();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`;
  console.log(`sagastack benchmark: Node ${process.version}, ${machine}`);

  progress.start('cdk.out');
  const { assemblyDirectory, reused } = await synthesizeApp(process.cwd());
  progress.done(reused ? 'up to date' : 'synthesized');

  const scale = args.quick ? 0.25 : 1;
  const figures: Figure[] = [];
  progress.start('reference work');
  figures.push(...(await machineReference()));
  progress.done('done');
  if (args.sections.has('boot')) figures.push(...(await bootTimes(assemblyDirectory, 3, progress)));

  // What the functions and services print goes to a file: a failure under load is explained there, not on screen.
  mkdirSync('.local-cloud', { recursive: true });
  const logFile = createWriteStream(LOG_FILE);
  const writeLog = (line: string) => logFile.write(`${line}\n`);
  const profileDirectory = args.profile ? prepareProfileDirectory(args.profile) : undefined;
  const cloud = await bootLocalCloud({
    assemblyDirectory,
    log: writeLog,
    functionLog: writeLog,
    cpuProfileDirectory: profileDirectory,
  });
  let checkoutsRun = 0;
  try {
    await seedLocalCloud(cloud);
    if (args.sections.has('operations')) {
      figures.push(...(await sdkOperations(cloud, Math.round(1000 * scale), progress)));
    }
    if (args.sections.has('checkouts')) {
      const stopProfiling = profileDirectory ? await profileMainThread(profileDirectory) : undefined;
      const load = await checkoutLoad(cloud, {
        levels: [1, 10, 50],
        checkoutsAt: (concurrency) => Math.round(Math.max(60, concurrency * 4) * scale),
        progress,
      });
      await stopProfiling?.();
      checkoutsRun = WARM_UP_CHECKOUTS + load.levels.reduce((sum, level) => sum + level.checkouts, 0);
      figures.push(...load.figures);
      const single = load.levels.find((level) => level.poll && level.concurrency === 1);
      if (single) figures.push(...checkoutCost(single));
    }
    if (args.sections.has('provisioning')) {
      const lifecycle = await provisioningLifecycle(cloud, progress);
      figures.push(...lifecycle.figures, ...vmHourCost(lifecycle.lifecycleUsage, lifecycle.billingRunUsage));
    }
    if (args.sections.has('bundles')) figures.push(...(await bundles(cloud, progress)));
  } finally {
    await cloud.stop();
    logFile.end();
  }
  if (args.sections.has('synth')) figures.push(...(await freshSynthBoot(progress)));

  console.log(renderFigures(figures));
  if (profileDirectory) {
    console.log(`\nCPU profiles in ${profileDirectory}:\n`);
    console.log(renderProfileSummary(summarizeProfiles(profileDirectory), Math.max(1, checkoutsRun)));
  }
  console.log(`\nFunction and service logs of this run: ${LOG_FILE}`);
  if (args.compare) {
    const before = JSON.parse(readFileSync(args.compare, 'utf8')) as BenchReport;
    console.log(`\nCompared with ${args.compare} (${before.commit}, ${before.date}):`);
    console.log(renderComparison(before.figures, figures));
  }
  if (args.json) {
    const report: BenchReport = {
      date: new Date().toISOString(),
      commit: currentCommit(),
      node: process.version,
      machine,
      figures,
    };
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nFigures written to ${args.json}`);
  }
  return 0;
}

/** A directory of this run's profiles only: earlier runs' would be counted too. */
function prepareProfileDirectory(directory: string): string {
  const absolute = path.resolve(directory);
  mkdirSync(absolute, { recursive: true });
  for (const file of readdirSync(absolute).filter((name) => name.endsWith('.cpuprofile')))
    rmSync(path.join(absolute, file));
  return absolute;
}

function parseArguments() {
  try {
    const { values } = parseArgs({
      options: {
        json: { type: 'string' },
        compare: { type: 'string' },
        only: { type: 'string' },
        skip: { type: 'string' },
        quick: { type: 'boolean', default: false },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const listed = (text: string | undefined) => (text ?? '').split(',').filter((name) => name.length > 0);
    for (const name of [...listed(values.only), ...listed(values.skip)]) {
      if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section '${name}'`);
    }
    const only = listed(values.only);
    const skip = new Set(listed(values.skip));
    const sections = new Set<Section>(
      (only.length > 0 ? (only as Section[]) : [...SECTIONS]).filter((name) => !skip.has(name)),
    );
    return { ...values, sections };
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    return undefined;
  }
}

function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

process.exitCode = await main();
