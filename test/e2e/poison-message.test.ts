import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { peekDeadLetters, redriveDeadLetterQueue } from '../../tools/dead-letter-queues.js';
import { peekQueue } from './support/aws-reads.js';
import { aws, eventually, output, tableItems, target } from './support/target.js';

/** Messages of a queue with `marker` in their body, received with a zero visibility timeout so they stay put. */
/** The queue's messages that carry `marker`, left where they are. */
const peek = (queueUrl: string, marker: string) => peekQueue(queueUrl, (body) => body.includes(marker));

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

/** The string value of a message attribute. */
const attribute = (message: { MessageAttributes?: Record<string, { StringValue?: string }> }, name: string) =>
  message.MessageAttributes?.[name]?.StringValue;

/** Sends `bodies` to `queueUrl`; answers the message id of each, by body. */
async function send(queueUrl: string, bodies: readonly string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const body of bodies) {
    const { MessageId = '' } = await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    ids.set(body, MessageId);
  }
  return ids;
}

/** A worker slot's lease item, or undefined while the slot is free. */
async function slotItem(table: string, slot: string) {
  const { Item } = await aws.dynamodb.send(new GetCommand({ TableName: table, Key: { slot }, ConsistentRead: true }));
  return Item;
}

const DEAD_LETTERING = { timeoutMs: 60_000, intervalMs: 250 };

describe('poison messages and invalid events reach their DLQ with the reason', () => {
  it('notifications: a non-JSON and an unknown-event message are refused on their first receive; redrive returns them', async () => {
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
    const sourceArn = (await attributes(queueUrl)).QueueArn;

    // Act
    const sent = await send(queueUrl, [notJson, unknownEvent]);
    const deadLettered = await eventually(
      () => peek(dlqUrl, marker),
      (messages) => new Set(messages.map((message) => message.Body)).size === 2,
      { ...DEAD_LETTERING, what: 'both poison messages in the notifications DLQ' },
    );
    // The consumer deletes a refused message once its batch answers, a moment after the copy reached the DLQ, and the
    // queue also carries earlier scenarios' notifications: wait for it to drain rather than read it once. Had a refused
    // message stayed, it would come back until the redrive policy moved it: a third copy in the DLQ.
    const sourceDepthAfterwards = await eventually(
      () => depth(queueUrl),
      (messages) => messages === 0,
      { timeoutMs: 15_000, intervalMs: 100, what: 'the notifications queue drained' },
    ).catch(() => depth(queueUrl));
    const deadLetteredOnce = await peek(dlqUrl, marker);
    // What `npm run dlq -- list` prints for the queue.
    const listed = (await peekDeadLetters(aws.sqs, dlqUrl, { max: 50 })).filter((message) =>
      deadLettered.some((received) => received.MessageId === message.messageId),
    );
    // The same function `npm run dlq -- redrive NotificationsDlqUrl` calls.
    const redrive = await redriveDeadLetterQueue(aws.sqs, 'NotificationsDlqUrl', { outputs: target.outputs });
    // Back in the source, the consumer refuses them again (within a second): the round trip ends in the DLQ once more,
    // as new messages with the reason.
    const firstIds = new Set(deadLettered.map((message) => message.MessageId));
    const deadLetteredAgain = await eventually(
      async () => (await peek(dlqUrl, marker)).filter((message) => !firstIds.has(message.MessageId)),
      (messages) => new Set(messages.map((message) => message.Body)).size === 2,
      { ...DEAD_LETTERING, what: 'the redriven poison messages back in the notifications DLQ' },
    );

    // Assess
    expect(maxReceiveCount).toBe(3);
    expect(deadLetterTargetArn).toBe((await attributes(dlqUrl)).QueueArn);
    expect(deadLettered.map((message) => message.Body).sort()).toEqual([notJson, unknownEvent].sort());
    for (const message of deadLettered) {
      // Sent by the consumer after one receive, not moved by the redrive policy after maxReceiveCount of them.
      expect(Number(message.Attributes?.ApproximateReceiveCount)).toBeLessThan(maxReceiveCount);
      expect(attribute(message, 'FailureCode')).toBe('VALIDATION_FAILED');
      expect(attribute(message, 'FailedBy')).toContain('NotifyCustomer');
      expect(attribute(message, 'SourceQueue')).toBe(sourceArn);
      expect(attribute(message, 'OriginalMessageId')).toBe(sent.get(message.Body ?? ''));
      expect(new Date(attribute(message, 'FirstReceivedAt') ?? '').getTime()).toBeGreaterThan(0);
    }
    const byBody = new Map(deadLettered.map((message) => [message.Body, message]));
    expect(attribute(byBody.get(notJson) ?? {}, 'FailureReason')).toBe('The message is not JSON');
    expect(attribute(byBody.get(unknownEvent) ?? {}, 'FailureReason')).toBe('The message does not match its schema');
    expect(JSON.parse(attribute(byBody.get(unknownEvent) ?? {}, 'FailureDetails') ?? '[]')).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.any(String), message: expect.any(String) })]),
    );
    expect(sourceDepthAfterwards).toBe(0);
    expect(deadLetteredOnce.map((message) => message.MessageId).sort()).toEqual(
      deadLettered.map((message) => message.MessageId).sort(),
    );
    expect(listed.map((message) => message.reason?.message).sort()).toEqual([
      'The message does not match its schema',
      'The message is not JSON',
    ]);
    expect(redrive.dlqArn).toBe(deadLetterTargetArn);
    expect(redrive.moved).toBeGreaterThanOrEqual(2);
    expect(deadLetteredAgain.map((message) => message.Body).sort()).toEqual([notJson, unknownEvent].sort());
    for (const message of deadLetteredAgain) expect(attribute(message, 'FailureCode')).toBe('VALIDATION_FAILED');
  });

  it('worker commands: a malformed command is refused before it touches its worker slot; a garbage token is answered InvalidToken', async () => {
    // Prepare
    const queueUrl = output('WorkerQueueUrl');
    const dlqUrl = output('WorkerDlqUrl');
    const table = output('WorkerFleetTableName');
    const marker = `poison-${randomUUID()}`;
    // Two leases of slots outside the fleet's numbering, so no saga's command competes for them.
    const lease = (slot: string) => ({
      slot: `${slot}-${marker}`,
      leaseId: marker,
      leasedUntilMs: Date.now() + 60_000,
    });
    const malformedSlot = lease('malformed');
    const garbageTokenSlot = lease('garbage-token');
    const command = (workerSlot: { slot: string; leaseId: string }, overrides: Record<string, unknown>) =>
      JSON.stringify({
        command: 'provision',
        taskToken: `not-a-token-${marker}`,
        resourceId: 'res_poison',
        srn: 'srn:sagastack:eu-west-1:t1:prj_1:vm/res_poison',
        flavor: 'vm.small',
        region: 'eu-west-1',
        type: 'vm',
        correlationId: marker,
        workerSlot: { slot: workerSlot.slot, leaseId: workerSlot.leaseId },
        ...overrides,
      });
    const malformed = command(malformedSlot, { command: 'reboot' });
    const garbageToken = command(garbageTokenSlot, {});
    for (const item of [malformedSlot, garbageTokenSlot]) {
      await aws.dynamodb.send(new PutCommand({ TableName: table, Item: item }));
    }

    try {
      // Act
      await send(queueUrl, [malformed, garbageToken]);
      const [deadLettered] = await eventually(
        () => peek(dlqUrl, marker),
        (messages) => messages.length === 1,
        { ...DEAD_LETTERING, what: 'the malformed worker command in the worker DLQ' },
      );
      // The well-formed command with a token Step Functions never issued: InvalidToken, so the agent drops the work
      // and frees its slot.
      await eventually(
        () => slotItem(table, garbageTokenSlot.slot),
        (item) => item === undefined,
        { ...DEAD_LETTERING, what: 'the slot of the command with a garbage token to be released' },
      );
      const malformedSlotAfter = await slotItem(table, malformedSlot.slot);
      const stillDeadLettered = await peek(dlqUrl, marker);

      // Assess
      expect(deadLettered?.Body).toBe(malformed);
      expect(attribute(deadLettered ?? {}, 'FailureCode')).toBe('VALIDATION_FAILED');
      expect(attribute(deadLettered ?? {}, 'FailedBy')).toContain('NodeAgent');
      expect(JSON.parse(attribute(deadLettered ?? {}, 'FailureDetails') ?? '[]')).toEqual([
        { path: 'command', message: expect.any(String) },
      ]);
      // Neither renewed nor released: the agent never got as far as the malformed command.
      expect(malformedSlotAfter).toEqual(malformedSlot);
      // The garbage token's command was acknowledged, not dead-lettered: the saga it names does not wait on it.
      expect(stillDeadLettered.map((message) => message.Body)).toEqual([malformed]);
    } finally {
      for (const { slot } of [malformedSlot, garbageTokenSlot]) {
        await aws.dynamodb.send(new DeleteCommand({ TableName: table, Key: { slot } }));
      }
    }
  });

  it('audit events: an envelope from a source that may not audit is refused and the trail is left as it was', async () => {
    // Prepare
    const queueUrl = output('AuditQueueUrl');
    const dlqUrl = output('AuditDlqUrl');
    const marker = `poison-${randomUUID()}`;
    const forged = JSON.stringify({
      version: '0',
      id: randomUUID(),
      'detail-type': 'AuditEvent.v1',
      source: 'sagastack.checkout',
      account: '000000000000',
      time: new Date().toISOString(),
      region: target.region,
      resources: [],
      detail: { metadata: { correlationId: marker, occurredAt: new Date().toISOString() }, data: { marker } },
    });
    const trailBefore = (await tableItems('AuditTableName')).length;

    // Act
    await send(queueUrl, [forged]);
    const [deadLettered] = await eventually(
      () => peek(dlqUrl, marker),
      (messages) => messages.length === 1,
      { ...DEAD_LETTERING, what: 'the forged audit event in the audit DLQ' },
    );
    const trail = await tableItems('AuditTableName');

    // Assess
    expect(attribute(deadLettered ?? {}, 'FailureCode')).toBe('VALIDATION_FAILED');
    expect(attribute(deadLettered ?? {}, 'FailedBy')).toContain('AuditSink');
    expect(JSON.parse(attribute(deadLettered ?? {}, 'FailureDetails') ?? '[]')).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'source' })]),
    );
    expect(trail.filter((record) => JSON.stringify(record).includes(marker))).toEqual([]);
    expect(trail.length).toBeGreaterThanOrEqual(trailBefore);
  });

  it('the billing schedule’s function: an event that is not a schedule reaches BillingDlq with Lambda’s reason', async () => {
    // Prepare: EventBridge invokes the billing worker asynchronously; so does this, with something else.
    const dlqUrl = output('BillingDlqUrl');
    const marker = `poison-${randomUUID()}`;
    const notASchedule = { id: marker, 'detail-type': 'Not a schedule', source: 'sagastack.tests', time: 'yesterday' };

    // Act
    const invoked = await aws.lambda.send(
      new InvokeCommand({
        FunctionName: output('AggregateUsageFunctionName'),
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(notASchedule)),
      }),
    );
    // Lambda retries an asynchronous event twice (a moment apart locally), then sends its record to the destination.
    const [deadLettered] = await eventually(
      () => peek(dlqUrl, marker),
      (messages) => messages.length === 1,
      { ...DEAD_LETTERING, what: 'the invalid billing event in BillingDlq' },
    );
    const record = JSON.parse(deadLettered?.Body ?? '{}');

    // Assess
    expect(invoked.StatusCode).toBe(202);
    expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(record.requestPayload).toEqual(notASchedule);
    expect(record.responsePayload).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: 'The billing job expects a scheduled event',
    });
  });
});
