/**
 * Every handler bundled exactly as AppFunction bundles it (the same esbuild options), held to the size budget of
 * `tuning.lambda.bundleBudgetKb`. A bundle that grows past it fails here, with what it is made of.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import { FUNCTION_BUNDLING } from '../../lib/constructs/app-function.js';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';

/** Every handler file under functions/<context>/handlers/: the entries AppFunction bundles. */
function handlerEntries(directory = join(repositoryRoot, 'functions')): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return handlerEntries(path);
    return path.includes('/handlers/') && path.endsWith('.ts') ? [path] : [];
  });
}

/** The heaviest packages of a bundle, for the failure message. */
function heaviestInputs(metafile: Metafile): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = input.includes('node_modules/')
        ? input.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
        : input.split('/').slice(0, 2).join('/');
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
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
    // Act
    const oversized: string[] = [];
    for (const entry of entries) {
      const result = await build({
        entryPoints: [entry],
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
      const kilobytes = (result.outputFiles[0]?.contents.byteLength ?? 0) / 1024;
      if (kilobytes > tuning.lambda.bundleBudgetKb) {
        oversized.push(
          `${relative(repositoryRoot, entry)}: ${kilobytes.toFixed(0)} KB (${heaviestInputs(result.metafile)})`,
        );
      }
    }

    // Assess
    expect(oversized).toEqual([]);
  });
});
