/**
 * `ensureSynthesized` on a worker thread. The synth is synchronous (it waits on `cdk synth` for 10 to 60 s, or on
 * another process's lock): on the main thread it would freeze the spinner that shows it is running. The worker is
 * this same module, started with a marker in its `workerData`, so no file exists only to be a worker's entry.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadLocalCloudConfig } from '../config.js';
import { ensureSynthesized, type SynthOptions, type SynthResult } from '../synth.js';
import type { Progress } from './progress.js';

const WORKER_MARKER = 'local-cloud-synth-worker';

type WorkerOptions = Omit<SynthOptions, 'log'>;
type WorkerMessage =
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'done'; readonly result: SynthResult }
  | { readonly kind: 'failed'; readonly message: string; readonly output: string };

/** `cdk synth` failed: the app did not build. Its own output says why. */
export class SynthFailedError extends Error {
  constructor(
    message: string,
    /** What `cdk synth` printed on stderr. */
    readonly output: string,
  ) {
    super(message);
    this.name = 'SynthFailedError';
  }
}

/** Synthesizes as `ensureSynthesized` does, while the main thread stays free; `log` receives its lines. */
export function synthesizeInBackground(
  options: WorkerOptions,
  log: (line: string) => void = () => {},
): Promise<SynthResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { [WORKER_MARKER]: options } });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') log(message.line);
      else if (message.kind === 'done') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new SynthFailedError(message.message, message.output));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`The synth worker exited with code ${code} before it answered`));
    });
  });
}

/**
 * The app's cloud assembly as its `local-cloud.config.ts` says (stage, synth variables), synthesized on a worker if
 * out of date, shown as one step of `progress`.
 */
export async function synthesizeAppWithProgress(root: string, progress: Progress): Promise<SynthResult> {
  progress.start('cdk.out');
  const config = await loadLocalCloudConfig(root);
  const result = await synthesizeInBackground(
    { stage: config.stage, root, environment: config.synthEnvironment },
    (line) => progress.update(line),
  );
  progress.done(result.reused ? 'up to date' : 'synthesized');
  return result;
}

function runAsWorker(options: WorkerOptions): void {
  const post = (message: WorkerMessage) => parentPort?.postMessage(message);
  try {
    post({ kind: 'done', result: ensureSynthesized({ ...options, log: (line) => post({ kind: 'log', line }) }) });
  } catch (error) {
    // execFileSync's error carries the child's stderr: the compiler's or the CDK app's own explanation.
    const stderr = (error as { stderr?: Buffer | string }).stderr;
    post({
      kind: 'failed',
      message: error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error),
      output: stderr === undefined ? '' : String(stderr),
    });
  }
}

const markedOptions = isMainThread ? undefined : (workerData as Record<string, WorkerOptions> | null)?.[WORKER_MARKER];
if (markedOptions) runAsWorker(markedOptions);
