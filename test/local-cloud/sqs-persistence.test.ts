import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsHarness, startSqsHarness } from './sqs-harness.js';

describe('local SQS persistence', () => {
  let persistDir: string;
  let harness: SqsHarness | undefined;
  beforeAll(async () => {
    persistDir = await mkdtemp(join(tmpdir(), 'sagastack-sqs-'));
  });
  afterAll(async () => {
    await harness?.stop();
    await rm(persistDir, { recursive: true, force: true });
  });

  it('keeps queues and messages across a restart, and updates a restored queue to new properties', async () => {
    // Prepare
    const first = await startSqsHarness({ persistDir });
    const { url: firstUrl } = await first.sqs.createQueue('durable', { VisibilityTimeout: 30 });
    await first.client.send(new SendMessageCommand({ QueueUrl: firstUrl, MessageBody: 'survives restarts' }));
    await first.stop();

    // Act
    harness = await startSqsHarness({ persistDir });
    const { url } = await harness.sqs.createQueue('durable', { VisibilityTimeout: 45 });
    const received = await harness.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    const { Attributes } = await harness.client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
    );

    // Assess
    expect(url).toBe(`${harness.endpoint}/000000000000/durable`);
    expect(received.Messages?.[0]?.Body).toBe('survives restarts');
    expect(Attributes?.VisibilityTimeout).toBe('45');
  });
});
