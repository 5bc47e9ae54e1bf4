/**
 * Chooses the target of the end-to-end suite by `TARGET`:
 * - `local` (default): synthesizes the Local stage if needed and boots the embedded local cloud in this process;
 * - `localstack` or `aws`: reads the outputs of a stage deployed with `cdk deploy --outputs-file` (E2E_OUTPUTS_FILE,
 *   default `.local-cloud/localstack-outputs.json` after `npm run localstack:deploy`).
 * Tests only ever see URLs and stack outputs, so the same scenarios run against any target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';
import { bootLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../../local-cloud/boot.js';
import { synthesizeApp } from '../../../local-cloud/config.js';
import { seedLocalCloud } from '../../../scripts/seed-data.js';
import { E2E_HEARTBEAT_TIMEOUT_SCALE, E2E_RETRY_INTERVAL_SCALE } from './local-timing.js';
import type { E2eTarget } from './target.js';

let cloud: LocalCloud | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kind = (process.env.TARGET ?? 'local') as E2eTarget['kind'];
  let target: E2eTarget;
  if (kind === 'local') {
    ({ cloud, target } = await startLocalTarget());
  } else {
    const file = process.env.E2E_OUTPUTS_FILE ?? join(repositoryRoot, '.local-cloud/localstack-outputs.json');
    const outputs = flatten(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>);
    const apiUrl = outputs.ApiUrl;
    if (!apiUrl) throw new Error(`${file} has no ApiUrl output`);
    target = {
      kind,
      apiUrl,
      awsEndpoint:
        kind === 'localstack' ? (process.env.AWS_ENDPOINT_URL ?? 'http://localhost.localstack.cloud:4566') : undefined,
      region: process.env.AWS_REGION ?? 'us-east-1',
      outputs,
    };
  }
  project.provide('target', target);
  return async () => {
    await cloud?.stop();
  };
}

/** Synthesizes the Local stage if needed, boots the embedded local cloud in this process and seeds it. */
export async function startLocalTarget(
  extraOptions: Partial<LocalCloudOptions> = {},
): Promise<{ cloud: LocalCloud; target: E2eTarget }> {
  const { assemblyDirectory } = await synthesizeApp(repositoryRoot);
  const local = await bootLocalCloud({
    assemblyDirectory,
    // Retries that wait seconds on AWS wait a tenth here, so failure scenarios finish quickly.
    retryBaseDelayMs: 100,
    // An event a target refuses runs out its 8 retries (tuning.events.targetMaxRetries) in about 4 s instead of 20:
    // the backoff doubles from 100 ms up to 1 s here, up to a minute on AWS.
    retryMaxDelayMs: 1000,
    // Redelivery after a failure takes 2 s instead of 60 s (still longer than a batch takes), so the poison-message
    // scenarios finish in seconds instead of minutes.
    queueVisibilityTimeoutScale: 0.03,
    heartbeatTimeoutScale: E2E_HEARTBEAT_TIMEOUT_SCALE,
    retryIntervalScale: E2E_RETRY_INTERVAL_SCALE,
    log: () => {},
    functionLog: process.env.E2E_VERBOSE ? (line) => console.log(line) : () => {},
    ...extraOptions,
  });
  await seedLocalCloud(local);
  return {
    cloud: local,
    target: {
      kind: 'local',
      apiUrl: local.apiUrl,
      awsEndpoint: local.endpoint,
      region: local.region,
      outputs: flatten(local.outputs),
    },
  };
}

function flatten(outputs: Record<string, Record<string, string>>): Record<string, string> {
  return Object.assign({}, ...Object.values(outputs)) as Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    target: E2eTarget;
  }
}
