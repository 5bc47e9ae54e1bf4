/**
 * Every handler bundled exactly as AppFunction bundles it (the same esbuild options), held to the size budget of
 * `tuning.lambda.bundleBudgetKb` (`encryptionSdkBundleBudgetKb` for the few that carry the AWS Encryption SDK). A
 * bundle that grows past it fails here, with what it is made of.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import { FUNCTION_BUNDLING, handlerEntries } from '../../lib/constructs/function-bundler.js';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';

/** The heaviest packages of a bundle, for the failure message. */
function heaviestInputs(inputs: Metafile['outputs'][string]['inputs']): string {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const name = input.includes('node_modules/')
      ? input.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : input.split('/').slice(0, 2).join('/');
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`)
    .join(', ');
}

describe('function bundles', () => {
  const entries = handlerEntries();

  it('finds the handlers', () => {
    expect(entries.length).toBeGreaterThan(40);
  });

  it(`keeps every handler's minified bundle within ${tuning.lambda.bundleBudgetKb} KB, the AWS SDK excluded`, async () => {
    // Act: one esbuild run for all of them (it bundles the entries in parallel), each as its own output.
    const result = await build({
      entryPoints: entries,
      outdir: join(repositoryRoot, 'functions-bundle-check'),
      outbase: join(repositoryRoot, 'functions'),
      bundle: true,
      write: false,
      platform: 'node',
      minify: FUNCTION_BUNDLING.minify,
      target: FUNCTION_BUNDLING.target,
      format: FUNCTION_BUNDLING.format,
      mainFields: [...FUNCTION_BUNDLING.mainFields],
      banner: { js: FUNCTION_BUNDLING.banner },
      external: [...FUNCTION_BUNDLING.externalModules],
      metafile: true,
      logLevel: 'silent',
    });
    // A handler that seals or opens personal data carries the AWS Encryption SDK, and has the budget for it.
    const budgetKbOf = (output: Metafile['outputs'][string]) =>
      Object.keys(output.inputs).some((input) => input.includes('node_modules/@aws-crypto/'))
        ? tuning.lambda.encryptionSdkBundleBudgetKb
        : tuning.lambda.bundleBudgetKb;
    const oversized = Object.entries(result.metafile.outputs)
      .filter(([, output]) => output.bytes / 1024 > budgetKbOf(output))
      .map(
        ([path, output]) =>
          `${output.entryPoint ?? path}: ${(output.bytes / 1024).toFixed(0)} KB (${heaviestInputs(output.inputs)})`,
      );

    // Assess
    expect(Object.keys(result.metafile.outputs)).toHaveLength(entries.length);
    expect(oversized).toEqual([]);
  });
});
