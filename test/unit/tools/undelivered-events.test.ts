import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resendUndeliveredEvents } from '../../../tools/undelivered-events.js';

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'us-east-1' });

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const urlOf = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/bus/NotifyCustomerRule';

/** A message as EventBridge dead-letters it: the original event, and attributes saying where and why. */
function deadLettered(eventId: string, targetArn: string | undefined): Message {
  const string = (value: string) => ({ DataType: 'String', StringValue: value });
  return {
    MessageId: `message-${eventId}`,
    ReceiptHandle: `handle-${eventId}`,
    Body: JSON.stringify({ id: eventId, 'detail-type': 'OrderPlaced.v1', detail: { orderId: 'o-1' } }),
    MessageAttributes: {
      ERROR_CODE: string('THROTTLING'),
      ERROR_MESSAGE: string('Request is throttled.'),
      EXHAUSTED_RETRY_CONDITION: string('MaximumRetryAttempts'),
      RETRY_ATTEMPTS: string('8'),
      RULE_ARN: string(RULE_ARN),
      ...(targetArn ? { TARGET_ARN: string(targetArn) } : {}),
    },
  };
}

/** The DLQ answers these batches, then nothing. */
function givenUndelivered(...batches: Message[][]) {
  sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: arnOf('App-UndeliveredEvents') } });
  sqsMock
    .on(GetQueueUrlCommand, { QueueName: 'App-Notifications', QueueOwnerAWSAccountId: '123456789012' })
    .resolves({ QueueUrl: urlOf('App-Notifications') });
  let chain = sqsMock.on(ReceiveMessageCommand);
  for (const batch of batches) chain = chain.resolvesOnce({ Messages: batch });
  chain.resolves({});
}

beforeEach(() => {
  sqsMock.reset();
});

describe('resendUndeliveredEvents', () => {
  it('sends each event to the queue in its TARGET_ARN, unchanged, then deletes it', async () => {
    // Prepare
    const first = deadLettered('evt-1', arnOf('App-Notifications'));
    const second = deadLettered('evt-2', arnOf('App-Notifications'));
    givenUndelivered([first], [second]);

    // Act
    const results = await resendUndeliveredEvents(sqs, 'UndeliveredEventsQueueUrl', {
      outputs: { UndeliveredEventsQueueUrl: urlOf('App-UndeliveredEvents') },
    });

    // Assess
    expect(results).toEqual([
      {
        messageId: 'message-evt-1',
        eventId: 'evt-1',
        targetArn: arnOf('App-Notifications'),
        ruleArn: RULE_ARN,
        error: 'THROTTLING: Request is throttled.',
        outcome: 'RESENT',
      },
      expect.objectContaining({ eventId: 'evt-2', outcome: 'RESENT' }),
    ]);
    expect(sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: urlOf('App-Notifications'), MessageBody: first.Body },
      { QueueUrl: urlOf('App-Notifications'), MessageBody: second.Body },
    ]);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: urlOf('App-UndeliveredEvents'), ReceiptHandle: 'handle-evt-1' },
      { QueueUrl: urlOf('App-UndeliveredEvents'), ReceiptHandle: 'handle-evt-2' },
    ]);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: urlOf('App-UndeliveredEvents'),
      MessageAttributeNames: ['All'],
    });
  });

  it('leaves what it cannot resend, visible again at the end, and says why', async () => {
    // Prepare
    const toFunction = deadLettered('evt-3', 'arn:aws:lambda:us-east-1:123456789012:function:AggregateUsage');
    const toFifo = deadLettered('evt-4', arnOf('App-Orders.fifo'));
    const noTarget = deadLettered('evt-5', undefined);
    givenUndelivered([toFunction, toFifo, noTarget]);

    // Act
    const results = await resendUndeliveredEvents(sqs, urlOf('App-UndeliveredEvents'));

    // Assess
    expect(results.map((result) => [result.eventId, result.outcome, result.problem])).toEqual([
      ['evt-3', 'LEFT', expect.stringMatching(/target is a lambda resource; only queue targets/)],
      ['evt-4', 'LEFT', expect.stringMatching(/FIFO queue/)],
      ['evt-5', 'LEFT', expect.stringMatching(/no TARGET_ARN attribute/)],
    ]);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual(
      ['evt-3', 'evt-4', 'evt-5'].map((id) => ({
        QueueUrl: urlOf('App-UndeliveredEvents'),
        ReceiptHandle: `handle-${id}`,
        VisibilityTimeout: 0,
      })),
    );
  });

  it('keeps an event whose target refused it again, and goes on with the others', async () => {
    // Prepare
    const refused = deadLettered('evt-6', arnOf('App-Notifications'));
    const accepted = deadLettered('evt-7', arnOf('App-Notifications'));
    givenUndelivered([refused, accepted]);
    sqsMock.on(SendMessageCommand).rejectsOnce(new Error('KMS throttled')).resolves({});

    // Act
    const results = await resendUndeliveredEvents(sqs, urlOf('App-UndeliveredEvents'));

    // Assess
    expect(results.map((result) => [result.eventId, result.outcome])).toEqual([
      ['evt-6', 'LEFT'],
      ['evt-7', 'RESENT'],
    ]);
    expect(results[0]?.problem).toMatch(/KMS throttled/);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input.ReceiptHandle)).toEqual([
      'handle-evt-7',
    ]);
  });
});
