import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { repositoryRoot } from './constructs/repository-root.js';

/** The version in package.json, reported by `/health/ready`. */
export function packageVersion(): string {
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
