/**
 * How one local service calls another: EventBridge targets, Step Functions task integrations, and Lambda's failure
 * destinations. They go through the same edge endpoint and AWS SDK clients that handlers use, so every hop is the
 * real wire protocol.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type MessageAttributeValue, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { TargetDispatcher } from './eventbridge/index.js';
import type { LambdaRuntime } from './lambda/index.js';
import type { LocalSqs } from './sqs/index.js';
import type { InvokeFunctionResult, TaskIntegrations } from './stepfunctions/index.js';

export interface LocalClients {
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly sfn: SFNClient;
  readonly dynamodb: DynamoDBClient;
}

export function localClients(endpoint: string, region: string): LocalClients {
  const config = { endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
    sfn: new SFNClient(config),
    dynamodb: new DynamoDBClient(config),
  };
}

/** Which service an ARN belongs to: `arn:aws:<service>:...`. */
function serviceOf(arn: string): string {
  return arn.split(':')[2] ?? '';
}

export async function sendToQueue(
  clients: LocalClients,
  sqs: LocalSqs,
  queueArn: string,
  body: string,
  options: {
    messageGroupId?: string;
    messageDeduplicationId?: string;
    messageAttributes?: Record<string, string>;
  } = {},
): Promise<void> {
  const queue = await sqs.getQueueByArn(queueArn);
  if (!queue) throw new Error(`No queue ${queueArn}`);
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(options.messageAttributes ?? {})) {
    attributes[name] = { DataType: 'String', StringValue: value };
  }
  await clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: body,
      MessageGroupId: options.messageGroupId,
      MessageDeduplicationId: options.messageDeduplicationId,
      MessageAttributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    }),
  );
}

/** Delivers EventBridge rule targets: SQS queues, Lambda functions (asynchronously) and state machines. */
export function eventBridgeDispatcher(
  clients: LocalClients,
  sqs: LocalSqs,
  lambda: () => LambdaRuntime,
): TargetDispatcher {
  return {
    async deliver(targetArn, input, options) {
      switch (serviceOf(targetArn)) {
        case 'sqs':
          return sendToQueue(clients, sqs, targetArn, input, {
            messageGroupId: options.sqsMessageGroupId,
            messageDeduplicationId: options.messageDeduplicationId,
            messageAttributes: options.messageAttributes,
          });
        case 'lambda':
          await lambda().invoke(targetArn, JSON.parse(input), { invocationType: 'Event' });
          return;
        case 'states':
          await clients.sfn.send(new StartExecutionCommand({ stateMachineArn: targetArn, input }));
          return;
        default:
          throw new Error(
            `EventBridge targets of type ${serviceOf(targetArn)} are not supported locally (${targetArn})`,
          );
      }
    },
  };
}

const DYNAMODB_ACTIONS = {
  getItem: GetItemCommand,
  putItem: PutItemCommand,
  updateItem: UpdateItemCommand,
  deleteItem: DeleteItemCommand,
} as const;

/** What a Step Functions Task can call: Lambda, and the optimized integrations the app's state machines use. */
export function stepFunctionsIntegrations(clients: LocalClients, lambda: () => LambdaRuntime): TaskIntegrations {
  return {
    async invokeFunction(functionArn, payload): Promise<InvokeFunctionResult> {
      const result = await lambda().invoke(functionArn, payload, { invocationType: 'RequestResponse' });
      return 'error' in result ? { error: result.error } : { payload: result.payload };
    },
    async callService(service, action, parameters) {
      if (service === 'sqs' && action === 'sendMessage') {
        return clients.sqs.send(new SendMessageCommand(parameters as never));
      }
      if (service === 'events' && action === 'putEvents') {
        return clients.events.send(new PutEventsCommand(parameters as never));
      }
      if (service === 'dynamodb' && action in DYNAMODB_ACTIONS) {
        const Command = DYNAMODB_ACTIONS[action as keyof typeof DYNAMODB_ACTIONS] as unknown as new (
          input: unknown,
        ) => GetItemCommand;
        return clients.dynamodb.send(new Command(parameters));
      }
      throw new Error(`${service}:${action} is not supported by the local cloud`);
    },
    supportsService(service, action) {
      return (
        (service === 'sqs' && action === 'sendMessage') ||
        (service === 'events' && action === 'putEvents') ||
        (service === 'dynamodb' && action in DYNAMODB_ACTIONS)
      );
    },
  };
}
