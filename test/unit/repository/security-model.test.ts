/**
 * docs/security.md names, for each control, the code or test that holds it. A control whose proof was moved or
 * deleted is no longer proven, so every path the page names must exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

const page = readFileSync(join(repositoryRoot, 'docs/security.md'), 'utf8');
/** Backticked repository paths, e.g. `test/e2e/auth.test.ts`; globs (`*.test.ts`) name their folder. */
const named = [...page.matchAll(/`((?:test|shared|functions|lib|local-cloud)\/[^`\s]+)`/g)].map(([, path]) =>
  (path as string).replace(/\/[^/]*\*[^/]*$/, ''),
);

describe('docs/security.md', () => {
  it('names its proofs', () => {
    // Assess
    expect(named.length).toBeGreaterThan(15);
  });

  it.each([...new Set(named)])('names %s, which exists', (path) => {
    // Assess
    expect(existsSync(join(repositoryRoot, path))).toBe(true);
  });
});
