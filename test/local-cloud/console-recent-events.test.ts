import { describe, expect, it } from 'vitest';
import { RecentEvents } from '../../local-cloud/eventbridge/recent-events.js';
import type { EventEnvelope } from '../../local-cloud/eventbridge/types.js';

const rule = (name: string, targets: Array<{ id: string; arn: string; deadLetterArn?: string }>) => ({
  name,
  arn: `arn:aws:events:us-east-1:000000000000:rule/${name}`,
  targets,
});

function event(id: string): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'OrderPlaced.v1',
    source: 'sagastack.checkout',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { orderId: id },
  };
}

describe('recent events of the local EventBridge (GET /_local/events/recent)', () => {
  it('keeps the newest events only, newest first, each with the rules it matched', () => {
    // Prepare
    const recent = new RecentEvents(2);

    // Act
    for (const id of ['e1', 'e2', 'e3']) recent.record('bus', event(id), new Date(), [rule('Notify', [])]);

    // Assess
    expect(recent.latest().map((entry) => [entry.event.id, entry.matchedRules])).toEqual([
      ['e3', ['Notify']],
      ['e2', ['Notify']],
    ]);
  });

  it('follows each delivery: delivered, failed with its error and attempts, then dead-lettered', async () => {
    // Prepare
    const recent = new RecentEvents();
    const queue = { id: 'Queue', arn: 'arn:aws:sqs:us-east-1:000000000000:q' };
    const fn = {
      id: 'Fn',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
    };
    const audit = rule('Audit', [queue]);
    const webhook = rule('Webhook', [fn]);
    recent.record('bus', event('e1'), new Date(), [audit, webhook]);
    const dispatcher = recent.watching({
      deliver: async (targetArn) => {
        if (targetArn === fn.arn) throw new Error('function failed');
      },
    });

    // Act
    await dispatcher.deliver(queue.arn, '{}', { ruleArn: audit.arn, attempt: { eventId: 'e1', retries: 0 } });
    for (const retries of [0, 1]) {
      await dispatcher
        .deliver(fn.arn, '{}', { ruleArn: webhook.arn, attempt: { eventId: 'e1', retries } })
        .catch(() => undefined);
    }
    await dispatcher.deliver(fn.deadLetterArn, JSON.stringify(event('e1')), {
      ruleArn: webhook.arn,
      messageAttributes: { RULE_ARN: webhook.arn, TARGET_ARN: fn.arn, ERROR_CODE: 'SDK_CLIENT_ERROR' },
    });

    // Assess
    const deliveries = recent.latest()[0]?.deliveries.map(({ targetId, status, attempts, lastError }) => ({
      targetId,
      status,
      attempts,
      lastError,
    }));
    expect(deliveries).toEqual([
      { targetId: 'Queue', status: 'delivered', attempts: 1, lastError: undefined },
      { targetId: 'Fn', status: 'dead-lettered', attempts: 2, lastError: 'function failed' },
    ]);
  });
});
