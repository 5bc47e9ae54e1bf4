import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime, type FunctionSpec, type LambdaRuntime } from '../../local-cloud/lambda/index.js';
import { type AssetDirectories, createAssetDirectories, functionSpec } from './lambda-fixture.js';

let assets: AssetDirectories;
let runtime: LambdaRuntime | undefined;

beforeAll(async () => {
  assets = await createAssetDirectories();
});

afterAll(async () => {
  await assets.remove();
});

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

function start(functions: FunctionSpec[]): LambdaRuntime {
  runtime = createLambdaRuntime({ functions, baseEnvironment: {} });
  return runtime;
}

describe('Lambda runtime: bundle formats', () => {
  it('runs a CommonJS index.js even when the project around cdk.out declares "type": "module"', async () => {
    // Prepare
    await writeFile(path.join(assets.root, 'package.json'), JSON.stringify({ type: 'module' }));
    const directory = await assets.create('cdk.out/asset.cjs', {
      'index.js':
        "'use strict';\nexports.handler = async () => ({ format: typeof module === 'object' ? 'cjs' : 'esm' });\n",
    });
    const lambda = start([functionSpec('cjs', directory, 'index.handler')]);

    // Act
    const result = await lambda.invoke('cjs', {});

    // Assess
    expect(result).toMatchObject({ payload: { format: 'cjs' } });
  });

  it('runs an ES module index.mjs', async () => {
    // Prepare
    const directory = await assets.create('esm', {
      'index.mjs': 'export const handler = async (event) => ({ format: typeof module, doubled: event.n * 2 });\n',
    });
    const lambda = start([functionSpec('esm', directory, 'index.handler', { runtime: 'nodejs24.x' })]);

    // Act
    const result = await lambda.invoke('esm', { n: 21 });

    // Assess
    expect(result).toMatchObject({ payload: { format: 'undefined', doubled: 42 } });
  });

  it('maps stack traces to the TypeScript source when NODE_OPTIONS enables source maps, as NodejsFunction sets it', async () => {
    // Prepare
    const directory = await assets.create('source-mapped', {
      'src/handler.ts': [
        'interface Input { fail: boolean }',
        '',
        'export const handler = async (event: Input): Promise<string> => {',
        "  if (event.fail) throw new TypeError('typed failure');",
        "  return 'ok';",
        '};',
        '',
      ].join('\n'),
    });
    buildSync({
      entryPoints: [path.join(directory, 'src/handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap: true,
      outfile: path.join(directory, 'out/index.js'),
      logLevel: 'silent',
    });
    const lambda = start([
      functionSpec('mapped', path.join(directory, 'out'), 'index.handler', {
        environment: { NODE_OPTIONS: '--enable-source-maps' },
      }),
    ]);

    // Act
    const result = await lambda.invoke('mapped', { fail: true });

    // Assess
    const trace = 'error' in result ? (result.error.trace ?? []) : [];
    expect(trace[0]).toBe('TypeError: typed failure');
    expect(trace.some((line) => line.includes(`${path.join(directory, 'src/handler.ts')}:4:`))).toBe(true);
  });

  it('refuses callback-style handlers on nodejs24.x at init, like Lambda', async () => {
    // Prepare
    const directory = await assets.create('callback24', {
      'index.js': 'exports.handler = (event, context, callback) => callback(null, 1);\n',
    });
    const lambda = start([functionSpec('callback24', directory, 'index.handler', { runtime: 'nodejs24.x' })]);

    // Act
    const result = await lambda.invoke('callback24', {});

    // Assess
    expect(result).toMatchObject({ error: { errorType: 'Runtime.CallbackHandlerDeprecated' } });
  });

  it('runs a handler in a nested directory with a nested export path', async () => {
    // Prepare
    const directory = await assets.create('nested', {
      'src/app.js': 'exports.handlers = { create: async () => "created" };\n',
    });
    const lambda = start([functionSpec('nested', directory, 'src/app.handlers.create')]);

    // Act
    const result = await lambda.invoke('nested', {});

    // Assess
    expect(result).toMatchObject({ payload: 'created' });
  });
});
