/**
 * Bundles every function of an app in one esbuild run. CDK's `NodejsFunction` runs esbuild once per function, in a
 * process of its own, re-reading every shared dependency each time: for this app's 47 functions that was 18 of the
 * 22 seconds of a synth. Here the first function CDK bundles (CDK bundles an asset when it is constructed) builds
 * every handler of the repository at once, `functions/<context>/handlers/**`: esbuild shares the work across entries
 * and cores. Each asset then takes its own output: `index.mjs`, its source map and its metafile.
 * The output is what `NodejsFunction` produced with the same options (`FUNCTION_BUNDLING`); ADR 0010 has the figures.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { buildSync, type Metafile } from 'esbuild';
import { repositoryRoot } from './repository-root.js';

/**
 * How every function is bundled, shared with the test that holds each bundle to `tuning.lambda.bundleBudgetKb`.
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  target: 'node22',
  // ES modules let esbuild drop what a function does not use (zod's locales, most of Powertools); CommonJS output
  // keeps whole modules. `module` entry points first, for the same reason.
  format: 'esm',
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require() for Node's built-ins, and an ES module has no require of its own.
  banner:
    "import { createRequire as __sagastackRequire } from 'node:module'; const require = __sagastackRequire(import.meta.url);",
  // The Lambda runtime provides the AWS SDK v3; keeping it out makes bundles small. Each client a bundle imports is
  // still loaded at its cold start, so code imports only the clients it uses (shared/aws/*-client.ts).
  externalModules: ['@aws-sdk/*'],
} as const;

const FUNCTIONS_ROOT = join(repositoryRoot, 'functions');

interface BuiltBundle {
  readonly code: string;
  readonly sourceMap: string;
  readonly metafile: Metafile;
}

/** Every handler file: `functions/<context>/handlers/**\/*.ts`. */
export function handlerEntries(directory = FUNCTIONS_ROOT): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) return handlerEntries(path);
      return path.includes(`${sep}handlers${sep}`) && path.endsWith('.ts') ? [path] : [];
    });
}

/** The bundler of one CDK app: the first bundle it is asked for builds every handler's. */
export class FunctionBundler {
  private static readonly byApp = new WeakMap<IConstruct, FunctionBundler>();
  private built: Map<string, BuiltBundle> | undefined;

  /** The bundler of the app `scope` belongs to. */
  static of(scope: IConstruct): FunctionBundler {
    const app = scope.node.root;
    let bundler = FunctionBundler.byApp.get(app);
    if (!bundler) {
      bundler = new FunctionBundler();
      FunctionBundler.byApp.set(app, bundler);
    }
    return bundler;
  }

  /**
   * The code of the handler file `entry` (relative to the repository root, under `functions/<context>/handlers/`),
   * bundled with every other handler when CDK first needs a bundle. Stacks CDK is told not to bundle get a
   * placeholder asset, as with any bundled asset.
   */
  code(entry: string): Code {
    const absolute = join(repositoryRoot, entry);
    return Code.fromAsset(dirname(absolute), {
      // The asset is the bundle: its hash changes exactly when the output does.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never used: the local bundling below always succeeds, and Docker is not how this project builds.
        image: DockerImage.fromRegistry('local-esbuild-only'),
        // Part of CDK's bundling cache key: without the entry in it, two functions of one folder would share a bundle.
        command: ['esbuild', relative(repositoryRoot, absolute)],
        local: {
          tryBundle: (outputDir) => {
            this.write(absolute, outputDir);
            return true;
          },
        },
      },
    });
  }

  private write(entry: string, outputDir: string): void {
    this.built ??= this.buildAll();
    const bundle = this.built.get(entry);
    if (!bundle) throw new Error(`${entry} is not a handler: entries live in functions/<context>/handlers/`);
    writeFileSync(join(outputDir, 'index.mjs'), bundle.code);
    writeFileSync(join(outputDir, 'index.mjs.map'), bundle.sourceMap);
    writeFileSync(join(outputDir, 'index.meta.json'), JSON.stringify(bundle.metafile));
  }

  private buildAll(): Map<string, BuiltBundle> {
    const outdir = mkdtempSync(join(tmpdir(), 'sagastack-bundles-'));
    const entries = handlerEntries();
    const result = buildSync({
      entryPoints: entries,
      outdir,
      outbase: FUNCTIONS_ROOT,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      write: true,
      platform: 'node',
      minify: FUNCTION_BUNDLING.minify,
      target: FUNCTION_BUNDLING.target,
      format: FUNCTION_BUNDLING.format,
      mainFields: [...FUNCTION_BUNDLING.mainFields],
      banner: { js: FUNCTION_BUNDLING.banner },
      external: [...FUNCTION_BUNDLING.externalModules],
      sourcemap: true,
      // Stack traces need positions, not the sources: a third of the map to parse at every cold start.
      sourcesContent: false,
      // Stack traces name the repository's files wherever the bundle ends up.
      sourceRoot: repositoryRoot,
      metafile: true,
      logLevel: 'error',
      absWorkingDir: repositoryRoot,
    });
    const bundles = new Map<string, BuiltBundle>();
    for (const entry of entries) {
      const base = join(outdir, relative(FUNCTIONS_ROOT, entry)).replace(/\.ts$/, '.mjs');
      const outputKey = relative(repositoryRoot, base);
      const output = result.metafile.outputs[outputKey];
      if (!output) throw new Error(`esbuild wrote no bundle for ${entry} (expected ${outputKey})`);
      bundles.set(entry, {
        code: readFileSync(base, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=index.mjs.map'),
        sourceMap: readFileSync(`${base}.map`, 'utf8'),
        metafile: { inputs: result.metafile.inputs, outputs: { 'index.mjs': output } },
      });
    }
    return bundles;
  }
}
