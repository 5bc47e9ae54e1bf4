import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/**
 * `npm ci` refuses a lockfile that lacks any optional dependency, even one for another platform, while `npm install`
 * quietly drops those the registry mirror does not serve (ADR 0008). This catches it before CI does.
 */
describe('package-lock.json', () => {
  it('lists every optional dependency of every locked package, so `npm ci` accepts it', () => {
    // Prepare
    const lock = JSON.parse(readFileSync(join(repositoryRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };

    // Act
    const missing = Object.entries(lock.packages).flatMap(([path, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolvable(lock.packages, path, name))
        .map((name) => `${path || '(root)'} -> ${name}`),
    );

    // Assess
    expect(missing).toEqual([]);
  });
});

/** Node's resolution over the lockfile: `<dir>/node_modules/<name>` for the package's directory and every ancestor. */
function resolvable(packages: Record<string, unknown>, fromPath: string, name: string): boolean {
  let directory = fromPath;
  for (;;) {
    if (packages[`${directory ? `${directory}/` : ''}node_modules/${name}`]) return true;
    if (directory === '') return false;
    const parent = directory.lastIndexOf('/node_modules/');
    directory = parent < 0 ? '' : directory.slice(0, parent);
  }
}
