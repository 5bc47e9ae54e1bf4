/**
 * Fault injection: a seeded plan says how often each kind of fault happens, and the local cloud's services ask the
 * injector at their boundaries whether to inject one. Functions never take part: a fault is something AWS (or a
 * dependency) does to them.
 *
 * Decisions are deterministic per saga, not per run: each one hashes the seed, the fault kind, a key naming the call
 * (e.g. the function and the saga's correlation ID) and how many times that key was asked before. Concurrent sagas
 * interleave differently from run to run, but one saga's calls come in the same order, so the same seed injects the
 * same faults into the same saga (docs/adr/0013-fault-injection-at-service-boundaries.md).
 */
import { createHash } from 'node:crypto';

/** Every fault the local cloud can inject, with the AWS failure it stands for. */
export const FAULT_KINDS = {
  'lambda.throttle': 'Lambda refuses the invocation: TooManyRequestsException (429); the handler never runs',
  'lambda.failBeforeHandler': 'Lambda fails the invocation before the handler runs: ServiceException (500)',
  'lambda.failAfterHandler':
    'the handler ran and its effects stay, but its answer is lost: the caller gets ServiceException (500) and retries',
  'lambda.timeoutAfterHandler':
    'the handler ran and its effects stay, then the invocation times out: the caller gets Sandbox.Timedout',
  'dynamodb.throughputExceeded': 'a table throttles the request: ProvisionedThroughputExceededException (400)',
  'dynamodb.internalError': 'DynamoDB fails the request before applying it: InternalServerError (500)',
  'dynamodb.internalErrorAfterWrite':
    'DynamoDB applies a write, then fails the answer: InternalServerError (500), the write stays (as AWS warns it may)',
  'dynamodb.transactionConflict':
    'a write meets a transaction in progress: TransactionConflictException, or TransactionCanceledException ' +
    '[TransactionConflict] for a transaction',
  'eventbridge.duplicateDelivery':
    'EventBridge delivers an event to a target twice (delivery is at least once): the consumer must recognise it',
  'sqs.delayedDelivery': 'a message sent to a queue becomes visible only after 5 s, behind later ones',
  'sqs.visibilityExpired':
    'a message becomes visible again while its first consumer still works on it: a second consumer receives it ' +
    '(same MessageId, new receipt handle, ApproximateReceiveCount 2), and the first one deletes it with a stale handle',
  'eventbridge.targetRefused':
    'a rule target refuses an event on every attempt (THROTTLING) until its retry policy gives up: EventBridge sends ' +
    "the event to the target's dead-letter queue",
  'stepfunctions.answerLost':
    'Step Functions takes a SendTaskSuccess or SendTaskFailure, then its answer is lost (500): the SDK sends it again ' +
    'and meets TaskTimedOut, as a second answer to a token does',
  'stepfunctions.lateAnswer':
    "a worker's SendTaskSuccess or SendTaskFailure reaches Step Functions only after the task gave up on its " +
    'heartbeat: the task fails with States.HeartbeatTimeout and the answer meets TaskTimedOut',
  'stepfunctions.workerDies':
    'the worker dies mid-task, just after a SendTaskHeartbeat: its invocation ends with Runtime.ExitError, nothing ' +
    'answers, and the command comes back only when SQS redelivers it',
} as const;

export type FaultKind = keyof typeof FAULT_KINDS;

export interface FaultPlan {
  /** Any string; the same seed gives the same decisions for the same calls. */
  readonly seed: string;
  /** Probability (0 to 1) of each kind, per call that can meet it. Kinds left out never happen. */
  readonly rates: Readonly<Partial<Record<FaultKind, number>>>;
  /** Faults aimed at one saga's calls, injected whatever the rates say (the fault matrix's way). */
  readonly targets?: readonly FaultTarget[];
}

/**
 * One fault aimed at the calls of one saga: e.g. `{ kind: 'lambda.failAfterHandler', saga: 'matrix-7', where:
 * 'CreateOrderFn' }` loses the first answer of CreateOrder in saga `matrix-7`.
 */
export interface FaultTarget {
  readonly kind: FaultKind;
  /** The saga's correlation ID. */
  readonly saga: string;
  /**
   * Part of the call's key that picks the call: a function's logical ID, `<table>|<operation>`, or the name of a queue
   * (or function) a delivery goes to. @default any
   */
  readonly where?: string;
  /** How many of the matching calls, from the first, get the fault. @default 1 */
  readonly times?: number;
}

function isFaultKind(kind: string): kind is FaultKind {
  return Object.hasOwn(FAULT_KINDS, kind);
}

/**
 * Reads `kind=rate,kind=rate` (as `npm run chaos -- --rates` takes it); `all=0.05` sets every kind. Refuses unknown
 * kinds and rates outside 0..1, naming them.
 */
export function parseFaultRates(text: string): Partial<Record<FaultKind, number>> {
  const rates: Partial<Record<FaultKind, number>> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)) {
    const [kind = '', value = ''] = entry.split('=').map((part) => part.trim());
    const rate = Number(value);
    if (value === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new RangeError(`Fault rate '${entry}' must be kind=rate with a rate from 0 to 1`);
    }
    if (kind === 'all') {
      for (const known of Object.keys(FAULT_KINDS) as FaultKind[]) rates[known] = rate;
    } else if (isFaultKind(kind)) {
      rates[kind] = rate;
    } else {
      throw new RangeError(`Unknown fault kind '${kind}'; known kinds: ${Object.keys(FAULT_KINDS).join(', ')}`);
    }
  }
  return rates;
}

/** A function's invocation on behalf of a saga. */
export interface SagaInvocation {
  readonly saga: string;
  /** The function's logical ID. */
  readonly caller: string;
  /** Ends the invocation at once, as a crash of its runtime would (`stepfunctions.workerDies`). */
  readonly kill?: () => void;
}

/** One injected fault, for the run's report and for reproducing a violation. */
export interface InjectedFault {
  readonly kind: FaultKind;
  readonly key: string;
  /** How many times this kind and key were asked before: with the key, it names the call. */
  readonly occurrence: number;
}

export class FaultInjector {
  private readonly asked = new Map<string, number>();
  /** How many calls each target (by its index in the plan) has hit. */
  private readonly targetHits = new Map<number, number>();
  private readonly injectedFaults: InjectedFault[] = [];
  /** The saga and function of each invocation in flight, by the root of its trace ID. */
  private readonly invocations = new Map<string, SagaInvocation>();

  constructor(readonly plan: FaultPlan) {
    for (const [kind, rate] of Object.entries(plan.rates)) {
      if (!isFaultKind(kind)) throw new RangeError(`Unknown fault kind '${kind}'`);
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
        throw new RangeError(`Fault rate of ${kind} must be from 0 to 1, got ${String(rate)}`);
      }
    }
  }

  /**
   * Whether to inject `kind` into the call named `key` (`<function or table|operation>|<saga>`, e.g.
   * `PriceCartFn…|corr-1`); counts the ask.
   */
  shouldInject(kind: FaultKind, key: string): boolean {
    const rate = this.plan.rates[kind] ?? 0;
    const targeted = this.targetHit(kind, key);
    if (rate <= 0 && !targeted) return false;
    const counter = `${kind}|${key}`;
    const occurrence = this.asked.get(counter) ?? 0;
    this.asked.set(counter, occurrence + 1);
    if (!targeted && draw(this.plan.seed, kind, key, occurrence) >= rate) return false;
    this.injectedFaults.push({ kind, key, occurrence });
    return true;
  }

  /** Whether a target of the plan claims this call, counting it against the target's `times`. */
  private targetHit(kind: FaultKind, key: string): boolean {
    const targets = this.plan.targets ?? [];
    for (const [index, target] of targets.entries()) {
      if (target.kind !== kind || !key.endsWith(`|${target.saga}`)) continue;
      if (target.where !== undefined && !key.includes(target.where)) continue;
      const hits = this.targetHits.get(index) ?? 0;
      if (hits >= (target.times ?? 1)) continue;
      this.targetHits.set(index, hits + 1);
      return true;
    }
    return false;
  }

  /**
   * Marks an invocation of `caller` (a function's logical ID) as running for `saga` until `leave` is called. Its SDK
   * calls carry its trace ID in the `X-Amzn-Trace-Id` header (the SDK's recursion detection sends `_X_AMZN_TRACE_ID`
   * inside Lambda), which is how the services it calls find which saga and function a request comes from
   * (`invocationOfRequest`).
   */
  enterInvocation(traceId: string, saga: string, caller: string, kill?: () => void): () => void {
    const root = traceRoot(traceId);
    this.invocations.set(root, { saga, caller, kill });
    return () => this.invocations.delete(root);
  }

  /** The invocation that sent a request, from its `X-Amzn-Trace-Id` header; none when outside a saga. */
  invocationOfRequest(traceHeader: string | string[] | undefined): SagaInvocation | undefined {
    const header = Array.isArray(traceHeader) ? traceHeader[0] : traceHeader;
    return header ? this.invocations.get(traceRoot(header)) : undefined;
  }

  /** The faults injected so far, in the order they were. */
  injected(): readonly InjectedFault[] {
    return this.injectedFaults;
  }

  /** How many of each kind were injected. */
  counts(): Partial<Record<FaultKind, number>> {
    const counts: Partial<Record<FaultKind, number>> = {};
    for (const fault of this.injectedFaults) counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
    return counts;
  }
}

/** A number in [0, 1) fixed by its inputs: the first 48 bits of a SHA-256. */
function draw(seed: string, kind: FaultKind, key: string, occurrence: number): number {
  const digest = createHash('sha256').update(`${seed}\u0000${kind}\u0000${key}\u0000${occurrence}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** `Root=1-…;Parent=…;Sampled=0` to `1-…`: the part every call of one invocation shares. */
function traceRoot(traceHeader: string): string {
  return /Root=([^;]+)/.exec(traceHeader)?.[1] ?? traceHeader;
}

/**
 * A correlation ID in a payload: a `correlationId` member (saga inputs, events' metadata, also inside the JSON string
 * of an SQS message body, where its quotes are escaped), else an `X-Correlation-Id` request header (API Gateway's
 * proxy event). A saga's ID is the one its client sent with the request that started it.
 */
const CORRELATION_ID = /\\*"correlationId\\*"\s*:\s*\\*"([^"\\]{1,128})\\*"/;
const CORRELATION_HEADER = /"x-correlation-id"\s*:\s*"([^"\\]{1,128})"/i;

/**
 * The saga a payload belongs to, by its correlation ID (docs/architecture.md, correlation IDs); `undefined` for a
 * payload outside any saga, which faults never hit: the local cloud's own calls, seeding and operators' tools.
 */
export function sagaScopeOf(payloadJson: string): string | undefined {
  return CORRELATION_ID.exec(payloadJson)?.[1] ?? CORRELATION_HEADER.exec(payloadJson)?.[1];
}
