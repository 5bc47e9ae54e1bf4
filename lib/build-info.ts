import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { repositoryRoot } from './constructs/repository-root.js';

/**
 * What `/health/ready` reports about the build (APP_VERSION, APP_COMMIT, APP_BUILD_DATE of the health function).
 * The release workflow (.github/workflows/release.yml) passes all three from the tag it builds, so a deployed stage
 * names the release it runs; a synth outside a release reads them from the checkout.
 */

/** The release version: SAGASTACK_VERSION (the tag without its `v`) in a release, else package.json's version. */
export function packageVersion(): string {
  if (process.env.SAGASTACK_VERSION) return process.env.SAGASTACK_VERSION;
  const pkg = JSON.parse(readFileSync(`${repositoryRoot}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

/** The commit being synthesized; CI may pass it as GIT_COMMIT where the checkout has no .git. */
export function gitCommit(): string {
  if (process.env.GIT_COMMIT) return process.env.GIT_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * When the release was built: SAGASTACK_BUILD_DATE (ISO 8601, set once per release run so Staging and Prod report the
 * same build), else the time of this synth.
 */
export function buildDate(now: Date = new Date()): string {
  return process.env.SAGASTACK_BUILD_DATE || now.toISOString();
}
