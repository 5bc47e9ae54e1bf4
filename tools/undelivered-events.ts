/**
 * What `npm run dlq -- resend <queue>` does: brings home the events an EventBridge rule target's dead-letter queue
 * holds. EventBridge parks there the original event of a delivery it gave up on, with attributes saying where it was
 * going (`TARGET_ARN`, `RULE_ARN`) and why it failed (`ERROR_CODE`, `ERROR_MESSAGE`). No SQS queue names such a queue
 * in its redrive policy, so a message move task cannot return its messages; instead each event is sent to the queue
 * in its `TARGET_ARN`, as EventBridge would have, and deleted once sent.
 *
 * The event keeps its id, so a consumer that deduplicates on it (every consumer here does) ignores an event it handled
 * already. Only SQS API calls: the same against the local cloud, LocalStack and AWS.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { resolveQueue, urlOfArn } from './dead-letter-queues.js';

export interface ResendResult {
  readonly messageId: string;
  /** The event's id, read from the body; none when the body is not an event. */
  readonly eventId: string | undefined;
  /** Where EventBridge was delivering the event (`TARGET_ARN`) and for which rule (`RULE_ARN`). */
  readonly targetArn: string | undefined;
  readonly ruleArn: string | undefined;
  /** Why EventBridge gave up: `ERROR_CODE: ERROR_MESSAGE`. */
  readonly error: string | undefined;
  /** RESENT: sent to its target, and deleted. LEFT: left in the queue for an operator, `problem` says why. */
  readonly outcome: 'RESENT' | 'LEFT';
  readonly problem?: string;
}

export interface ResendOptions {
  /** Stack outputs, so that `reference` may be an output name such as `UndeliveredEventsQueueUrl`. @default none */
  readonly outputs?: Readonly<Record<string, string>>;
}

/** How long a received message stays hidden while this call works through the queue. */
const VISIBILITY_TIMEOUT_SECONDS = 300;

/**
 * Sends every event of an EventBridge dead-letter queue to the SQS queue it could not reach, deleting each once sent.
 * What cannot be resent (no `TARGET_ARN`, a target other than a standard queue) is left, visible again at the end.
 *
 * @param reference The DLQ's name, URL or ARN, or the name of a stack output holding one of those.
 */
export async function resendUndeliveredEvents(
  sqs: SQSClient,
  reference: string,
  options: ResendOptions = {},
): Promise<ResendResult[]> {
  const { url } = await resolveQueue(sqs, reference, options.outputs);
  const results: ResendResult[] = [];
  const left: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
        // A long poll, however short, asks every SQS server: an empty answer means the queue is empty.
        WaitTimeSeconds: 1,
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      const result = await resendOne(sqs, message);
      results.push(result);
      if (result.outcome === 'RESENT') {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      } else {
        left.push(message);
      }
    }
  }
  for (const message of left) {
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
    );
  }
  return results;
}

async function resendOne(sqs: SQSClient, message: Message): Promise<ResendResult> {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const targetArn = attribute('TARGET_ARN');
  const errorCode = attribute('ERROR_CODE');
  const base = {
    messageId: message.MessageId ?? 'unknown',
    eventId: eventIdOf(message.Body),
    targetArn,
    ruleArn: attribute('RULE_ARN'),
    error: errorCode === undefined ? undefined : `${errorCode}: ${attribute('ERROR_MESSAGE') ?? ''}`,
  };
  const left = (problem: string): ResendResult => ({ ...base, outcome: 'LEFT', problem });
  if (targetArn === undefined) return left('no TARGET_ARN attribute: not an event EventBridge dead-lettered');
  const service = targetArn.split(':')[2];
  if (service !== 'sqs') {
    const what = service ? `a ${service} resource` : 'not an AWS resource';
    return left(`its target is ${what}; only queue targets are resent (see the runbook)`);
  }
  // EventBridge sends to a FIFO target with the rule's MessageGroupId, which the dead-lettered message does not carry.
  if (targetArn.endsWith('.fifo')) return left('its target is a FIFO queue: resend it by hand with its group id');
  try {
    const QueueUrl = await urlOfArn(sqs, targetArn);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: message.Body }));
  } catch (error) {
    return left(`sending it to ${targetArn} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ...base, outcome: 'RESENT' };
}

function eventIdOf(body: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(body ?? '') as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
