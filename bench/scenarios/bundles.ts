/**
 * The size of every function bundle the stage deploys, and its cold start: a fresh Node process loads the bundle and
 * answers one invocation (`bench/load/cold-start.mjs`). Bundles shared by several functions are measured once.
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalCloud } from '../../local-cloud/boot.js';
import type { Progress } from '../../local-cloud/cli/progress.js';
import type { FunctionSpec } from '../../local-cloud/lambda/index.js';
import { atMost, type Figure } from '../figures.js';
import { median } from '../stats.js';

const run = promisify(execFile);
const COLD_START_SCRIPT = new URL('../load/cold-start.mjs', import.meta.url).pathname;
const KB = 1024;
const COLD_STARTS_PER_BUNDLE = 3;

interface BundleMeasurement {
  readonly functionName: string;
  readonly bytes: number;
  /** As deployed: with the function's NODE_OPTIONS (source maps on). */
  readonly coldStartMs: number;
  /** The same without NODE_OPTIONS: what parsing the source map costs. */
  readonly coldStartWithoutSourceMapsMs: number;
}

export async function bundles(cloud: LocalCloud, progress: Progress): Promise<Figure[]> {
  const byDirectory = new Map<string, FunctionSpec>();
  for (const spec of cloud.services.lambda.listFunctions()) {
    if (!byDirectory.has(spec.codeDirectory)) byDirectory.set(spec.codeDirectory, spec);
  }
  const measured: BundleMeasurement[] = [];
  progress.start(
    `cold start of ${byDirectory.size} bundles, ${COLD_STARTS_PER_BUNDLE} times each in a fresh Node process, with and without source maps`,
  );
  for (const spec of byDirectory.values()) {
    measured.push({
      functionName: spec.name,
      bytes: bundleBytes(spec),
      coldStartMs: await medianColdStart(cloud, spec, spec.environment.NODE_OPTIONS ?? ''),
      coldStartWithoutSourceMapsMs: await medianColdStart(cloud, spec, ''),
    });
    progress.update(`${measured.length}/${byDirectory.size}`);
  }
  progress.done('done');

  const sizes = measured.map((bundle) => bundle.bytes / KB);
  const coldStarts = measured.map((bundle) => bundle.coldStartMs);
  const largest = measured.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const slowest = measured.reduce((a, b) => (b.coldStartMs > a.coldStartMs ? b : a));
  const section = `Function bundles (${measured.length}, minified)`;
  return [
    { id: 'bundle.size.min', section, label: 'bundle size, min', value: Math.min(...sizes), unit: 'KB' },
    { id: 'bundle.size.median', section, label: 'bundle size, median', value: median(sizes), unit: 'KB' },
    {
      id: 'bundle.size.max',
      section,
      label: 'bundle size, max',
      value: Math.max(...sizes),
      unit: 'KB',
      goal: atMost(250),
      note: shortName(largest.functionName),
    },
    { id: 'bundle.coldStart.min', section, label: 'cold start, min', value: Math.min(...coldStarts), unit: 'ms' },
    {
      id: 'bundle.coldStart.median',
      section,
      label: 'cold start, median',
      value: median(coldStarts),
      unit: 'ms',
      goal: atMost(150),
    },
    {
      id: 'bundle.coldStart.max',
      section,
      label: 'cold start, max',
      value: Math.max(...coldStarts),
      unit: 'ms',
      note: shortName(slowest.functionName),
    },
    {
      id: 'bundle.coldStart.noSourceMaps.median',
      section,
      label: 'cold start without source maps, median',
      value: median(measured.map((bundle) => bundle.coldStartWithoutSourceMapsMs)),
      unit: 'ms',
      note: 'what --enable-source-maps costs (readable stack traces)',
    },
  ];
}

/** The handler file: `index.mjs` for ES module bundles, `index.js` for CommonJS ones. */
function bundleBytes(spec: FunctionSpec): number {
  const [moduleName] = spec.handler.split('.');
  for (const extension of ['.mjs', '.js', '.cjs']) {
    const file = join(spec.codeDirectory, `${moduleName}${extension}`);
    if (existsSync(file)) return statSync(file).size;
  }
  throw new Error(`No handler file for ${spec.name} in ${spec.codeDirectory}`);
}

/**
 * The median of a few cold starts: one alone moved by a fifth between runs on a shared VM, which hid changes of that
 * size.
 */
async function medianColdStart(cloud: LocalCloud, spec: FunctionSpec, nodeOptions: string): Promise<number> {
  const samples: number[] = [];
  for (let sample = 0; sample < COLD_STARTS_PER_BUNDLE; sample++)
    samples.push(await coldStart(cloud, spec, nodeOptions));
  return median(samples);
}

/** Import to first response in a fresh process with the function's environment (the local cloud's endpoint). */
async function coldStart(cloud: LocalCloud, spec: FunctionSpec, nodeOptions: string): Promise<number> {
  const { stdout } = await run(process.execPath, [COLD_START_SCRIPT, spec.codeDirectory, spec.handler], {
    env: {
      PATH: process.env.PATH ?? '',
      ...spec.environment,
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: cloud.region,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySizeMb),
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      AWS_ENDPOINT_URL: cloud.endpoint,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  return (JSON.parse(lastLine) as { firstResponseMs: number }).firstResponseMs;
}

/** `Local-Checkout-PriceCartFn8D289657-…` reads better as `PriceCartFn`. */
function shortName(functionName: string): string {
  return functionName.split('-')[2]?.replace(/[0-9A-F]{8}$/, '') ?? functionName;
}
