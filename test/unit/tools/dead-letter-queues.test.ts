import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DeadLetterQueueToolError,
  deploymentScope,
  listDeadLetterQueues,
  peekDeadLetters,
  redriveDeadLetterQueue,
} from '../../../tools/dead-letter-queues.js';

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'us-east-1' });
const noWait = async () => undefined;

const base = 'https://sqs.us-east-1.amazonaws.com/123456789012';
const arnOf = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const urlOf = (name: string) => `${base}/${name}`;

/** Orders (+ its DLQ), Compensation (a Step Functions DLQ: no SQS source), and Other (no DLQ). */
function givenQueues() {
  sqsMock.on(ListQueuesCommand).resolves({
    QueueUrls: [urlOf('App-Orders'), urlOf('App-OrdersDlq'), urlOf('App-Compensation'), urlOf('App-Other')],
  });
  // General answers first: a later, more specific matcher wins over them.
  sqsMock.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
  sqsMock.on(GetQueueAttributesCommand, { QueueUrl: urlOf('App-Orders'), AttributeNames: ['RedrivePolicy'] }).resolves({
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('App-OrdersDlq'), maxReceiveCount: 3 }) },
  });
  for (const [name, visible, inFlight] of [
    ['App-OrdersDlq', '4', '1'],
    ['App-Compensation', '2', '0'],
  ] as const) {
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: urlOf(name) }).resolves({
      Attributes: {
        QueueArn: arnOf(name),
        ApproximateNumberOfMessages: visible,
        ApproximateNumberOfMessagesNotVisible: inFlight,
        ApproximateNumberOfMessagesDelayed: '0',
      },
    });
  }
  sqsMock.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [] });
  sqsMock
    .on(ListDeadLetterSourceQueuesCommand, { QueueUrl: urlOf('App-OrdersDlq') })
    .resolves({ queueUrls: [urlOf('App-Orders')] });
}

beforeEach(() => {
  sqsMock.reset();
});

describe('listDeadLetterQueues', () => {
  it('lists the redrive targets and the named extra DLQs with their depth and sources', async () => {
    // Prepare
    givenQueues();

    // Act
    const queues = await listDeadLetterQueues(sqs, {
      queueNamePrefix: 'App-',
      alsoDeadLetterQueueUrls: [urlOf('App-Compensation')],
    });

    // Assess
    expect(queues).toEqual([
      {
        name: 'App-Compensation',
        url: urlOf('App-Compensation'),
        arn: arnOf('App-Compensation'),
        visible: 2,
        inFlight: 0,
        delayed: 0,
        sourceQueueUrls: [],
      },
      {
        name: 'App-OrdersDlq',
        url: urlOf('App-OrdersDlq'),
        arn: arnOf('App-OrdersDlq'),
        visible: 4,
        inFlight: 1,
        delayed: 0,
        sourceQueueUrls: [urlOf('App-Orders')],
      },
    ]);
    expect(sqsMock.commandCalls(ListQueuesCommand)[0]?.args[0].input.QueueNamePrefix).toBe('App-');
  });

  it('follows ListQueues pages', async () => {
    // Prepare
    givenQueues();
    sqsMock
      .on(ListQueuesCommand)
      .resolvesOnce({ QueueUrls: [urlOf('App-Other')], NextToken: 'page-2' })
      .resolves({ QueueUrls: [urlOf('App-Orders'), urlOf('App-OrdersDlq')] });

    // Act
    const queues = await listDeadLetterQueues(sqs);

    // Assess
    expect(queues.map((queue) => queue.name)).toEqual(['App-OrdersDlq']);
    expect(sqsMock.commandCalls(ListQueuesCommand)[1]?.args[0].input.NextToken).toBe('page-2');
  });
});

describe('redriveDeadLetterQueue', () => {
  const dlqArn = arnOf('App-OrdersDlq');

  /** A task of an earlier redrive, which SQS still lists: it must not pass for ours. */
  const earlierTask = {
    Status: 'COMPLETED',
    SourceArn: dlqArn,
    ApproximateNumberOfMessagesMoved: 7,
    ApproximateNumberOfMessagesToMove: 7,
    StartedTimestamp: 1_000,
  };

  /** ListMessageMoveTasks answers: before the start, then one per poll (UNLISTED: ours does not show yet). */
  function givenMoveTask(...polls: Array<'UNLISTED' | 'RUNNING' | 'COMPLETED' | 'FAILED'>) {
    givenQueues();
    sqsMock.on(GetQueueUrlCommand, { QueueName: 'App-OrdersDlq' }).resolves({ QueueUrl: urlOf('App-OrdersDlq') });
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    let chain = sqsMock.on(ListMessageMoveTasksCommand).resolvesOnce({ Results: [earlierTask] });
    for (const [index, status] of polls.entries()) {
      const ours = {
        Status: status,
        SourceArn: dlqArn,
        ...(status === 'RUNNING' ? { TaskHandle: 'task-1' } : {}),
        ApproximateNumberOfMessagesMoved: status === 'RUNNING' ? 1 : 4,
        ApproximateNumberOfMessagesToMove: 4,
        StartedTimestamp: 2_000,
        ...(status === 'FAILED' ? { FailureReason: 'AccessDenied' } : {}),
      };
      const answer = { Results: status === 'UNLISTED' ? [earlierTask] : [ours, earlierTask] };
      chain = chain.resolvesOnce(answer);
      // The last answer repeats, as SQS keeps listing a task that no longer changes.
      if (index === polls.length - 1) chain.resolves(answer);
    }
  }

  it.each([
    ['a stack output name', 'OrdersDlqUrl'],
    ['a queue URL', urlOf('App-OrdersDlq')],
    ['a queue ARN', dlqArn],
    ['a queue name', 'App-OrdersDlq'],
  ])('starts a move task for %s and answers how many moved once it completed', async (_, reference) => {
    // Prepare
    givenMoveTask('UNLISTED', 'RUNNING', 'COMPLETED');
    sqsMock
      .on(GetQueueUrlCommand, { QueueName: 'App-OrdersDlq', QueueOwnerAWSAccountId: '123456789012' })
      .resolves({ QueueUrl: urlOf('App-OrdersDlq') });

    // Act
    const result = await redriveDeadLetterQueue(sqs, reference, {
      outputs: { OrdersDlqUrl: urlOf('App-OrdersDlq') },
      sleep: noWait,
    });

    // Assess
    expect(result).toEqual({ dlqArn, dlqUrl: urlOf('App-OrdersDlq'), moved: 4 });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: dlqArn },
    ]);
    expect(sqsMock.commandCalls(ListMessageMoveTasksCommand)).toHaveLength(4);
  });

  it('fails with the reason when the move task failed', async () => {
    // Prepare
    givenMoveTask('FAILED');

    // Act
    const error = await redriveDeadLetterQueue(sqs, urlOf('App-OrdersDlq'), { sleep: noWait }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(DeadLetterQueueToolError);
    expect(error.message).toMatch(/ended FAILED: AccessDenied \(4 message\(s\) moved\)/);
  });

  it('refuses a DLQ that no SQS queue uses, without starting a task', async () => {
    // Prepare
    givenQueues();

    // Act
    const redrive = redriveDeadLetterQueue(sqs, urlOf('App-Compensation'), { sleep: noWait });

    // Assess
    await expect(redrive).rejects.toThrow(/not the dead-letter queue of any SQS queue/);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('says which reference it could not resolve', async () => {
    // Prepare
    sqsMock.on(GetQueueUrlCommand).rejects(new Error('The specified queue does not exist.'));

    // Act
    const redrive = redriveDeadLetterQueue(sqs, 'NoSuchDlqUrl', { outputs: {} });

    // Assess
    await expect(redrive).rejects.toThrow(/No queue NoSuchDlqUrl/);
  });

  it('gives up waiting after the timeout', async () => {
    // Prepare
    givenMoveTask('RUNNING');

    // Act
    const redrive = redriveDeadLetterQueue(sqs, urlOf('App-OrdersDlq'), { sleep: noWait, timeoutMs: 0 });

    // Assess
    await expect(redrive).rejects.toThrow(/has not finished/);
  });
});

describe('deploymentScope', () => {
  it('takes the prefix the queues share and the outputs that name dead-letter queues', () => {
    // Prepare
    const outputs = {
      NotificationsQueueUrl: `${base}/Local-Checkout-NotificationQueue9098CA41-C972A24D1C64`,
      NotificationsDlqUrl: `${base}/Local-Checkout-NotificationQueueDlq7E63CFD7-949258C46467`,
      CompensationDlqUrl: `${base}/Local-Checkout-CompensationDlqA73A486D-8B6F8C266FCB`,
      UndeliveredEventsQueueUrl: `${base}/Local-Checkout-UndeliveredEvents0A4241A7-18B0A824C56C`,
      CatalogTableName: 'Local-Checkout-CatalogTableBBEA0CBC-3AC3F2EF4825',
    };

    // Act
    const scope = deploymentScope(outputs);

    // Assess
    expect(scope).toEqual({
      queueNamePrefix: 'Local-Checkout-',
      alsoDeadLetterQueueUrls: [
        outputs.NotificationsDlqUrl,
        outputs.CompensationDlqUrl,
        outputs.UndeliveredEventsQueueUrl,
      ],
    });
  });

  it('uses no prefix when a single queue cannot tell it apart from the queue name', () => {
    // Act
    const scope = deploymentScope({ OnlyQueueUrl: `${base}/Stack-Only-ABC` });

    // Assess
    expect(scope).toEqual({ alsoDeadLetterQueueUrls: [] });
  });
});

describe('peekDeadLetters', () => {
  const refused = {
    MessageId: 'm-refused',
    Body: '{not json',
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1767322800000' },
    MessageAttributes: {
      FailureCode: { DataType: 'String', StringValue: 'VALIDATION_FAILED' },
      FailureReason: { DataType: 'String', StringValue: 'The message is not JSON' },
      FailedBy: { DataType: 'String', StringValue: 'App-NotifyCustomerFn' },
      SourceQueue: { DataType: 'String', StringValue: arnOf('App-Orders') },
      OriginalMessageId: { DataType: 'String', StringValue: 'm-source' },
    },
  };
  const undelivered = {
    MessageId: 'm-undelivered',
    Body: '{}',
    Attributes: { ApproximateReceiveCount: '2' },
    MessageAttributes: {
      ERROR_CODE: { DataType: 'String', StringValue: 'SQSNotFound' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'The queue does not exist' },
      RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:us-east-1:123456789012:rule/bus/Orders' },
    },
  };
  const exhausted = { MessageId: 'm-exhausted', Body: '{}', Attributes: { ApproximateReceiveCount: '4' } };

  it('answers each message with the reason it carries, without taking it from the queue', async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [refused, undelivered] })
      .resolvesOnce({ Messages: [refused, exhausted] })
      .resolves({ Messages: [undelivered] });

    // Act
    const messages = await peekDeadLetters(sqs, urlOf('App-OrdersDlq'));

    // Assess
    expect(messages).toEqual([
      {
        messageId: 'm-refused',
        sentAt: '2026-01-02T03:00:00.000Z',
        receiveCount: 1,
        reason: {
          code: 'VALIDATION_FAILED',
          message: 'The message is not JSON',
          details: undefined,
          by: 'App-NotifyCustomerFn',
          sourceQueue: arnOf('App-Orders'),
          originalMessageId: 'm-source',
        },
      },
      {
        messageId: 'm-undelivered',
        sentAt: undefined,
        receiveCount: 2,
        reason: expect.objectContaining({ code: 'SQSNotFound', message: 'The queue does not exist' }),
      },
      { messageId: 'm-exhausted', sentAt: undefined, receiveCount: 4, reason: undefined },
    ]);
    const receives = sqsMock.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input);
    expect(receives).toHaveLength(3);
    for (const receive of receives) {
      expect(receive).toMatchObject({ VisibilityTimeout: 0, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] });
    }
  });

  it('stops at max messages', async () => {
    // Prepare
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [refused, undelivered, exhausted] });

    // Act
    const messages = await peekDeadLetters(sqs, urlOf('App-OrdersDlq'), { max: 2 });

    // Assess
    expect(messages.map((message) => message.messageId)).toEqual(['m-refused', 'm-undelivered']);
  });
});
