/** The local cloud's SQS: fauxqs on loopback behind a listener for the edge, plus the programmatic API. */
import type { RequestListener } from 'node:http';
import { AwsServiceError, type EdgeRequestGuard } from '../aws-protocol.js';
import { chunks, type UsageMeter } from '../metering.js';
import { QueueConfigurationError, QueueNotFoundError } from './errors.js';
import { type FauxqsBackend, startFauxqsBackend } from './fauxqs-backend.js';
import { createSqsListener } from './listener.js';
import { moveTaskOperations } from './move-tasks.js';
import { type QueueDefinition, type QueueProps, redriveAllowed, toQueueDefinition } from './queue-properties.js';
import {
  countMessages,
  inspectAll,
  localQueueArn,
  publicQueueUrl,
  type QueueCounts,
  type QueueInfo,
  queueNameOf,
  toQueueInfo,
  withPublicQueueUrls,
} from './queue-state.js';
import { planRedrive, type RedriveOptions, runRedrive } from './redrive.js';

export interface LocalSqsOptions {
  /** Counts the requests SQS bills. */
  meter?: Pick<UsageMeter, 'add'>;
  /** The edge's base URL, e.g. `http://127.0.0.1:4566`; queue URLs handed to clients start with it. */
  publicEndpoint: string;
  /** Keep queues and messages in SQLite under this directory across restarts (fauxqs `dataDir`). */
  persistDir?: string;
  log?: (line: string) => void;
  /**
   * Multiplies every queue's visibility timeout (at least 1 s remains). Tests use 0.1 so that a poison message
   * reaches its DLQ in seconds instead of `maxReceiveCount` x 6 x the consumer's timeout; the template is unchanged.
   * @default 1
   */
  visibilityTimeoutScale?: number;
  /** Checks each request that came through the edge before it runs (IAM). @default none */
  guard?: EdgeRequestGuard;
}

/**
 * One queue in `listQueues()`: what it is, how many messages it holds, and which queues dead-letter into it.
 * @public Part of the service's API (index.ts).
 */
export interface LocalQueueListing extends QueueInfo {
  counts: QueueCounts;
  /** Visible plus in-flight messages, as `approximateDepth` reports. */
  depth: number;
  /** ARNs of the queues whose RedrivePolicy names this queue; empty unless it is a dead-letter queue. */
  deadLetterSourceArns: string[];
}

export interface LocalSqs {
  /** Serves SQS JSON-protocol requests (`X-Amz-Target: AmazonSQS.*`); mount it on the edge. */
  readonly listener: RequestListener;
  /**
   * Runs one SQS operation in-process, as the listener would (for the other services of the local cloud): no edge
   * hop, no SDK. The input is the JSON-protocol request; queue URLs may be public ones. `unmetered` leaves it out of
   * the bill: for the calls that stand in for what AWS does by itself (an expired visibility timeout, the SQS
   * poller's hold on a batch under scaled timeouts), which no one pays for there.
   */
  call(
    operation: string,
    input: Record<string, unknown>,
    signal?: AbortSignal,
    options?: { unmetered?: boolean },
  ): Promise<Record<string, unknown>>;
  readonly publicEndpoint: string;
  /**
   * Creates (or, when it survived a restart, updates) a queue from resolved `AWS::SQS::Queue` Properties.
   * Dead-letter queues must exist first. Throws `UnsupportedQueuePropertyError` or `QueueConfigurationError`.
   */
  createQueue(physicalName: string, props: QueueProps): Promise<{ url: string; arn: string }>;
  queueArn(name: string): string;
  queueUrl(name: string): string;
  /** The queue with this ARN (a queue URL works too), or `undefined`. */
  getQueueByArn(arn: string): Promise<QueueInfo | undefined>;
  /** Moves messages from a dead-letter queue back to its source queue (or `destinationArn`), at least once. */
  redrive(dlqArnOrUrl: string, options?: RedriveOptions): Promise<{ moved: number }>;
  /** Visible plus in-flight messages of a queue named by URL or ARN. */
  approximateDepth(queueUrlOrArn: string): Promise<number>;
  /** Messages of a queue named by URL or ARN, by state. */
  queueCounts(queueUrlOrArn: string): Promise<QueueCounts>;
  /** Every queue, sorted by name, with its depth and the queues it is the dead-letter queue of. */
  listQueues(): Promise<LocalQueueListing[]>;
  /**
   * Whether a client (a function, through the edge) changed the visibility of the message it received with this
   * receipt handle: Lambda's pollers then leave that message's visibility to it.
   */
  visibilityChangedByClient(receiptHandle: string): boolean;
  /**
   * The visibility timeout the template gave a queue created by `createQueue` (before `visibilityTimeoutScale`), by
   * ARN: what Lambda compares with a consumer's timeout. `undefined` for a queue it did not create.
   */
  configuredVisibilityTimeoutSeconds(queueArn: string): number | undefined;
  stop(): Promise<void>;
}

/** Receipt handles remembered as changed by a client; the oldest are forgotten past this (a handle lives one receive). */
const MAX_REMEMBERED_VISIBILITY_CHANGES = 10_000;

/** What AWS (and fauxqs) use for an attribute left out, so that updating a restored queue resets it. */
const ATTRIBUTE_DEFAULTS: Record<string, string> = {
  VisibilityTimeout: '30',
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  RedrivePolicy: '',
  RedriveAllowPolicy: '',
};
/** fauxqs fixes these at creation (SetQueueAttributes refuses them). */
const CREATION_ONLY_ATTRIBUTES = new Set(['FifoQueue', 'DeduplicationScope', 'FifoThroughputLimit']);

/** Starts fauxqs on loopback and returns the local SQS around it. */
export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const publicEndpoint = options.publicEndpoint.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(publicEndpoint)) {
    throw new Error(`publicEndpoint must be a base URL such as http://127.0.0.1:4566, got ${options.publicEndpoint}`);
  }
  const log = options.log ?? (() => {});
  const backend = await startFauxqsBackend({ persistDir: options.persistDir });
  log(
    options.persistDir
      ? `sqs: fauxqs on port ${backend.port} (all interfaces: startFauxqs binds 0.0.0.0), persisting to ${options.persistDir}`
      : `sqs: fauxqs at ${backend.origin} (in memory)`,
  );

  const inspectExisting = async (reference: string) => {
    const name = queueNameOf(reference);
    const inspection = name ? await backend.inspect(name) : undefined;
    if (!inspection) throw new QueueNotFoundError(reference);
    return inspection;
  };
  let stopped = false;
  const localOperations = moveTaskOperations(backend, publicEndpoint, log);
  const meter = (input: Record<string, unknown>, payloadBytes: number) => {
    const fifo = String(input.QueueUrl ?? input.QueueName ?? '').endsWith('.fifo');
    options.meter?.add(fifo ? 'sqs.fifo.requests' : 'sqs.standard.requests', chunks(payloadBytes));
  };

  const configuredVisibilityTimeouts = new Map<string, number>();
  const changedByClients = new Set<string>();
  const rememberVisibilityChanges = (receiptHandles: readonly string[]) => {
    for (const handle of receiptHandles) {
      if (changedByClients.size >= MAX_REMEMBERED_VISIBILITY_CHANGES) {
        const oldest = changedByClients.values().next().value;
        if (oldest !== undefined) changedByClients.delete(oldest);
      }
      changedByClients.add(handle);
    }
  };

  return {
    listener: createSqsListener({
      backend,
      publicEndpoint,
      localOperations,
      log,
      meter,
      guard: options.guard,
      onVisibilityChanged: rememberVisibilityChanges,
    }),
    visibilityChangedByClient: (receiptHandle) => changedByClients.has(receiptHandle),
    configuredVisibilityTimeoutSeconds: (queueArn) => configuredVisibilityTimeouts.get(queueArn),
    async call(operation, input, signal, callOptions) {
      if (!callOptions?.unmetered) meter(input, messageBytes(input));
      const local = Object.hasOwn(localOperations, operation) ? localOperations[operation] : undefined;
      if (local) return ((await local(input)) ?? {}) as Record<string, unknown>;
      const output = await backend.call<Record<string, unknown>>(operation, input, signal);
      return withPublicQueueUrls(operation, () => output, publicEndpoint) ?? output;
    },
    publicEndpoint,
    async createQueue(physicalName, props) {
      const configured = toQueueDefinition(physicalName, props);
      configuredVisibilityTimeouts.set(
        localQueueArn(physicalName),
        Number(configured.attributes.VisibilityTimeout ?? ATTRIBUTE_DEFAULTS.VisibilityTimeout),
      );
      const definition = scaleVisibilityTimeout(configured, options.visibilityTimeoutScale);
      await checkDeadLetterTarget(backend, definition);
      if (definition.attributes.MessageRetentionPeriod !== undefined) {
        log(`sqs: ${physicalName}: MessageRetentionPeriod is recorded but messages never expire locally`);
      }
      await createOrUpdate(backend, definition, log);
      return { url: publicQueueUrl(publicEndpoint, physicalName), arn: localQueueArn(physicalName) };
    },
    queueArn: localQueueArn,
    queueUrl: (name) => publicQueueUrl(publicEndpoint, name),
    async getQueueByArn(arn) {
      const name = queueNameOf(arn);
      const inspection = name ? await backend.inspect(name) : undefined;
      return inspection ? toQueueInfo(inspection, publicEndpoint) : undefined;
    },
    async redrive(dlqArnOrUrl, redriveOptions) {
      const outcome = await runRedrive(backend, await planRedrive(backend, dlqArnOrUrl, redriveOptions));
      log(`sqs: redrove ${outcome.moved} message(s) from ${outcome.sourceArn} to ${outcome.destinationArn}`);
      return { moved: outcome.moved };
    },
    async approximateDepth(queueUrlOrArn) {
      const counts = countMessages(await inspectExisting(queueUrlOrArn));
      return counts.visible + counts.inFlight;
    },
    async queueCounts(queueUrlOrArn) {
      return countMessages(await inspectExisting(queueUrlOrArn));
    },
    async listQueues() {
      const inspections = await inspectAll(backend);
      const infos = inspections.map((inspection) => toQueueInfo(inspection, publicEndpoint));
      return inspections
        .map((inspection, index): LocalQueueListing => {
          const info = infos[index] as QueueInfo;
          const counts = countMessages(inspection);
          return {
            ...info,
            counts,
            depth: counts.visible + counts.inFlight,
            deadLetterSourceArns: infos
              .filter((other) => other.redrivePolicy?.deadLetterTargetArn === info.arn)
              .map((other) => other.arn),
          };
        })
        .sort((left, right) => left.name.localeCompare(right.name));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await backend.stop();
    },
  };
}

/** The message payload of a request, for billing: its body, or the bodies of a batch. */
function messageBytes(input: Record<string, unknown>): number {
  if (typeof input.MessageBody === 'string') return Buffer.byteLength(input.MessageBody);
  if (!Array.isArray(input.Entries)) return 0;
  return input.Entries.reduce(
    (total: number, entry: { MessageBody?: unknown }) =>
      total + (typeof entry?.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody) : 0),
    0,
  );
}

/** AWS checks a RedrivePolicy against its target when the source queue is created; so do we. */
async function checkDeadLetterTarget(backend: FauxqsBackend, definition: QueueDefinition): Promise<void> {
  if (!definition.redrivePolicy) return;
  const { deadLetterTargetArn } = definition.redrivePolicy;
  const dlqName = queueNameOf(deadLetterTargetArn);
  const dlq = dlqName ? await backend.inspect(dlqName) : undefined;
  if (!dlq || dlq.arn !== deadLetterTargetArn) {
    throw new QueueConfigurationError(
      definition.name,
      `RedrivePolicy names dead-letter queue ${deadLetterTargetArn}, which does not exist (create dead-letter queues first)`,
    );
  }
  if ((dlq.attributes.FifoQueue === 'true') !== definition.fifo) {
    throw new QueueConfigurationError(
      definition.name,
      `the dead-letter queue of a ${definition.fifo ? 'FIFO' : 'standard'} queue must be ${definition.fifo ? 'FIFO' : 'standard'} too`,
    );
  }
  if (!redriveAllowed(dlq.attributes.RedriveAllowPolicy, localQueueArn(definition.name))) {
    throw new QueueConfigurationError(
      definition.name,
      `the RedriveAllowPolicy of ${deadLetterTargetArn} does not let this queue use it as dead-letter queue`,
    );
  }
}

/**
 * A queue restored from `persistDir` already exists; bring its attributes and tags to the template's instead of
 * failing like CreateQueue would on a changed attribute. Changing FIFO-ness needs a new queue, as on AWS.
 */
async function createOrUpdate(
  backend: FauxqsBackend,
  definition: QueueDefinition,
  log: (line: string) => void,
): Promise<void> {
  const { name, attributes, tags } = definition;
  const failed = (error: unknown) =>
    new QueueConfigurationError(
      name,
      error instanceof AwsServiceError ? `${error.code}: ${error.message}` : String(error),
      {
        cause: error,
      },
    );
  const existing = await backend.inspect(name);
  if (!existing) {
    await backend.call('CreateQueue', { QueueName: name, Attributes: attributes, tags }).catch((error: unknown) => {
      throw failed(error);
    });
    return;
  }
  if ((existing.attributes.FifoQueue === 'true') !== definition.fifo) {
    throw new QueueConfigurationError(name, 'already exists with a different FifoQueue setting; delete it first');
  }
  const settable = Object.fromEntries(
    Object.entries({ ...ATTRIBUTE_DEFAULTS, ...attributes }).filter(([key]) => !CREATION_ONLY_ATTRIBUTES.has(key)),
  );
  const queueUrl = backend.queueUrl(name);
  try {
    await backend.call('SetQueueAttributes', { QueueUrl: queueUrl, Attributes: settable });
    if (Object.keys(tags).length > 0) await backend.call('TagQueue', { QueueUrl: queueUrl, Tags: tags });
  } catch (error) {
    throw failed(error);
  }
  log(`sqs: ${name} already existed (restored from persistence); attributes updated`);
}

function scaleVisibilityTimeout<T extends { attributes: Record<string, string | undefined> }>(
  definition: T,
  scale: number | undefined,
): T {
  const configured = definition.attributes.VisibilityTimeout;
  if (scale === undefined || scale === 1 || configured === undefined) return definition;
  const scaled = Math.max(1, Math.round(Number(configured) * scale));
  return { ...definition, attributes: { ...definition.attributes, VisibilityTimeout: String(scaled) } };
}
