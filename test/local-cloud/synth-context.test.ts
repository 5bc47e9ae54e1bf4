/**
 * The local cloud synthesizes through the app's CDK CLI, from the app's root, so the context of its `cdk.json` (the
 * feature flags) applies as it does to `cdk deploy`: `npm start` runs the templates that deploy (ADR 0028).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { synthesizeApp } from '../../local-cloud/config.js';

interface FlagReport {
  readonly type: string;
  readonly properties?: { readonly flags?: Record<string, { readonly userValue?: unknown }> };
}

describe('the synthesized cloud assembly', () => {
  it("was built with every feature flag of cdk.json, at cdk.json's value", async () => {
    // Prepare
    const cdkJson = JSON.parse(readFileSync(join(repositoryRoot, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };

    // Act
    const { assemblyDirectory } = await synthesizeApp(repositoryRoot);
    const manifest = JSON.parse(readFileSync(join(assemblyDirectory, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, FlagReport>;
    };

    // Assess: aws-cdk-lib reports each flag it knows, with the value the synth was given (`userValue`), if any.
    const flags = Object.values(manifest.artifacts).find((artifact) => artifact.type === 'cdk:feature-flag-report')
      ?.properties?.flags;
    if (!flags) throw new Error(`${assemblyDirectory}/manifest.json has no feature flag report`);
    const given = Object.fromEntries(
      Object.entries(flags)
        .filter(([, flag]) => 'userValue' in flag)
        .map(([name, flag]) => [name, flag.userValue]),
    );
    expect(given).toEqual(Object.fromEntries(Object.entries(cdkJson.context).filter(([name]) => name in flags)));
    expect(given).toHaveProperty(['@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId'], true);
  }, 180_000);
});
