/**
 * Reads what `cdk synth` wrote: the stage's nested cloud assembly, its stacks in deployment order, their templates,
 * and where each Lambda asset was staged. This is the one artifact the local cloud runs; nothing else describes the app.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class CloudAssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudAssemblyError';
  }
}

export interface CloudFormationTemplate {
  readonly Resources: Record<string, CloudFormationResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown }; Condition?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Rules?: Record<string, unknown>;
  readonly Mappings?: Record<string, unknown>;
}

export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface StackArtifact {
  /** e.g. `Local/Checkout` */
  readonly displayName: string;
  /** CloudFormation stack name, e.g. `Local-Checkout` */
  readonly stackName: string;
  readonly template: CloudFormationTemplate;
  readonly accountId: string;
  readonly region: string;
  /** Absolute directory of a file asset, by the S3 object key the template uses for it. */
  readonly assetDirectoryByObjectKey: ReadonlyMap<string, string>;
}

interface Manifest {
  artifacts?: Record<
    string,
    {
      type: string;
      displayName?: string;
      environment?: string;
      dependencies?: string[];
      properties?: {
        directoryName?: string;
        displayName?: string;
        templateFile?: string;
        stackName?: string;
        file?: string;
      };
    }
  >;
}

/** The stacks of one stage (`Local`, `Dev`, ...) in dependency order. */
export function readStage(assemblyDirectory: string, stageId: string): StackArtifact[] {
  const root = resolve(assemblyDirectory);
  const rootManifest = readJson<Manifest>(join(root, 'manifest.json'));
  const stageArtifact = Object.values(rootManifest.artifacts ?? {}).find(
    (artifact) =>
      artifact.type === 'cdk:cloud-assembly' && (artifact.displayName ?? artifact.properties?.displayName) === stageId,
  );
  if (!stageArtifact?.properties?.directoryName) {
    throw new CloudAssemblyError(`${root} has no stage ${stageId}; run 'cdk synth "${stageId}/*"' first`);
  }
  const stageDirectory = join(root, stageArtifact.properties.directoryName);
  const manifest = readJson<Manifest>(join(stageDirectory, 'manifest.json'));
  const artifacts = manifest.artifacts ?? {};

  const stackIds = Object.keys(artifacts).filter((id) => artifacts[id]?.type === 'aws:cloudformation:stack');
  const ordered: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (ordered.includes(id)) return;
    if (path.includes(id))
      throw new CloudAssemblyError(`Stacks depend on each other in a cycle: ${[...path, id].join(' -> ')}`);
    for (const dependency of artifacts[id]?.dependencies ?? []) {
      if (stackIds.includes(dependency)) visit(dependency, [...path, id]);
    }
    ordered.push(id);
  };
  for (const id of stackIds) visit(id, []);

  return ordered.map((id) => {
    const artifact = artifacts[id];
    const templateFile = artifact?.properties?.templateFile;
    if (!artifact || !templateFile) throw new CloudAssemblyError(`Stack artifact ${id} has no template`);
    const [, accountId = '', region = ''] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
    const assetManifest = (artifact.dependencies ?? [])
      .map((dependency) => artifacts[dependency])
      .find((candidate) => candidate?.type === 'cdk:asset-manifest');
    return {
      displayName: artifact.displayName ?? id,
      stackName: artifact.properties?.stackName ?? id,
      template: readJson<CloudFormationTemplate>(join(stageDirectory, templateFile)),
      accountId,
      region,
      assetDirectoryByObjectKey: assetManifest?.properties?.file
        ? readFileAssets(stageDirectory, assetManifest.properties.file)
        : new Map(),
    };
  });
}

function readFileAssets(stageDirectory: string, file: string): Map<string, string> {
  const manifest = readJson<{
    files?: Record<
      string,
      { source: { path?: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }
    >;
  }>(join(stageDirectory, file));
  const byKey = new Map<string, string>();
  for (const asset of Object.values(manifest.files ?? {})) {
    if (!asset.source.path) continue;
    const directory = join(stageDirectory, asset.source.path);
    for (const destination of Object.values(asset.destinations)) byKey.set(destination.objectKey, directory);
  }
  return byKey;
}

function readJson<T>(path: string): T {
  if (!existsSync(path)) throw new CloudAssemblyError(`${path} does not exist; run 'cdk synth' first`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
