/**
 * The benchmark run itself, once `bench/run.ts` has checked the arguments: synth, boot, the sections, the report. A
 * module of its own so that `--help` and a wrong argument load none of it (the local cloud, node:sqlite, the SDKs).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { bootLocalCloud } from '../local-cloud/boot.js';
import { Progress } from '../local-cloud/cli/progress.js';
import { synthesizeAppWithProgress } from '../local-cloud/cli/synth-in-background.js';
import { seedLocalCloud } from '../scripts/seed-data.js';
import { type Figure, renderComparison, renderFigures } from './figures.js';
import type { BenchOptions, BenchSection } from './options.js';
import { profileMainThread, renderProfileSummary, summarizeProfiles } from './profile.js';
import { bootTimes, freshSynthBoot } from './scenarios/boot.js';
import { bundles } from './scenarios/bundles.js';
import { checkoutLoad, WARM_UP_CHECKOUTS } from './scenarios/checkout-load.js';
import { consolePages } from './scenarios/console.js';
import { checkoutCost, vmHourCost } from './scenarios/cost.js';
import { machineReference } from './scenarios/machine.js';
import { provisioningLifecycle } from './scenarios/provisioning.js';
import { sdkOperations } from './scenarios/sdk-operations.js';

const LOG_FILE = '.local-cloud/bench.log';
interface BenchReport {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly machine: string;
  readonly figures: Figure[];
}

/** One benchmark run of `sections`, figures on stdout, progress on stderr. */
export async function bench(args: BenchOptions, sections: ReadonlySet<BenchSection>): Promise<void> {
  const progress = new Progress();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`;
  console.log(`sagastack benchmark: Node ${process.version}, ${machine}`);

  const { assemblyDirectory } = await synthesizeAppWithProgress(process.cwd(), progress);

  const scale = args.quick ? 0.25 : 1;
  const figures: Figure[] = [];
  progress.start('reference work');
  figures.push(...(await machineReference()));
  progress.done('done');
  if (sections.has('boot')) figures.push(...(await bootTimes(assemblyDirectory, 3, progress)));

  // What the functions and services print goes to a file: a failure under load is explained there, not on screen.
  mkdirSync('.local-cloud', { recursive: true });
  const logFile = createWriteStream(LOG_FILE);
  const writeLog = (line: string) => logFile.write(`${line}\n`);
  const profileDirectory = args.profile ? prepareProfileDirectory(args.profile) : undefined;
  progress.start('boot the local cloud for the measurements');
  const cloud = await bootLocalCloud({
    assemblyDirectory,
    log: writeLog,
    functionLog: writeLog,
    cpuProfileDirectory: profileDirectory,
    // Only when the console is measured: the warm-up's CPU would otherwise land in the other sections' figures.
    warmConsoleLayouts: sections.has('console'),
  });
  progress.done(cloud.endpoint);
  let checkoutsRun = 0;
  try {
    progress.start('seed');
    const seeded = await seedLocalCloud(cloud);
    progress.done(`${seeded.products} products, ${seeded.capacitySlots} capacity rows`);
    if (sections.has('operations')) {
      figures.push(...(await sdkOperations(cloud, Math.round(1000 * scale), progress)));
    }
    if (sections.has('checkouts')) {
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
    if (sections.has('provisioning')) {
      const lifecycle = await provisioningLifecycle(cloud, progress);
      figures.push(...lifecycle.figures, ...vmHourCost(lifecycle.lifecycleUsage, lifecycle.billingRunUsage));
    }
    if (sections.has('bundles')) figures.push(...(await bundles(cloud, progress)));
    if (sections.has('console')) figures.push(...(await consolePages(cloud, progress)));
  } finally {
    await cloud.stop();
    logFile.end();
  }
  if (sections.has('synth')) figures.push(...(await freshSynthBoot(progress)));

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
}

/** A directory of this run's profiles only: earlier runs' would be counted too. */
function prepareProfileDirectory(directory: string): string {
  const absolute = path.resolve(directory);
  mkdirSync(absolute, { recursive: true });
  for (const file of readdirSync(absolute).filter((name) => name.endsWith('.cpuprofile')))
    rmSync(path.join(absolute, file));
  return absolute;
}

function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
