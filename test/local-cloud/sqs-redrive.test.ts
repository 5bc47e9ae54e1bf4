import {
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedriveError } from '../../local-cloud/sqs/index.js';
import { eventually, type SqsHarness, startSqsHarness } from './sqs-harness.js';

describe('local SQS dead-letter queues and redrive', () => {
  let harness: SqsHarness;
  beforeAll(async () => {
    harness = await startSqsHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  /** A source queue that gives up on a message after one failed receive (1 s visibility), and its DLQ. */
  async function createQueuePair(name: string, fifo = false) {
    const suffix = fifo ? '.fifo' : '';
    const fifoProps = fifo ? { FifoQueue: true, ContentBasedDeduplication: true } : {};
    const dlq = await harness.sqs.createQueue(`${name}-dlq${suffix}`, fifoProps);
    const source = await harness.sqs.createQueue(`${name}${suffix}`, {
      ...fifoProps,
      VisibilityTimeout: 1,
      RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 },
    });
    return { source, dlq };
  }

  /** Receives without deleting, like a failing consumer, until `count` messages sit in the DLQ. */
  async function failUntilDeadLettered(sourceUrl: string, dlqUrl: string, count: number) {
    await eventually(async () => {
      await harness.client.send(
        new ReceiveMessageCommand({ QueueUrl: sourceUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return (await harness.sqs.approximateDepth(dlqUrl)) >= count ? true : undefined;
    });
  }

  const attributes: Record<string, MessageAttributeValue> = {
    kind: { DataType: 'String', StringValue: 'PaymentRequested' },
    attempt: { DataType: 'Number', StringValue: '1' },
  };

  it('moves a message received maxReceiveCount times without deletion to the dead-letter queue', async () => {
    // Prepare
    const { source, dlq } = await createQueuePair('payments');
    await harness.client.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'charge o-1' }));

    // Act
    await failUntilDeadLettered(source.url, dlq.url, 1);

    // Assess
    const listing = await harness.sqs.listQueues();
    expect(await harness.sqs.approximateDepth(source.arn)).toBe(0);
    expect(listing.find((queue) => queue.arn === dlq.arn)).toMatchObject({
      depth: 1,
      counts: { visible: 1, inFlight: 0, delayed: 0 },
      deadLetterSourceArns: [source.arn],
    });
    expect(listing.find((queue) => queue.arn === source.arn)?.redrivePolicy).toEqual({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: 1,
    });
  });

  it('redrives a dead-lettered message back to its source with the same body and attributes', async () => {
    // Prepare
    const { source, dlq } = await createQueuePair('shipping');
    await harness.client.send(
      new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'ship o-2', MessageAttributes: attributes }),
    );
    await failUntilDeadLettered(source.url, dlq.url, 1);

    // Act
    const outcome = await harness.sqs.redrive(dlq.arn);

    // Assess
    const { Messages = [] } = await harness.client.send(
      new ReceiveMessageCommand({ QueueUrl: source.url, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    expect(outcome).toEqual({ moved: 1 });
    expect(Messages[0]?.Body).toBe('ship o-2');
    expect(Messages[0]?.MessageAttributes).toEqual(attributes);
    expect(await harness.sqs.approximateDepth(dlq.url)).toBe(0);
  });

  it('serves StartMessageMoveTask by moving dead-lettered messages back to their source queue', async () => {
    // Prepare
    const { source, dlq } = await createQueuePair('invoices');
    for (const body of ['invoice 1', 'invoice 2']) {
      await harness.client.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: body }));
    }
    await failUntilDeadLettered(source.url, dlq.url, 2);

    // Act
    const { TaskHandle } = await harness.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    const { Results = [] } = await harness.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlq.arn }));

    // Assess
    const { Messages = [] } = await harness.client.send(
      new ReceiveMessageCommand({ QueueUrl: source.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(TaskHandle).toEqual(expect.any(String));
    expect(Results).toEqual([
      expect.objectContaining({
        Status: 'COMPLETED',
        SourceArn: dlq.arn,
        ApproximateNumberOfMessagesMoved: 2,
        ApproximateNumberOfMessagesToMove: 2,
      }),
    ]);
    expect(Messages.map((message) => message.Body).sort()).toEqual(['invoice 1', 'invoice 2']);
  });

  it('redrives a FIFO dead-letter queue into its FIFO source, keeping the message group', async () => {
    // Prepare
    const { source, dlq } = await createQueuePair('ledger', true);
    await harness.client.send(
      new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'debit o-3', MessageGroupId: 'account-7' }),
    );
    await failUntilDeadLettered(source.url, dlq.url, 1);

    // Act
    const outcome = await harness.sqs.redrive(dlq.url);

    // Assess
    const { Messages = [] } = await harness.client.send(
      new ReceiveMessageCommand({ QueueUrl: source.url, MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    expect(outcome).toEqual({ moved: 1 });
    expect(Messages[0]?.Body).toBe('debit o-3');
    expect(Messages[0]?.Attributes?.MessageGroupId).toBe('account-7');
  });

  it('needs a destination when several queues share the dead-letter queue', async () => {
    // Prepare
    const { source, dlq } = await createQueuePair('emails');
    const other = await harness.sqs.createQueue('sms', {
      RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 },
    });
    await harness.client.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'mail o-4' }));
    await failUntilDeadLettered(source.url, dlq.url, 1);

    // Act
    const withoutDestination = harness.sqs.redrive(dlq.arn);
    await expect(withoutDestination).rejects.toBeInstanceOf(RedriveError);
    const outcome = await harness.sqs.redrive(dlq.arn, { destinationArn: other.arn });

    // Assess
    const { queueUrls } = await harness.client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.url }));
    expect(outcome).toEqual({ moved: 1 });
    expect(await harness.sqs.approximateDepth(other.url)).toBe(1);
    expect(queueUrls?.sort()).toEqual([source.url, other.url].sort());
  });

  it('moves no more than maxMessages', async () => {
    // Prepare
    const { source, dlq } = await createQueuePair('reports');
    for (const body of ['report 1', 'report 2', 'report 3']) {
      await harness.client.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: body }));
    }
    await failUntilDeadLettered(source.url, dlq.url, 3);

    // Act
    const outcome = await harness.sqs.redrive(dlq.arn, { maxMessages: 2 });

    // Assess
    expect(outcome).toEqual({ moved: 2 });
    expect(await harness.sqs.approximateDepth(dlq.arn)).toBe(1);
    expect(await harness.sqs.approximateDepth(source.arn)).toBe(2);
  });

  it('refuses a StartMessageMoveTask whose source is not a dead-letter queue, or does not exist', async () => {
    // Prepare
    const plain = await harness.sqs.createQueue('plain', {});

    // Act
    const notADlq = await harness.client
      .send(new StartMessageMoveTaskCommand({ SourceArn: plain.arn }))
      .catch((error: unknown) => error);
    const missing = await harness.client
      .send(new StartMessageMoveTaskCommand({ SourceArn: harness.sqs.queueArn('nowhere') }))
      .catch((error: unknown) => error);

    // Assess
    expect(notADlq).toMatchObject({ name: 'InvalidParameterValue' });
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
