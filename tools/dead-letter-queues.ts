/**
 * What `npm run dlq` does, as functions of an `SQSClient`: list a deployment's dead-letter queues with their depth, the
 * queues they serve and why their messages are there, and redrive one back to its source with a message move task.
 * Only plain SQS API calls, so the same code runs against the local cloud, LocalStack and AWS; the end-to-end tests
 * call these functions directly.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ListQueuesCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { RuntimeConditionError } from '../local-cloud/cli/define-cli.js';
import { FAILURE_ATTRIBUTE } from '../shared/sqs/failure-attributes.js';

export interface DeadLetterQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  /** Messages waiting to be received. */
  readonly visible: number;
  /** Messages received and not yet deleted (e.g. by an operator inspecting them). */
  readonly inFlight: number;
  readonly delayed: number;
  /**
   * URLs of the queues whose redrive policy names this one. Empty for a queue that receives from EventBridge or Step
   * Functions instead (listed because the deployment names it as a dead-letter queue): a move task cannot redrive it.
   */
  readonly sourceQueueUrls: readonly string[];
}

export interface ListDeadLetterQueuesOptions {
  /** Only queues whose name starts with this (the deployment's stage or stack prefix). @default every queue */
  readonly queueNamePrefix?: string;
  /**
   * Queues known to be dead-letter queues although no SQS queue names them: targets of EventBridge rules or Step
   * Functions that park what they could not deliver. @default none
   */
  readonly alsoDeadLetterQueueUrls?: readonly string[];
}

export interface RedriveOptions {
  /** Stack outputs, so that `reference` may be an output name such as `NotificationsDlqUrl`. @default none */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Poll of ListMessageMoveTasks while the task runs. @default 500 */
  readonly pollIntervalMs?: number;
  /** Give up waiting after this long (the task goes on in the background on AWS). @default 300000 */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RedriveResult {
  readonly dlqArn: string;
  readonly dlqUrl: string;
  /** What ListMessageMoveTasks reported for the finished task. */
  readonly moved: number;
}

/**
 * The reference cannot be resolved to a queue, or the move task did not complete: the operator's to fix, so the tool
 * prints it on one line.
 */
export class DeadLetterQueueToolError extends RuntimeConditionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeadLetterQueueToolError';
  }
}

const COUNT_ATTRIBUTES: QueueAttributeName[] = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

/**
 * Every dead-letter queue among the queues listed: the targets of their redrive policies (plus
 * `alsoDeadLetterQueueUrls`), each with its depth and the queues it serves, sorted by name.
 */
export async function listDeadLetterQueues(
  sqs: SQSClient,
  options: ListDeadLetterQueuesOptions = {},
): Promise<DeadLetterQueue[]> {
  const queueUrls = await listQueueUrls(sqs, options.queueNamePrefix);
  const deadLetterArns = new Set<string>();
  for (const queueUrl of queueUrls) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    const target = deadLetterTargetOf(Attributes?.RedrivePolicy);
    if (target) deadLetterArns.add(target);
  }
  // Queue names are unique per account and region, and a DLQ lives in its source's account and region.
  const deadLetterNames = new Set([...deadLetterArns].map(queueNameOf));
  // By name, not URL: the same queue has several URL spellings on LocalStack (path or subdomain style).
  const deadLetterUrls = new Map((options.alsoDeadLetterQueueUrls ?? []).map((url) => [queueNameOf(url), url]));
  for (const queueUrl of queueUrls) {
    const name = queueNameOf(queueUrl);
    if (deadLetterNames.has(name)) deadLetterUrls.set(name, queueUrl);
  }
  // A redrive target outside the listed queues (another name prefix) still serves the deployment.
  for (const arn of deadLetterArns) {
    if (!deadLetterUrls.has(queueNameOf(arn))) deadLetterUrls.set(queueNameOf(arn), await urlOfArn(sqs, arn));
  }

  const queues: DeadLetterQueue[] = [];
  for (const url of deadLetterUrls.values()) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: COUNT_ATTRIBUTES }),
    );
    queues.push({
      name: queueNameOf(url),
      url,
      arn: Attributes.QueueArn ?? '',
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      sourceQueueUrls: await sourceQueuesOf(sqs, url),
    });
  }
  return queues.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Moves every message of a dead-letter queue back to the queue it came from (StartMessageMoveTask without a
 * destination), waits until ListMessageMoveTasks reports the task finished, and answers how many moved.
 *
 * @param reference The DLQ's name, URL or ARN, or the name of a stack output holding one of those.
 */
export async function redriveDeadLetterQueue(
  sqs: SQSClient,
  reference: string,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const { url, arn } = await resolveQueue(sqs, reference, options.outputs);
  const sources = await sourceQueuesOf(sqs, url);
  if (sources.length === 0) {
    throw new DeadLetterQueueToolError(
      `${queueNameOf(url)} is not the dead-letter queue of any SQS queue, so a move task cannot redrive it; ` +
        'its messages come from EventBridge (`npm run dlq -- resend` sends events back to their targets) or Step ' +
        'Functions (`npm run dlq -- replay` finishes parked saga states)',
    );
  }
  const earlierTasks = new Set((await moveTasksOf(sqs, arn)).map((task) => task.StartedTimestamp));
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
  const finished = await waitForMoveTask(sqs, arn, earlierTasks, options);
  if (finished.Status !== 'COMPLETED') {
    throw new DeadLetterQueueToolError(
      `The move task of ${arn} ended ${finished.Status}: ${finished.FailureReason ?? 'no reason given'} ` +
        `(${finished.ApproximateNumberOfMessagesMoved ?? 0} message(s) moved)`,
    );
  }
  return { dlqArn: arn, dlqUrl: url, moved: finished.ApproximateNumberOfMessagesMoved ?? 0 };
}

/** Why a message waits in a dead-letter queue, as far as the message itself says. */
export interface DeadLetterMessage {
  /** Its id in the DLQ. */
  readonly messageId: string;
  /** When it entered the DLQ's chain: its `SentTimestamp` (SQS keeps it when the redrive policy moves a message). */
  readonly sentAt: string | undefined;
  /** Receives so far, this peek's included. */
  readonly receiveCount: number;
  /**
   * The reason attached to it: a consumer's refusal (`FailureCode`, `FailureReason`, ... of `shared/sqs`) or an
   * EventBridge delivery that gave up (`ERROR_CODE`, `ERROR_MESSAGE`). None for a message the redrive policy moved
   * after `maxReceiveCount` failed receives (a dependency, a timeout, a bug: the consumer's logs say which).
   */
  readonly reason: DeadLetterReason | undefined;
}

interface DeadLetterReason {
  readonly code: string | undefined;
  readonly message: string | undefined;
  /** The consumer's `FailureDetails`: JSON of the issues found (a message that did not match its schema). */
  readonly details: string | undefined;
  /** The consumer function that refused it, or EventBridge's rule. */
  readonly by: string | undefined;
  /** The source queue's ARN and the message's id there, when a consumer refused it. */
  readonly sourceQueue: string | undefined;
  readonly originalMessageId: string | undefined;
}

export interface PeekOptions {
  /** At most this many messages. @default 10 */
  readonly max?: number;
}

/**
 * Up to `max` messages of a dead-letter queue with the reason each carries, without taking them: each receive sets
 * a visibility timeout of 0, so they stay visible to a redrive or another peek. SQS answers a sample of the queue, so
 * a deep queue lists some of its messages, not necessarily the oldest.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  queueUrl: string,
  options: PeekOptions = {},
): Promise<DeadLetterMessage[]> {
  const max = options.max ?? 10;
  const seen = new Map<string, DeadLetterMessage>();
  // Receives with a visibility timeout of 0 may answer the same messages again: stop when one brings nothing new.
  for (let attempt = 0; attempt < Math.ceil(max / 10) + 2 && seen.size < max; attempt++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, max - seen.size),
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const fresh = Messages.filter((message) => message.MessageId && !seen.has(message.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh.slice(0, max - seen.size))
      seen.set(message.MessageId ?? '', deadLetterMessage(message));
  }
  return [...seen.values()];
}

function deadLetterMessage(message: Message): DeadLetterMessage {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const sent = Number(message.Attributes?.SentTimestamp);
  const refused = attribute(FAILURE_ATTRIBUTE.reason) ?? attribute(FAILURE_ATTRIBUTE.code);
  const undelivered = attribute('ERROR_CODE') ?? attribute('ERROR_MESSAGE');
  let reason: DeadLetterReason | undefined;
  if (refused !== undefined) {
    reason = {
      code: attribute(FAILURE_ATTRIBUTE.code),
      message: attribute(FAILURE_ATTRIBUTE.reason),
      details: attribute(FAILURE_ATTRIBUTE.details),
      by: attribute(FAILURE_ATTRIBUTE.failedBy),
      sourceQueue: attribute(FAILURE_ATTRIBUTE.sourceQueue),
      originalMessageId: attribute(FAILURE_ATTRIBUTE.originalMessageId),
    };
  } else if (undelivered !== undefined) {
    reason = {
      code: attribute('ERROR_CODE'),
      message: attribute('ERROR_MESSAGE'),
      details: undefined,
      by: attribute('RULE_ARN'),
      sourceQueue: undefined,
      originalMessageId: undefined,
    };
  }
  return {
    messageId: message.MessageId ?? '',
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    reason,
  };
}

/** A queue's URL and ARN from its name, URL, ARN, or a stack output holding one of those. */
export async function resolveQueue(
  sqs: SQSClient,
  reference: string,
  outputs: Readonly<Record<string, string>> = {},
): Promise<{ url: string; arn: string }> {
  const value = outputs[reference] ?? reference;
  let url: string;
  try {
    if (/^https?:\/\//.test(value)) url = value;
    else if (value.startsWith('arn:')) url = await urlOfArn(sqs, value);
    else url = (await sqs.send(new GetQueueUrlCommand({ QueueName: value }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    if (!url || !Attributes?.QueueArn) throw new Error('no URL or ARN in the answer');
    return { url, arn: Attributes.QueueArn };
  } catch (cause) {
    throw new DeadLetterQueueToolError(
      `No queue ${reference}: give a queue name, URL or ARN, or a stack output such as NotificationsDlqUrl ` +
        `(${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
}

/**
 * Waits until the task started after `earlierTasks` were listed has finished. A finished task no longer carries its
 * handle, so ours is told apart by its start time: SQS runs one task per queue at a time, and lists the latest first.
 */
async function waitForMoveTask(
  sqs: SQSClient,
  sourceArn: string,
  earlierTasks: ReadonlySet<number | undefined>,
  options: RedriveOptions,
): Promise<ListMessageMoveTasksResultEntry> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.timeoutMs ?? 300_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ours = (await moveTasksOf(sqs, sourceArn)).find((task) => !earlierTasks.has(task.StartedTimestamp));
    if (ours && ours.Status !== 'RUNNING' && ours.Status !== 'CANCELLING') return ours;
    if (Date.now() > deadline) {
      throw new DeadLetterQueueToolError(
        `The move task of ${sourceArn} has not finished after ${timeoutMs} ms; it goes on: ` +
          'check it with `aws sqs list-message-move-tasks`',
      );
    }
    await sleep(options.pollIntervalMs ?? 500);
  }
}

async function moveTasksOf(sqs: SQSClient, sourceArn: string): Promise<ListMessageMoveTasksResultEntry[]> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }));
  return Results;
}

async function listQueueUrls(sqs: SQSClient, prefix: string | undefined): Promise<string[]> {
  const urls: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken: nextToken }),
    );
    urls.push(...(page.QueueUrls ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return urls;
}

async function sourceQueuesOf(sqs: SQSClient, deadLetterQueueUrl: string): Promise<string[]> {
  const urls: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: deadLetterQueueUrl, MaxResults: 1000, NextToken: nextToken }),
    );
    urls.push(...(page.queueUrls ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return urls.sort();
}

function deadLetterTargetOf(redrivePolicy: string | undefined): string | undefined {
  if (!redrivePolicy) return undefined;
  try {
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

/** `arn:aws:sqs:<region>:<account>:<name>` to its URL, asking SQS (URLs differ between AWS, LocalStack and local). */
/** The URL of the queue with this ARN (GetQueueUrl with its name and owner). */
export async function urlOfArn(sqs: SQSClient, arn: string): Promise<string> {
  const [, , service, , account, name] = arn.split(':');
  if (service !== 'sqs' || !account || !name) throw new DeadLetterQueueToolError(`${arn} is not an SQS queue ARN`);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  if (!QueueUrl) throw new DeadLetterQueueToolError(`SQS gave no URL for ${arn}`);
  return QueueUrl;
}

/** The last segment of a queue URL or ARN. */
export function queueNameOf(urlOrArn: string): string {
  return urlOrArn.split(/[/:]/).at(-1) ?? urlOrArn;
}

/** A stack output value that is an SQS queue URL (AWS, LocalStack and local cloud spellings). */
const QUEUE_URL = /^https?:\/\/[^/]+\/\d{12}\/[^/]+$/;
/** Output names of queues that are dead-letter queues without an SQS source (EventBridge and Step Functions DLQs). */
const DEAD_LETTER_OUTPUT = /dlq|deadletter|undelivered/i;

/**
 * Narrows `listDeadLetterQueues` to one deployment from its stack outputs: the name prefix its queues share (CDK
 * names them `<stack>-<id>-<suffix>`, so this is the stage or stack prefix), and the queues its outputs call
 * dead-letter queues. With fewer than two queues there is no telling the prefix from the queue's own name: no prefix.
 */
export function deploymentScope(outputs: Readonly<Record<string, string>>): ListDeadLetterQueuesOptions {
  const queueOutputs = Object.entries(outputs).filter(([, value]) => QUEUE_URL.test(value));
  const names = queueOutputs.map(([, url]) => queueNameOf(url));
  const common = names.reduce((prefix, name) => {
    let length = 0;
    while (length < prefix.length && prefix[length] === name[length]) length++;
    return prefix.slice(0, length);
  }, names[0] ?? '');
  const queueNamePrefix = names.length < 2 ? '' : common.slice(0, common.lastIndexOf('-') + 1);
  return {
    ...(queueNamePrefix ? { queueNamePrefix } : {}),
    alsoDeadLetterQueueUrls: queueOutputs.filter(([name]) => DEAD_LETTER_OUTPUT.test(name)).map(([, url]) => url),
  };
}
