/**
 * What `npm run dlq` does, as functions of an `SQSClient`: list a deployment's dead-letter queues with their depth and
 * the queues they serve, and redrive one back to its source with a message move task. Only plain SQS API calls, so the
 * same code runs against the local cloud, LocalStack and AWS; the end-to-end tests call these functions directly.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  ListQueuesCommand,
  type QueueAttributeName,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';

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

/** The reference cannot be resolved to a queue, or the move task did not complete. */
export class DeadLetterQueueToolError extends Error {
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
  const deadLetterUrls = new Set(options.alsoDeadLetterQueueUrls ?? []);
  for (const queueUrl of queueUrls) {
    if (deadLetterNames.has(queueNameOf(queueUrl))) deadLetterUrls.add(queueUrl);
  }
  // A redrive target outside the listed queues (another name prefix) still serves the deployment.
  const listedNames = new Set([...deadLetterUrls].map(queueNameOf));
  for (const arn of deadLetterArns) {
    if (!listedNames.has(queueNameOf(arn))) deadLetterUrls.add(await urlOfArn(sqs, arn));
  }

  const queues: DeadLetterQueue[] = [];
  for (const url of deadLetterUrls) {
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
        'its messages come from EventBridge or Step Functions: inspect them and replay them by hand',
    );
  }
  const startedAt = Date.now();
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
  const finished = await waitForMoveTask(sqs, arn, TaskHandle, startedAt, options);
  if (finished.Status !== 'COMPLETED') {
    throw new DeadLetterQueueToolError(
      `The move task of ${arn} ended ${finished.Status}: ${finished.FailureReason ?? 'no reason given'} ` +
        `(${finished.ApproximateNumberOfMessagesMoved ?? 0} message(s) moved)`,
    );
  }
  return { dlqArn: arn, dlqUrl: url, moved: finished.ApproximateNumberOfMessagesMoved ?? 0 };
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
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
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

async function waitForMoveTask(
  sqs: SQSClient,
  sourceArn: string,
  taskHandle: string | undefined,
  startedAt: number,
  options: RedriveOptions,
): Promise<ListMessageMoveTasksResultEntry> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }));
    // A running task carries its handle; a finished one does not, and SQS runs one task per queue at a time, so the
    // most recent finished task that started after our request is ours.
    const running = Results.find((task) => task.Status === 'RUNNING' && task.TaskHandle === taskHandle);
    if (!running) {
      const finished = Results.find(
        (task) => task.Status !== 'RUNNING' && task.Status !== 'CANCELLING' && isSince(task, startedAt),
      );
      if (finished) return finished;
    }
    if (Date.now() > deadline) {
      throw new DeadLetterQueueToolError(
        `The move task of ${sourceArn} has not finished after ${options.timeoutMs ?? 300_000} ms; it goes on: ` +
          'check it with `aws sqs list-message-move-tasks`',
      );
    }
    await sleep(options.pollIntervalMs ?? 500);
  }
}

/** Clocks of the caller and SQS differ a little; a task started a minute before our request is not ours. */
function isSince(task: ListMessageMoveTasksResultEntry, startedAt: number): boolean {
  return task.StartedTimestamp === undefined || task.StartedTimestamp >= startedAt - 60_000;
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
async function urlOfArn(sqs: SQSClient, arn: string): Promise<string> {
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
