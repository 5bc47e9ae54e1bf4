/**
 * What the KMS tests share: a local KMS served on loopback with an SDK client pointed at it, and the smallest cloud
 * assembly `cdk synth` could have written for a stack of KMS resources, to boot a whole local cloud from.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import type { EdgeRequestGuard } from '../../local-cloud/aws-protocol.js';
import { listenOnLoopback, type RunningServer } from '../../local-cloud/edge-server.js';
import { kmsService, LocalKms } from '../../local-cloud/kms/index.js';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';

export interface ServedKms {
  readonly kms: LocalKms;
  readonly server: RunningServer;
  readonly client: (accessKeyId?: string) => KMSClient;
}

export async function serveKms(guard?: EdgeRequestGuard): Promise<ServedKms> {
  const kms = new LocalKms({ account: ACCOUNT, region: REGION });
  const server = await listenOnLoopback(kmsService(kms, guard).listener);
  return {
    kms,
    server,
    client: (accessKeyId = 'local') =>
      new KMSClient({ endpoint: server.url, region: REGION, credentials: { accessKeyId, secretAccessKey: 'local' } }),
  };
}

const STACK_ID = 'KeysStack1A2B3C4D';
const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 1));

/** A cloud assembly of stage `Tiny` with one stack `Tiny-Keys` holding `resources` (shape of cdk.out). */
export function writeTinyAssembly(
  root: string,
  resources: Record<string, unknown>,
  outputs: Record<string, unknown> = {},
): void {
  const stageDirectory = join(root, 'assembly-Tiny');
  mkdirSync(stageDirectory, { recursive: true });
  writeJson(join(root, 'manifest.json'), {
    version: '55.0.0',
    artifacts: {
      'assembly-Tiny': {
        type: 'cdk:cloud-assembly',
        properties: { directoryName: 'assembly-Tiny', displayName: 'Tiny' },
      },
    },
  });
  writeJson(join(stageDirectory, 'manifest.json'), {
    version: '55.0.0',
    artifacts: {
      [`${STACK_ID}.assets`]: {
        type: 'cdk:asset-manifest',
        properties: { file: `${STACK_ID}.assets.json`, requiresBootstrapStackVersion: 6 },
      },
      [STACK_ID]: {
        type: 'aws:cloudformation:stack',
        environment: `aws://${ACCOUNT}/${REGION}`,
        properties: {
          templateFile: `${STACK_ID}.template.json`,
          terminationProtection: false,
          validateOnSynth: false,
          requiresBootstrapStackVersion: 6,
          stackName: 'Tiny-Keys',
        },
        dependencies: [`${STACK_ID}.assets`],
        displayName: 'Tiny/Keys',
      },
    },
  });
  writeJson(join(stageDirectory, `${STACK_ID}.assets.json`), { version: '55.0.0', files: {}, dockerImages: {} });
  writeJson(join(stageDirectory, `${STACK_ID}.template.json`), { Resources: resources, Outputs: outputs });
}

/** Resolves to the error a call fails with; fails the test if the call succeeds. */
export const failureOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('The call succeeded');
    },
    (error: Error) => error,
  );
