/**
 * Keeps `cdk.out` in step with the code: the stage is synthesized again only when a file it is built from changed,
 * so `npm start` and the end-to-end tests reuse an up-to-date cloud assembly.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { repositoryRoot } from '../lib/constructs/repository-root.js';

const SOURCES = ['bin', 'lib', 'functions', 'shared', 'package-lock.json', 'cdk.json', 'tsconfig.json'];
const FINGERPRINT_FILE = '.sagastack-fingerprint';

export interface SynthResult {
  readonly assemblyDirectory: string;
  readonly reused: boolean;
}

export function ensureSynthesized(stage = 'Local', log: (line: string) => void = () => {}): SynthResult {
  // A separate output directory lets parallel runs (two worktrees, a benchmark beside the tests) not overwrite each other.
  const assemblyDirectory = resolve(repositoryRoot, process.env.SAGASTACK_CDK_OUT ?? 'cdk.out');
  const fingerprint = `${stage}:${sourceFingerprint()}`;
  const fingerprintPath = join(assemblyDirectory, FINGERPRINT_FILE);
  if (existsSync(fingerprintPath) && readFileSync(fingerprintPath, 'utf8') === fingerprint) {
    return { assemblyDirectory, reused: true };
  }
  log(`Synthesizing ${stage} (cdk synth '${stage}/*')...`);
  execFileSync(
    join(repositoryRoot, 'node_modules/.bin/cdk'),
    ['synth', `${stage}/*`, '--quiet', '--output', assemblyDirectory],
    {
      cwd: repositoryRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        SAGASTACK_STAGES: stage,
        PATH: `${join(repositoryRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      },
    },
  );
  writeFileSync(fingerprintPath, fingerprint);
  return { assemblyDirectory, reused: false };
}

function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
      return;
    }
    hash.update(relative(repositoryRoot, path));
    hash.update(readFileSync(path));
  };
  for (const source of SOURCES) visit(join(repositoryRoot, source));
  return hash.digest('hex');
}
