import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildDate, gitCommit, packageVersion } from '../../../lib/build-info.js';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/** What `/health/ready` reports about the build, as the release workflow passes it from the tag (docs/release.md). */
describe('build metadata (lib/build-info.ts)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('takes the version, commit and build date of a release from its environment', () => {
    // Prepare
    vi.stubEnv('SAGASTACK_VERSION', '1.4.0');
    vi.stubEnv('GIT_COMMIT', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
    vi.stubEnv('SAGASTACK_BUILD_DATE', '2026-12-02T21:00:00Z');

    // Act
    const build = { version: packageVersion(), commit: gitCommit(), date: buildDate() };

    // Assess
    expect(build).toEqual({
      version: '1.4.0',
      commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      date: '2026-12-02T21:00:00Z',
    });
  });

  it("outside a release, reads package.json's version and dates the build now", () => {
    // Prepare
    vi.stubEnv('SAGASTACK_VERSION', '');
    vi.stubEnv('SAGASTACK_BUILD_DATE', '');
    const pkg = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };

    // Act
    const build = { version: packageVersion(), date: buildDate(new Date('2026-12-02T22:00:00Z')) };

    // Assess
    expect(build).toEqual({ version: pkg.version, date: '2026-12-02T22:00:00.000Z' });
  });
});
