/** Names, ARNs, URLs and message counts of local queues, derived from fauxqs's own view of them. */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';
import type { FauxqsBackend, QueueInspection } from './fauxqs-backend.js';

/** A local queue as the rest of the local cloud sees it. */
export interface QueueInfo {
  name: string;
  /** The URL clients use: `${publicEndpoint}/${accountId}/${name}`. */
  url: string;
  arn: string;
  fifo: boolean;
  /** Where messages received `maxReceiveCount` times without deletion go. */
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

/** How many messages a queue holds, by state, as AWS would count them at this instant. */
export interface QueueCounts {
  /** Receivable now (`ApproximateNumberOfMessages`). */
  visible: number;
  /** Received and neither deleted nor back to visible yet (`ApproximateNumberOfMessagesNotVisible`). */
  inFlight: number;
  /** Still waiting out a delay (`ApproximateNumberOfMessagesDelayed`). */
  delayed: number;
}

/** Operations whose answers carry queue URLs, and the members that hold them. */
const QUEUE_URL_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  CreateQueue: ['QueueUrl'],
  GetQueueUrl: ['QueueUrl'],
  ListQueues: ['QueueUrls'],
};

/**
 * fauxqs answers with its own queue URLs; clients must get the edge's (the SDK sends each request to its QueueUrl's
 * origin). For an operation that answers URLs, the output (read lazily) with public URLs; `undefined` otherwise.
 */
export function withPublicQueueUrls(
  operation: string,
  output: () => Record<string, unknown>,
  publicEndpoint: string,
): Record<string, unknown> | undefined {
  const members = QUEUE_URL_MEMBERS[operation];
  if (!members) return undefined;
  const toPublic = (url: unknown) => {
    const name = typeof url === 'string' ? queueNameOf(url) : undefined;
    return name ? publicQueueUrl(publicEndpoint, name) : url;
  };
  const rewritten = { ...output() };
  for (const member of members) {
    const value = rewritten[member];
    rewritten[member] = Array.isArray(value) ? value.map(toPublic) : toPublic(value);
  }
  return rewritten;
}

export function localQueueArn(name: string): string {
  return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
}

/** Queue URL the clients get: the edge's base URL, the account and the name, like `https://sqs.<region>.amazonaws.com`. */
export function publicQueueUrl(publicEndpoint: string, name: string): string {
  return `${publicEndpoint.replace(/\/+$/, '')}/${LOCAL_ACCOUNT_ID}/${name}`;
}

/**
 * The queue name in an ARN (`arn:aws:sqs:<region>:<account>:<name>`), a queue URL (`.../<account>/<name>`) or a
 * bare name; `undefined` for an ARN of another region, account or service, which cannot be a local queue.
 */
export function queueNameOf(reference: string): string | undefined {
  if (reference.startsWith('arn:')) {
    const [, , service, region, account, name, ...rest] = reference.split(':');
    if (service !== 'sqs' || region !== LOCAL_REGION || account !== LOCAL_ACCOUNT_ID || !name || rest.length > 0) {
      return undefined;
    }
    return name;
  }
  if (/^https?:\/\//.test(reference)) {
    const segments = new URL(reference).pathname.split('/').filter(Boolean);
    return segments.length === 2 && segments[0] === LOCAL_ACCOUNT_ID ? segments[1] : undefined;
  }
  return reference.length > 0 ? reference : undefined;
}

/** Counts from fauxqs's inspection, settling what fauxqs only settles on the next receive (expired timers). */
export function countMessages(inspection: QueueInspection, now = Date.now()): QueueCounts {
  const { ready, delayed, inflight } = inspection.messages;
  const dueDelayed = delayed.filter((message) => (message.delayUntil ?? 0) <= now).length;
  const expiredInFlight = inflight.filter((entry) => entry.visibilityDeadline <= now).length;
  return {
    visible: ready.length + dueDelayed + expiredInFlight,
    inFlight: inflight.length - expiredInFlight,
    delayed: delayed.length - dueDelayed,
  };
}

export function toQueueInfo(inspection: QueueInspection, publicEndpoint: string): QueueInfo {
  const info: QueueInfo = {
    name: inspection.name,
    url: publicQueueUrl(publicEndpoint, inspection.name),
    arn: inspection.arn,
    fifo: inspection.attributes.FifoQueue === 'true',
  };
  const redrivePolicy = inspection.attributes.RedrivePolicy;
  if (redrivePolicy) {
    const parsed = JSON.parse(redrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    info.redrivePolicy = {
      deadLetterTargetArn: parsed.deadLetterTargetArn,
      maxReceiveCount: Number(parsed.maxReceiveCount),
    };
  }
  return info;
}

/** Every queue fauxqs holds, with its inspection (attributes and messages). */
export async function inspectAll(backend: FauxqsBackend): Promise<QueueInspection[]> {
  const inspections = await Promise.all((await backend.queueNames()).map((name) => backend.inspect(name)));
  return inspections.filter((inspection): inspection is QueueInspection => inspection !== undefined);
}
