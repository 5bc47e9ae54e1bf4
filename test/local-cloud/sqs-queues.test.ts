import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueConfigurationError, UnsupportedQueuePropertyError } from '../../local-cloud/sqs/index.js';
import { credentials, quietLogger, region, type SqsHarness, startSqsHarness } from './sqs-harness.js';

describe('local SQS queues', () => {
  let harness: SqsHarness;
  beforeAll(async () => {
    harness = await startSqsHarness();
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('hands out queue URLs on the edge that a default SDK client sends, receives and deletes through', async () => {
    // Prepare
    const created = await harness.sqs.createQueue('orders', { VisibilityTimeout: 30 });
    const { QueueUrl } = await harness.client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));

    // Act
    await harness.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"orderId":"o-1"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'OrderPlaced' } },
      }),
    );
    const received = await harness.client.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const [message] = received.Messages ?? [];
    await harness.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));

    // Assess
    expect(created).toEqual({
      url: `${harness.endpoint}/000000000000/orders`,
      arn: 'arn:aws:sqs:us-east-1:000000000000:orders',
    });
    expect(QueueUrl).toBe(created.url);
    expect(message?.Body).toBe('{"orderId":"o-1"}');
    expect(message?.MessageAttributes?.kind?.StringValue).toBe('OrderPlaced');
    expect(await harness.sqs.approximateDepth(created.url)).toBe(0);
  });

  it("remembers the messages whose visibility a client changed through the edge, not the local cloud's own changes", async () => {
    // Prepare
    const created = await harness.sqs.createQueue('backoffs', { VisibilityTimeout: 30 });
    for (const body of ['a', 'b', 'c']) {
      await harness.client.send(new SendMessageCommand({ QueueUrl: created.url, MessageBody: body }));
    }
    const received = await harness.client.send(
      new ReceiveMessageCommand({ QueueUrl: created.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const [first, second, third] = (received.Messages ?? []).map((message) => message.ReceiptHandle ?? '');

    // Act
    await harness.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: created.url, ReceiptHandle: first, VisibilityTimeout: 5 }),
    );
    await harness.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: created.url,
        Entries: [{ Id: '1', ReceiptHandle: second, VisibilityTimeout: 5 }],
      }),
    );
    await harness.sqs.call('ChangeMessageVisibility', {
      QueueUrl: created.url,
      ReceiptHandle: third,
      VisibilityTimeout: 5,
    });

    // Assess
    expect([first, second, third].map((handle) => harness.sqs.visibilityChangedByClient(handle ?? ''))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('reaches the edge through the queue URL alone, whatever endpoint the client resolved', async () => {
    // Prepare: this client would talk to real AWS were it not for the queue URL's origin.
    const { url } = await harness.sqs.createQueue('routing', {});
    const awsBoundClient = new SQSClient({
      region,
      credentials,
      ignoreConfiguredEndpointUrls: true,
      logger: quietLogger,
    });

    // Act
    await awsBoundClient.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'via queue url' }));
    awsBoundClient.destroy();

    // Assess
    const received = await harness.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    expect(received.Messages?.[0]?.Body).toBe('via queue url');
  });

  it('rewrites the queue URLs of queues that clients create and list themselves', async () => {
    // Act
    const { QueueUrl } = await harness.client.send(new CreateQueueCommand({ QueueName: 'client-made' }));
    const { QueueUrls } = await harness.client.send(new ListQueuesCommand({ QueueNamePrefix: 'client-' }));

    // Assess
    expect(QueueUrl).toBe(`${harness.endpoint}/000000000000/client-made`);
    expect(QueueUrls).toEqual([QueueUrl]);
  });

  it('passes fauxqs errors on as typed SDK exceptions', async () => {
    // Act
    const error = await harness.client
      .send(new GetQueueUrlCommand({ QueueName: 'never-created' }))
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(QueueDoesNotExist);
  });

  it('delivers FIFO messages of one group in the order they were sent', async () => {
    // Prepare
    const { url } = await harness.sqs.createQueue('steps.fifo', { FifoQueue: true, ContentBasedDeduplication: true });
    const sent = ['step-1', 'step-2', 'step-3', 'step-4'];
    for (const [index, body] of sent.entries()) {
      await harness.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'saga-a' }));
      await harness.client.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: `other-${index}`, MessageGroupId: 'saga-b' }),
      );
    }

    // Act
    const groupA: string[] = [];
    for (let attempt = 0; attempt < 20 && groupA.length < sent.length; attempt++) {
      const { Messages = [] } = await harness.client.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
      );
      for (const message of Messages) {
        if (message.Attributes?.MessageGroupId === 'saga-a') groupA.push(message.Body ?? '');
        await harness.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      }
    }

    // Assess
    expect(groupA).toEqual(sent);
  });

  it('accepts encryption properties without encrypting, and keeps them as attributes', async () => {
    // Act
    const { url } = await harness.sqs.createQueue('encrypted', {
      KmsMasterKeyId: 'alias/aws/sqs',
      KmsDataKeyReusePeriodSeconds: '300',
      Tags: [{ Key: 'team', Value: 'payments' }],
    });
    await harness.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'plain' }));

    // Assess
    const { Attributes } = await harness.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['KmsMasterKeyId'] }),
    );
    const received = await harness.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    expect(Attributes?.KmsMasterKeyId).toBe('alias/aws/sqs');
    expect(received.Messages?.[0]?.Body).toBe('plain');
  });

  it('refuses a property whose behaviour it cannot reproduce', async () => {
    // Act
    const creation = harness.sqs.createQueue('per-group.fifo', { FifoQueue: true, DeduplicationScope: 'messageGroup' });

    // Assess
    await expect(creation).rejects.toBeInstanceOf(UnsupportedQueuePropertyError);
    await expect(creation).rejects.toThrow(/DeduplicationScope/);
    await expect(harness.sqs.getQueueByArn(harness.sqs.queueArn('per-group.fifo'))).resolves.toBeUndefined();
  });

  it('refuses a property that is not an AWS::SQS::Queue property', async () => {
    // Act
    const creation = harness.sqs.createQueue('odd', { Unknown: 1 } as never);

    // Assess
    await expect(creation).rejects.toBeInstanceOf(UnsupportedQueuePropertyError);
  });

  it('refuses a RedrivePolicy naming a dead-letter queue that does not exist', async () => {
    // Act
    const creation = harness.sqs.createQueue('orphan', {
      RedrivePolicy: { deadLetterTargetArn: harness.sqs.queueArn('missing-dlq'), maxReceiveCount: 3 },
    });

    // Assess
    await expect(creation).rejects.toBeInstanceOf(QueueConfigurationError);
    await expect(creation).rejects.toThrow(/missing-dlq/);
  });

  it('refuses what AWS refuses: an out-of-range value, or a source queue its DLQ does not allow', async () => {
    // Prepare
    const closedDlq = await harness.sqs.createQueue('closed-dlq', {
      RedriveAllowPolicy: { redrivePermission: 'denyAll' },
    });

    // Act
    const outOfRange = await harness.sqs
      .createQueue('too-slow', { VisibilityTimeout: 50_000 })
      .catch((error: unknown) => error);
    const denied = await harness.sqs
      .createQueue('denied', { RedrivePolicy: { deadLetterTargetArn: closedDlq.arn, maxReceiveCount: 2 } })
      .catch((error: unknown) => error);

    // Assess
    expect(outOfRange).toBeInstanceOf(QueueConfigurationError);
    expect(String(outOfRange)).toMatch(/VisibilityTimeout/);
    expect(denied).toBeInstanceOf(QueueConfigurationError);
    expect(String(denied)).toMatch(/RedriveAllowPolicy/);
  });

  it('refuses a FIFO queue whose name lacks the .fifo suffix, as AWS does', async () => {
    // Act
    const creation = harness.sqs.createQueue('ordered', { FifoQueue: 'true' });

    // Assess
    await expect(creation).rejects.toThrow(/must end with \.fifo/);
  });

  it('answers a query-protocol request with an error that names the JSON protocol', async () => {
    // Act
    const response = await fetch(harness.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListQueues&Version=2012-11-05',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('only the JSON protocol');
  });
});
