import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudAssemblyError, readStage } from '../../local-cloud/assembly/cloud-assembly.js';

/** A stack as `cdk synth` describes it in the stage manifest (shape copied from cdk.out/assembly-Local). */
interface StackSketch {
  readonly id: string;
  readonly stackName: string;
  readonly displayName: string;
  readonly dependsOnStacks?: readonly string[];
  readonly lambdaAssetHashes?: readonly string[];
  readonly resources?: Record<string, unknown>;
}

const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 1));

/**
 * Writes a root manifest pointing at the nested stage assembly `assembly-<stage>`, the stage manifest with one
 * `aws:cloudformation:stack` and one `cdk:asset-manifest` per stack, their templates, and the staged asset directories
 * next to the stage directory (CDK stages them at the root and refers to them as `../asset.<hash>`).
 */
function writeAssembly(root: string, stage: string, stacks: readonly StackSketch[]): void {
  const stageDirectory = join(root, `assembly-${stage}`);
  mkdirSync(stageDirectory, { recursive: true });
  writeJson(join(root, 'manifest.json'), {
    version: '55.0.0',
    artifacts: {
      [`assembly-${stage}`]: {
        type: 'cdk:cloud-assembly',
        properties: { directoryName: `assembly-${stage}`, displayName: stage },
      },
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
    },
  });
  const artifacts: Record<string, unknown> = {};
  for (const stack of stacks) {
    const files: Record<string, unknown> = {};
    for (const hash of stack.lambdaAssetHashes ?? []) {
      mkdirSync(join(root, `asset.${hash}`), { recursive: true });
      files[hash] = {
        displayName: `${hash}/Code`,
        source: { path: `../asset.${hash}`, packaging: 'zip' },
        destinations: {
          '000000000000-us-east-1-a9d6cf55': {
            bucketName: 'cdk-hnb659fds-assets-000000000000-us-east-1',
            objectKey: `${hash}.zip`,
            region: 'us-east-1',
          },
        },
      };
    }
    writeJson(join(stageDirectory, `${stack.id}.assets.json`), { version: '55.0.0', files, dockerImages: {} });
    writeJson(join(stageDirectory, `${stack.id}.template.json`), { Resources: stack.resources ?? {} });
    artifacts[`${stack.id}.assets`] = {
      type: 'cdk:asset-manifest',
      properties: { file: `${stack.id}.assets.json`, requiresBootstrapStackVersion: 6 },
    };
    artifacts[stack.id] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://000000000000/us-east-1',
      properties: {
        templateFile: `${stack.id}.template.json`,
        terminationProtection: false,
        validateOnSynth: false,
        stackName: stack.stackName,
      },
      dependencies: [...(stack.dependsOnStacks ?? []), `${stack.id}.assets`],
      displayName: stack.displayName,
    };
  }
  writeJson(join(stageDirectory, 'manifest.json'), { version: '55.0.0', artifacts });
}

describe('readStage', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cloud-assembly-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('reads the stacks of the nested stage assembly, each after the stacks it depends on', () => {
    // Prepare: listed in the manifest before their dependencies, like CDK may list them
    writeAssembly(root, 'Local', [
      { id: 'LocalApi1', stackName: 'Local-Api', displayName: 'Local/Api', dependsOnStacks: ['LocalCheckout1'] },
      {
        id: 'LocalCheckout1',
        stackName: 'Local-Checkout',
        displayName: 'Local/Checkout',
        dependsOnStacks: ['LocalPlatform1'],
        resources: { Table: { Type: 'AWS::DynamoDB::Table' } },
      },
      { id: 'LocalPlatform1', stackName: 'Local-Platform', displayName: 'Local/Platform' },
    ]);

    // Act
    const stacks = readStage(root, 'Local');

    // Assess
    expect(stacks.map((stack) => stack.stackName)).toEqual(['Local-Platform', 'Local-Checkout', 'Local-Api']);
    const checkout = stacks[1];
    expect(checkout?.displayName).toBe('Local/Checkout');
    expect(checkout?.accountId).toBe('000000000000');
    expect(checkout?.region).toBe('us-east-1');
    expect(checkout?.template.Resources).toEqual({ Table: { Type: 'AWS::DynamoDB::Table' } });
  });

  it('maps each file asset object key to its absolute staged directory', () => {
    // Prepare
    const hashes = ['a'.repeat(64), 'b'.repeat(64)];
    writeAssembly(root, 'Local', [
      { id: 'LocalCheckout1', stackName: 'Local-Checkout', displayName: 'Local/Checkout', lambdaAssetHashes: hashes },
    ]);

    // Act
    const [stack] = readStage(root, 'Local');

    // Assess
    expect(Object.fromEntries(stack?.assetDirectoryByObjectKey ?? [])).toEqual({
      [`${hashes[0]}.zip`]: join(root, `asset.${hashes[0]}`),
      [`${hashes[1]}.zip`]: join(root, `asset.${hashes[1]}`),
    });
  });

  it('finds the stage among several and reads only its stacks', () => {
    // Prepare
    writeAssembly(root, 'Dev', [{ id: 'DevPlatform1', stackName: 'Dev-Platform', displayName: 'Dev/Platform' }]);
    writeAssembly(root, 'Local', [
      { id: 'LocalPlatform1', stackName: 'Local-Platform', displayName: 'Local/Platform' },
    ]);
    // Both stages in one root manifest, as `cdk synth` writes them.
    writeJson(join(root, 'manifest.json'), {
      version: '55.0.0',
      artifacts: {
        'assembly-Dev': {
          type: 'cdk:cloud-assembly',
          properties: { directoryName: 'assembly-Dev', displayName: 'Dev' },
        },
        'assembly-Local': {
          type: 'cdk:cloud-assembly',
          properties: { directoryName: 'assembly-Local', displayName: 'Local' },
        },
      },
    });

    // Act
    const dev = readStage(root, 'Dev');
    const local = readStage(root, 'Local');

    // Assess
    expect(dev.map((stack) => stack.stackName)).toEqual(['Dev-Platform']);
    expect(local.map((stack) => stack.stackName)).toEqual(['Local-Platform']);
  });

  it('refuses a stage the assembly does not have, telling how to synthesize it', () => {
    // Prepare
    writeAssembly(root, 'Local', []);

    // Act
    const attempt = () => readStage(root, 'Prod');

    // Assess
    expect(attempt).toThrow(CloudAssemblyError);
    expect(attempt).toThrow(`has no stage Prod; run 'cdk synth "Prod/*"' first`);
  });

  it('refuses a directory without a manifest', () => {
    // Act
    const attempt = () => readStage(join(root, 'nowhere'), 'Local');

    // Assess
    expect(attempt).toThrow(CloudAssemblyError);
    expect(attempt).toThrow(/manifest\.json does not exist; run 'cdk synth' first/);
  });

  it('refuses stacks that depend on each other in a cycle', () => {
    // Prepare
    writeAssembly(root, 'Local', [
      { id: 'A', stackName: 'Local-A', displayName: 'Local/A', dependsOnStacks: ['B'] },
      { id: 'B', stackName: 'Local-B', displayName: 'Local/B', dependsOnStacks: ['A'] },
    ]);

    // Act
    const attempt = () => readStage(root, 'Local');

    // Assess
    expect(attempt).toThrow('Stacks depend on each other in a cycle: A -> B -> A');
  });
});
