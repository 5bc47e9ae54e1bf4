/**
 * Keeps `cdk.out` in step with the code: the stage is synthesized again only when a file it is built from changed,
 * so `npm start` and the end-to-end tests reuse an up-to-date cloud assembly. What the assembly is built from is what
 * the app's `cdk.json` watches (`watch.include`), plus the files that pin its dependencies and compiler.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ALWAYS_FINGERPRINTED = ['cdk.json', 'package-lock.json', 'tsconfig.json'];
const FINGERPRINT_FILE = '.local-cloud-fingerprint';

export interface SynthResult {
  readonly assemblyDirectory: string;
  readonly reused: boolean;
}

export interface SynthOptions {
  /** Construct id of the stage. @default 'Local' */
  readonly stage?: string;
  /** Root of the CDK app (where cdk.json is). @default the working directory */
  readonly root?: string;
  /** Variables the app reads at synth time, e.g. to build only the stage needed (`local-cloud.config.ts`). */
  readonly environment?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
}

/**
 * Synthesizes the stage of the CDK app at `root` into `cdk.out` (or `$LOCAL_CLOUD_CDK_OUT`) unless the assembly there
 * is already of the same sources.
 */
export function ensureSynthesized(options: SynthOptions = {}): SynthResult {
  const stage = options.stage ?? 'Local';
  const root = options.root ?? process.cwd();
  const log = options.log ?? (() => {});
  // A separate output directory lets parallel runs (two worktrees, a benchmark beside the tests) not overwrite each other.
  const assemblyDirectory = resolve(root, process.env.LOCAL_CLOUD_CDK_OUT ?? 'cdk.out');
  const fingerprint = `${stage}:${sourceFingerprint(root)}`;
  const fingerprintPath = join(assemblyDirectory, FINGERPRINT_FILE);
  const upToDate = () => existsSync(fingerprintPath) && readFileSync(fingerprintPath, 'utf8') === fingerprint;
  if (upToDate()) return { assemblyDirectory, reused: true };
  // Two processes may want the same assembly at once (npm test's two streams boot a local cloud each): one
  // synthesizes, the other waits for it and reuses what it wrote.
  const release = lockAssembly(assemblyDirectory, log);
  try {
    if (upToDate()) return { assemblyDirectory, reused: true };
    synthesize(stage, root, assemblyDirectory, options.environment, log);
    writeFileSync(fingerprintPath, fingerprint);
    return { assemblyDirectory, reused: false };
  } finally {
    release();
  }
}

function synthesize(
  stage: string,
  root: string,
  assemblyDirectory: string,
  environment: Readonly<Record<string, string>> | undefined,
  log: (line: string) => void,
): void {
  log(`Synthesizing ${stage} (cdk synth '${stage}/*')...`);
  // The app's own CDK CLI, from its root, so the context of its cdk.json (its feature flags) applies as it does to
  // `cdk deploy`: the local cloud runs the templates that deploy.
  execFileSync(join(root, 'node_modules/.bin/cdk'), ['synth', `${stage}/*`, '--quiet', '--output', assemblyDirectory], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ...environment,
      PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    },
  });
}

/** A synth takes a minute at most here; a lock older than this was left by a process that died. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Takes `<assembly>.lock` (created exclusively, holding the owner's pid), waiting while another live process holds it;
 * answers the release. Synchronous, like the synth it guards.
 */
export function lockAssembly(assemblyDirectory: string, log: (line: string) => void): () => void {
  const lockPath = `${assemblyDirectory}.lock`;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockIsStale(lockPath)) {
      rmSync(lockPath, { force: true });
      continue;
    }
    if (!announced) log(`Waiting for another process to finish synthesizing ${assemblyDirectory}...`);
    announced = true;
    Atomics.wait(pause, 0, 0, 200);
  }
}

function lockIsStale(lockPath: string): boolean {
  try {
    const owner = Number(readFileSync(lockPath, 'utf8'));
    if (Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS) return true;
    // Signal 0 only asks whether the process exists.
    process.kill(owner, 0);
    return false;
  } catch (error) {
    // ESRCH: the owner is gone. ENOENT: the lock was released meanwhile (take it on the next try).
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The top-level folders and files `cdk.json` watches (`bin/**` -> `bin`), and the pinning files. */
function sourcesOf(root: string): string[] {
  const cdkJson = join(root, 'cdk.json');
  const watched = existsSync(cdkJson)
    ? ((JSON.parse(readFileSync(cdkJson, 'utf8')) as { watch?: { include?: string[] } }).watch?.include ?? [])
    : [];
  const tops = watched.map((pattern) => pattern.split('/')[0] ?? '').filter((top) => top && !top.includes('*'));
  return [...new Set([...tops, ...ALWAYS_FINGERPRINTED])];
}

function sourceFingerprint(root: string): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
      return;
    }
    hash.update(relative(root, path));
    hash.update(readFileSync(path));
  };
  for (const source of sourcesOf(root)) visit(join(root, source));
  return hash.digest('hex');
}
