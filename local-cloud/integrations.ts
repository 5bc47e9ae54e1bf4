/**
 * How one local service calls another: EventBridge targets, Step Functions task integrations, Lambda's SQS pollers
 * and failure destinations. They call the target service in-process, through the same operation code its edge
 * listener runs (the JSON-protocol request in, the response out), so every hop keeps the service's semantics and
 * errors without an HTTP round trip or an SDK client on the local cloud's own thread. Clients reach every service over
 * HTTP through the unchanged SDK; functions (worker threads) through the unchanged SDK too, their requests carried to
 * the edge's listener as messages (ADR 0019).
 */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { AwsServiceError, callJsonApi } from './aws-protocol.js';
import type { LocalDynamoDb } from './dynamodb/index.js';
import {
  eventBridgeApi,
  type LocalEventBridge,
  TargetDeliveryError,
  type TargetDispatcher,
} from './eventbridge/index.js';
import { type FaultInjector, sagaScopeOf } from './faults/fault-plan.js';
import type { LocalIam } from './iam/index.js';
import { type EventSourceQueue, type LambdaRuntime, pollerReceiveRequest } from './lambda/index.js';
import type { LocalSqs } from './sqs/index.js';
import { queueNameOf } from './sqs/queue-state.js';
import type { LocalStepFunctions, TaskIntegrations } from './stepfunctions/index.js';

/** The services of one local cloud, for the calls between them; the later-built ones through accessors. */
export interface LocalServices {
  readonly dynamodb: LocalDynamoDb;
  readonly sqs: LocalSqs;
  readonly events: () => LocalEventBridge;
  readonly stepFunctions: () => LocalStepFunctions;
  readonly lambda: () => LambdaRuntime;
  /** Faults to inject where one service delivers to another; none when unset. */
  readonly faults?: FaultInjector | undefined;
  /** Judges deliveries by the target's resource policy, when IAM is enforced. */
  readonly iam?: Pick<LocalIam, 'deliveryRefusal' | 'taskRefusal'> | undefined;
}

/** EventBridge's action on each kind of target it delivers to, judged by the target's resource policy. */
const DELIVERY_ACTIONS: Readonly<Record<string, string>> = { sqs: 'sqs:SendMessage', lambda: 'lambda:InvokeFunction' };

/** Refuses a delivery the target's resource policy does not allow, as EventBridge reports it (no retry). */
async function assertDeliveryAllowed(services: LocalServices, targetArn: string, ruleArn: string | undefined) {
  const action = DELIVERY_ACTIONS[serviceOf(targetArn)];
  if (!services.iam || !action || !ruleArn) return;
  const refusal = await services.iam.deliveryRefusal({
    service: 'events.amazonaws.com',
    action,
    resource: targetArn,
    sourceArn: ruleArn,
  });
  if (refusal) throw new TargetDeliveryError(refusal, 'NO_PERMISSIONS', false);
}

/** How late a delayed message becomes visible (`sqs.delayedDelivery`). */
const INJECTED_DELAY_SECONDS = 5;

/** Whether the plan injects `kind` into this delivery to `targetArn` of a message of some saga. */
function injects(
  services: LocalServices,
  kind: 'eventbridge.duplicateDelivery' | 'eventbridge.targetRefused' | 'sqs.delayedDelivery',
  targetArn: string,
  body: string,
): boolean {
  const saga = services.faults ? sagaScopeOf(body) : undefined;
  // The queue's (or function's, state machine's) name, from its ARN (EventBridge) or its URL (Step Functions).
  const target = targetArn.split(/[:/]/).at(-1);
  return saga !== undefined && services.faults?.shouldInject(kind, `${target}|${saga}`) === true;
}

/**
 * `eventbridge.targetRefused`: whether the target refuses this attempt. The plan decides once per event and target, on
 * the first attempt; a refused delivery is refused again on every retry, until the retry policy gives up and the event
 * goes to the target's dead-letter queue. `refused` holds the refused deliveries (as many as faults were injected).
 */
function refuses(
  services: LocalServices,
  refused: Set<string>,
  targetArn: string,
  input: string,
  attempt: { eventId: string; retries: number },
): boolean {
  const delivery = `${targetArn}|${attempt.eventId}`;
  if (attempt.retries === 0 && injects(services, 'eventbridge.targetRefused', targetArn, input)) refused.add(delivery);
  return refused.has(delivery);
}

/** Which service an ARN belongs to: `arn:aws:<service>:...`. */
function serviceOf(arn: string): string {
  return arn.split(':')[2] ?? '';
}

/** The public URL of the queue with this ARN; a queue of another account or region fails like a missing one. */
function queueUrlOf(sqs: LocalSqs, queueArn: string): string {
  return sqs.queueUrl(queueNameOf(queueArn) ?? queueArn);
}

export async function sendToQueue(
  sqs: LocalSqs,
  queueArn: string,
  body: string,
  options: {
    messageGroupId?: string;
    messageDeduplicationId?: string;
    messageAttributes?: Record<string, string>;
    delaySeconds?: number;
  } = {},
): Promise<void> {
  const attributes = Object.entries(options.messageAttributes ?? {});
  await sqs.call('SendMessage', {
    QueueUrl: queueUrlOf(sqs, queueArn),
    MessageBody: body,
    ...(options.delaySeconds === undefined ? {} : { DelaySeconds: options.delaySeconds }),
    ...(options.messageGroupId === undefined ? {} : { MessageGroupId: options.messageGroupId }),
    ...(options.messageDeduplicationId === undefined ? {} : { MessageDeduplicationId: options.messageDeduplicationId }),
    ...(attributes.length === 0
      ? {}
      : {
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
          ),
        }),
  });
}

/** Delivers EventBridge rule targets: SQS queues, Lambda functions (asynchronously) and state machines. */
export function eventBridgeDispatcher(services: LocalServices): TargetDispatcher {
  const refused = new Set<string>();
  return {
    async deliver(targetArn, input, options) {
      // Dead-letter deliveries (no attempt) are never refused: the event would be dropped, a fault of its own.
      if (options.attempt && refuses(services, refused, targetArn, input, options.attempt)) {
        // Retryable, as a throttled target (HTTP 429) is: EventBridge retries 429 and 5xx answers, not other 4xx.
        throw new TargetDeliveryError(
          'The target throttled the request (injected: eventbridge.targetRefused)',
          'THROTTLING',
        );
      }
      await assertDeliveryAllowed(services, targetArn, options.ruleArn);
      switch (serviceOf(targetArn)) {
        case 'sqs': {
          const send = (delaySeconds?: number) =>
            sendToQueue(services.sqs, targetArn, input, {
              messageGroupId: options.sqsMessageGroupId,
              messageDeduplicationId: options.messageDeduplicationId,
              messageAttributes: options.messageAttributes,
              delaySeconds,
            });
          await send(injects(services, 'sqs.delayedDelivery', targetArn, input) ? INJECTED_DELAY_SECONDS : undefined);
          // At least once: the same event, a second message (a FIFO queue would drop it by its deduplication id).
          if (injects(services, 'eventbridge.duplicateDelivery', targetArn, input)) await send();
          return;
        }
        case 'lambda':
          await services.lambda().invoke(targetArn, JSON.parse(input), { invocationType: 'Event' });
          return;
        case 'states':
          services.stepFunctions().startExecution({ stateMachineArn: targetArn, input });
          return;
        default:
          throw new Error(
            `EventBridge targets of type ${serviceOf(targetArn)} are not supported locally (${targetArn})`,
          );
      }
    },
  };
}

/** The DynamoDB operations of the optimized `dynamodb:*` task integrations. */
const DYNAMODB_ACTIONS: Readonly<Record<string, string>> = {
  getItem: 'GetItem',
  putItem: 'PutItem',
  updateItem: 'UpdateItem',
  deleteItem: 'DeleteItem',
};

/** What a Step Functions Task can call: Lambda, and the optimized integrations the app's state machines use. */
export function stepFunctionsIntegrations(services: LocalServices): TaskIntegrations {
  return {
    invokeFunction: lambdaTaskInvoker(services.lambda),
    async callService(service, action, parameters) {
      const input = parameters as Record<string, unknown>;
      if (service === 'sqs' && action === 'sendMessage') {
        const delayed = injects(services, 'sqs.delayedDelivery', String(input.QueueUrl), String(input.MessageBody));
        return services.sqs.call('SendMessage', delayed ? { ...input, DelaySeconds: INJECTED_DELAY_SECONDS } : input);
      }
      if (service === 'events' && action === 'putEvents') {
        return callJsonApi(eventBridgeApi(services.events()), 'PutEvents', input);
      }
      const operation = service === 'dynamodb' ? DYNAMODB_ACTIONS[action] : undefined;
      if (operation) return services.dynamodb.call(operation, input);
      throw new Error(`${service}:${action} is not supported by the local cloud`);
    },
    async authorizeTask(roleArn, call) {
      const refusal = await services.iam?.taskRefusal(roleArn, call);
      // The Task fails with the service's access error (e.g. Lambda.AccessDeniedException), the cause naming the role.
      if (refusal) throw new AwsServiceError('AccessDeniedException', refusal, 403);
    },
    supportsService(service, action) {
      return (
        (service === 'sqs' && action === 'sendMessage') ||
        (service === 'events' && action === 'putEvents') ||
        (service === 'dynamodb' && Object.hasOwn(DYNAMODB_ACTIONS, action))
      );
    },
  };
}

/**
 * A Task's synchronous invoke, with what Lambda answers besides the outcome (request ID, trace header and, for
 * `LogType: Tail`, the log's tail) for the HTTP metadata of a `lambda:invoke` result.
 */
export function lambdaTaskInvoker(lambda: () => LambdaRuntime): TaskIntegrations['invokeFunction'] {
  return async (functionArn, payload, options) => {
    const result = await lambda().invoke(functionArn, payload, {
      invocationType: 'RequestResponse',
      logType: options?.logType,
    });
    const { requestId, traceId, logResult } = result;
    const metadata = { requestId, traceId, ...(logResult === undefined ? {} : { logResult }) };
    return 'error' in result ? { error: result.error, ...metadata } : { payload: result.payload, ...metadata };
  };
}

/** Lambda's SQS pollers on a local queue, in-process. */
export function localEventSourceQueue(sqs: LocalSqs, queueArn: string): EventSourceQueue {
  const queueUrl = queueUrlOf(sqs, queueArn);
  return {
    async receive(request, signal) {
      // Spread into a plain record: the in-process call takes the JSON protocol's input, not the SDK's type.
      const output = await sqs.call('ReceiveMessage', { ...pollerReceiveRequest(queueUrl, request) }, signal);
      return ((output.Messages ?? []) as Message[]).map(withBinaryAttributesDecoded);
    },
    async deleteBatch(entries) {
      const output = await sqs.call('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: entries });
      return (output.Failed ?? []) as { Code?: string; Message?: string }[];
    },
    async changeVisibility(receiptHandle, visibilityTimeoutSeconds) {
      // Lambda's pollers never call it on AWS: here it stands in for an expiry (a fault) or the hold on a batch under
      // scaled timeouts, neither of which AWS bills.
      await sqs.call(
        'ChangeMessageVisibility',
        { QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilityTimeoutSeconds },
        undefined,
        { unmetered: true },
      );
    },
    visibilityChangedByConsumer: (receiptHandle) => sqs.visibilityChangedByClient(receiptHandle),
    async visibilityTimeoutSeconds() {
      const output = await sqs.call('GetQueueAttributes', {
        QueueUrl: queueUrl,
        AttributeNames: ['VisibilityTimeout'],
      });
      return Number((output.Attributes as Record<string, string> | undefined)?.VisibilityTimeout ?? 30);
    },
  };
}

/** The JSON protocol carries binary attribute values in base64; the SDK's `Message` holds their bytes. */
function withBinaryAttributesDecoded(message: Message): Message {
  if (!message.MessageAttributes) return message;
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes)) {
    const binary = value.BinaryValue as unknown;
    attributes[name] = typeof binary === 'string' ? { ...value, BinaryValue: Buffer.from(binary, 'base64') } : value;
  }
  return { ...message, MessageAttributes: attributes };
}
