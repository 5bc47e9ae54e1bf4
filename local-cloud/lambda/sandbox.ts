/**
 * One execution environment: a worker thread that loaded the function's bundle and serves one invocation at a
 * time. A timeout, a crash or an exit discards it, as Lambda discards a failed environment.
 */
import type { RequestListener } from 'node:http';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { type InProcessExchange, type InProcessRequest, serveInProcess } from '../in-process-http.js';
import type { FunctionSpec, LambdaErrorPayload } from './types.js';

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Lambda allows 10 s of init; a slower init is retried inside the invoke with the function's timeout. */
const INIT_ALLOWANCE_MS = 10_000;

export interface SandboxConfig {
  spec: FunctionSpec;
  environment: Record<string, string>;
  logStreamName: string;
  /** Receives each line the function prints (stdout and stderr). */
  output: (line: string) => void;
  /** Writes a V8 CPU profile of the environment there when it ends. */
  cpuProfileDirectory?: string | undefined;
  /** Serves the function's requests to `AWS_ENDPOINT_URL` in-process (ADR 0019); over HTTP when unset. */
  awsEndpointListener?: RequestListener | undefined;
}

export interface InvocationRequest {
  requestId: string;
  eventJson: string;
  invokedFunctionArn: string;
  traceId: string;
  clientContext: unknown;
}

export type SandboxOutcome =
  | { kind: 'success'; payloadJson: string }
  /** The handler failed; the environment stays usable. */
  | { kind: 'function-error'; error: LambdaErrorPayload }
  /** The environment died or was killed (timeout, crash, exit); it must not be reused. */
  | { kind: 'fatal'; error: LambdaErrorPayload; timedOut: boolean };

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: LambdaErrorPayload }
  | { type: 'result'; requestId: string; payloadJson: string }
  | { type: 'invoke-error'; requestId: string; error: LambdaErrorPayload }
  | { type: 'fatal'; error: LambdaErrorPayload }
  | ({ type: 'aws-request'; id: number } & InProcessRequest);

interface PendingInvocation {
  requestId: string;
  settle: (outcome: SandboxOutcome) => void;
}

export class Sandbox {
  /** Resolves when init is over: `undefined` when the handler is loaded, else the init error. */
  readonly initialized: Promise<LambdaErrorPayload | undefined>;
  readonly startedAt = performance.now();
  initDurationMs = 0;
  private alive = true;
  private pending: PendingInvocation | undefined;
  private resolveInit: ((error: LambdaErrorPayload | undefined) => void) | undefined;
  private readonly worker: Worker;
  private readonly exitListeners: (() => void)[] = [];
  private readonly awsEndpointListener: RequestListener | undefined;
  /** The environment's AWS requests still being served: abandoned when it dies (a long poll must not outlive it). */
  private readonly exchanges = new Set<InProcessExchange>();

  constructor(config: SandboxConfig) {
    const { spec } = config;
    this.awsEndpointListener = config.awsEndpointListener;
    this.initialized = new Promise((resolve) => {
      this.resolveInit = resolve;
    });
    this.worker = new Worker(WORKER_ENTRY, {
      name: `lambda:${spec.name}`,
      workerData: {
        codeDirectory: spec.codeDirectory,
        handler: spec.handler,
        runtime: spec.runtime,
        functionName: spec.name,
        memoryLimitInMB: String(spec.memorySizeMb),
        logGroupName: config.environment.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: config.logStreamName,
        enableSourceMaps: /--enable-source-maps\b/.test(config.environment.NODE_OPTIONS ?? ''),
        awsEndpointThroughParent: config.awsEndpointListener !== undefined,
      },
      env: config.environment,
      // The parent's loaders (tsx, vitest) and flags must not leak into the function's environment.
      execArgv: config.cpuProfileDirectory
        ? ['--cpu-prof', `--cpu-prof-dir=${config.cpuProfileDirectory}`, `--cpu-prof-name=${profileName(spec.name)}`]
        : [],
      stdout: true,
      stderr: true,
      // Lambda caps the whole sandbox at the configured memory; capping the V8 heap is the closest cheap equivalent.
      resourceLimits: { maxOldGenerationSizeMb: spec.memorySizeMb },
    });
    forwardLines(this.worker.stdout, config.output);
    forwardLines(this.worker.stderr, config.output);

    const initTimer = setTimeout(
      () => this.die(timeoutError(Math.max(INIT_ALLOWANCE_MS, spec.timeoutSeconds * 1000)), true),
      Math.max(INIT_ALLOWANCE_MS, spec.timeoutSeconds * 1000),
    );
    void this.initialized.then(() => clearTimeout(initTimer));

    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      this.die(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { errorType: 'Runtime.OutOfMemory', errorMessage: this.exitMessage('signal: killed') }
          : { errorType: error.name, errorMessage: error.message, trace: error.stack?.split('\n') ?? [] },
        false,
      );
    });
    this.worker.on('exit', (code) => {
      this.die({ errorType: 'Runtime.ExitError', errorMessage: this.exitMessage(`exit status ${code}`) }, false);
      for (const listener of this.exitListeners) listener();
    });
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** Called once the worker is gone, whatever the reason. */
  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  invoke(request: InvocationRequest, timeoutMs: number): Promise<SandboxOutcome> {
    if (!this.alive) {
      return Promise.resolve({
        kind: 'fatal',
        error: { errorType: 'Runtime.ExitError', errorMessage: 'Environment is gone' },
        timedOut: false,
      });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.die(timeoutError(timeoutMs), true), timeoutMs);
      this.pending = {
        requestId: request.requestId,
        settle: (outcome) => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(outcome);
        },
      };
      this.worker.postMessage({ type: 'invoke', ...request, deadlineMs: Date.now() + timeoutMs });
    });
  }

  /** The runtime crashes: a pending invocation fails with `Runtime.ExitError` and the environment is discarded. */
  kill(reason: string): void {
    this.die({ errorType: 'Runtime.ExitError', errorMessage: this.exitMessage(reason) }, false);
  }

  /** Ends the worker; a pending invocation fails with `Runtime.ExitError`. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.initDurationMs = performance.now() - this.startedAt;
        this.settleInit(undefined);
        return;
      case 'init-error':
        this.initDurationMs = performance.now() - this.startedAt;
        this.die(message.error, false);
        return;
      case 'result':
        if (this.pending?.requestId === message.requestId) {
          this.pending.settle({ kind: 'success', payloadJson: message.payloadJson });
        }
        return;
      case 'invoke-error':
        if (this.pending?.requestId === message.requestId) {
          this.pending.settle({ kind: 'function-error', error: message.error });
        }
        return;
      case 'fatal':
        this.die(message.error, false);
        return;
      case 'aws-request':
        this.serveAwsRequest(message);
        return;
    }
  }

  private serveAwsRequest({ id, method, path, headers, body }: { id: number } & InProcessRequest): void {
    const listener = this.awsEndpointListener;
    if (!listener) {
      this.worker.postMessage({ type: 'aws-response', id, error: 'This environment has no in-process AWS endpoint' });
      return;
    }
    const exchange = serveInProcess(listener, { method, path, headers, body });
    this.exchanges.add(exchange);
    exchange.answer
      .then(
        (response) => {
          // Transferred, not copied: the body is the answer's own buffer.
          if (this.alive)
            this.worker.postMessage({ type: 'aws-response', id, ...response }, [response.body.buffer as ArrayBuffer]);
        },
        (error: unknown) => {
          if (this.alive) this.worker.postMessage({ type: 'aws-response', id, error: String(error) });
        },
      )
      .finally(() => this.exchanges.delete(exchange));
  }

  /** Fails whatever is in progress with `error` and ends the worker. Idempotent. */
  private die(error: LambdaErrorPayload, timedOut: boolean): void {
    const wasAlive = this.alive;
    this.alive = false;
    for (const exchange of this.exchanges) exchange.abandon();
    this.exchanges.clear();
    this.settleInit(error);
    this.pending?.settle({ kind: 'fatal', error, timedOut });
    if (wasAlive) void this.worker.terminate();
  }

  private settleInit(error: LambdaErrorPayload | undefined): void {
    const resolve = this.resolveInit;
    this.resolveInit = undefined;
    resolve?.(error);
  }

  private exitMessage(status: string): string {
    const prefix = this.pending ? `RequestId: ${this.pending.requestId} ` : '';
    return `${prefix}Error: Runtime exited with error: ${status}`;
  }
}

function timeoutError(timeoutMs: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
  };
}

function forwardLines(stream: Readable, emit: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      emit(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (buffered.length > 0) emit(buffered);
    buffered = '';
  });
}

/** `PriceCartFn-1733100000000-3.cpuprofile`: which function, and one file per environment. */
let profiles = 0;
function profileName(functionName: string): string {
  profiles += 1;
  const logicalId = functionName.split('-')[2] ?? functionName;
  return `${logicalId.replace(/[0-9A-F]{8}$/, '')}-${Date.now()}-${profiles}.cpuprofile`;
}
