import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/**
 * The unit tests mirror the source: the test of `functions/<context>/handlers/<trigger>/<name>.ts` is
 * `test/unit/<context>/handlers/<trigger>/<name>.test.ts` (a second file, `<name>.idempotency.test.ts`, may drive the
 * handler through its idempotency). So a handler's test is found by its name, and a handler without one shows here.
 */
describe('unit test layout', () => {
  it('has a test for every handler, at the handler’s path under test/unit', () => {
    // Prepare
    const handlers = filesUnder('functions').filter((path) => path.split('/').includes('handlers'));

    // Act
    const untested = handlers.filter((path) => !existsSync(join(repositoryRoot, testPathOf(path))));

    // Assess
    expect(handlers.length).toBeGreaterThan(0);
    expect(untested).toEqual([]);
  });

  it('has no test under a handlers folder that names no handler (a handler renamed or removed)', () => {
    // Prepare
    const handlerTests = filesUnder('test/unit').filter(
      (path) => path.split('/').includes('handlers') && path.endsWith('.test.ts'),
    );

    // Act
    const orphans = handlerTests.filter((path) => !existsSync(join(repositoryRoot, handlerPathOf(path))));

    // Assess
    expect(orphans).toEqual([]);
  });
});

/** Every file under `directory`, as a path from the repository root with `/` separators. */
function filesUnder(directory: string): string[] {
  return readdirSync(join(repositoryRoot, directory), { recursive: true, encoding: 'utf8' })
    .map((path) => `${directory}/${path.split('\\').join('/')}`)
    .filter((path) => statSync(join(repositoryRoot, path)).isFile())
    .sort();
}

/** `functions/<path>.ts` → `test/unit/<path>.test.ts`. */
function testPathOf(handlerPath: string): string {
  return `test/unit/${handlerPath.replace(/^functions\//, '').replace(/\.[^./]+$/, '')}.test.ts`;
}

/** `test/unit/<path>.test.ts` or `test/unit/<path>.idempotency.test.ts` → `functions/<path>.ts`. */
function handlerPathOf(testPath: string): string {
  return `functions/${testPath.replace(/^test\/unit\//, '').replace(/(\.idempotency)?\.test\.ts$/, '')}.ts`;
}
