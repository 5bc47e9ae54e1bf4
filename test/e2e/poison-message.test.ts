import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { redriveDeadLetterQueue } from '../../tools/dead-letter-queues.js';
import { aws, eventually, output, target } from './support/target.js';

/** Messages of a queue with `marker` in their body, received with a zero visibility timeout so they stay put. */
async function peek(queueUrl: string, marker: string) {
  const { Messages = [] } = await aws.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages.filter((message) => message.Body?.includes(marker));
}

async function attributes(queueUrl: string) {
  const { Attributes = {} } = await aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return Attributes;
}

/** Messages waiting plus messages being processed: everything the queue still holds. */
async function depth(queueUrl: string) {
  const queue = await attributes(queueUrl);
  return Number(queue.ApproximateNumberOfMessages ?? 0) + Number(queue.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const DEAD_LETTERING = { timeoutMs: 90_000, intervalMs: 500 };

describe('poison messages on the notifications queue', () => {
  it('dead-letters a non-JSON and an unknown-event message after maxReceiveCount receives; redrive returns them', async () => {
    // Prepare
    const queueUrl = output('NotificationsQueueUrl');
    const dlqUrl = output('NotificationsDlqUrl');
    const marker = `poison-${randomUUID()}`;
    const notJson = `${marker} {this is not JSON`;
    const unknownEvent = JSON.stringify({
      id: randomUUID(),
      'detail-type': 'SomethingElse.v1',
      source: 'sagastack.tests',
      time: new Date().toISOString(),
      detail: { metadata: { correlationId: marker, occurredAt: new Date().toISOString() }, data: {} },
    });
    const { maxReceiveCount, deadLetterTargetArn } = JSON.parse((await attributes(queueUrl)).RedrivePolicy ?? '{}');

    // Act
    for (const body of [notJson, unknownEvent]) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    }
    const deadLettered = await eventually(
      () => peek(dlqUrl, marker),
      (messages) => new Set(messages.map((message) => message.Body)).size === 2,
      { ...DEAD_LETTERING, what: 'both poison messages in the notifications DLQ' },
    );
    const sourceDepthWhenDeadLettered = await depth(queueUrl);
    // The same function `npm run dlq -- redrive NotificationsDlqUrl` calls.
    const redrive = await redriveDeadLetterQueue(aws.sqs, 'NotificationsDlqUrl', { outputs: target.outputs });
    const dlqAfterRedrive = await peek(dlqUrl, marker);
    const dlqDepthAfterRedrive = await depth(dlqUrl);
    const sourceDepthAfterRedrive = await depth(queueUrl);
    // Back in the source, the consumer refuses them again: the round trip ends in the DLQ once more.
    const deadLetteredAgain = await eventually(
      () => peek(dlqUrl, marker),
      (messages) => new Set(messages.map((message) => message.Body)).size === 2,
      { ...DEAD_LETTERING, what: 'the redriven poison messages back in the notifications DLQ' },
    );

    // Assess
    expect(maxReceiveCount).toBe(3);
    expect(deadLetterTargetArn).toBe((await attributes(dlqUrl)).QueueArn);
    expect(deadLettered.map((message) => message.Body).sort()).toEqual([notJson, unknownEvent].sort());
    for (const message of deadLettered) {
      // Received maxReceiveCount times from the source, plus this peek from the DLQ.
      expect(Number(message.Attributes?.ApproximateReceiveCount)).toBeGreaterThan(maxReceiveCount);
    }
    expect(sourceDepthWhenDeadLettered).toBe(0);
    expect(redrive.dlqArn).toBe(deadLetterTargetArn);
    expect(redrive.moved).toBeGreaterThanOrEqual(2);
    expect(dlqAfterRedrive).toEqual([]);
    expect(dlqDepthAfterRedrive).toBe(0);
    expect(sourceDepthAfterRedrive).toBeGreaterThanOrEqual(2);
    expect(deadLetteredAgain.map((message) => message.Body).sort()).toEqual([notJson, unknownEvent].sort());
  });
});
