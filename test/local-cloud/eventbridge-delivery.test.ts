import { describe, expect, it } from 'vitest';
import { TargetDeliveryError } from '../../local-cloud/eventbridge/delivery.js';
import { LocalEventBridge, type LocalEventBridgeOptions } from '../../local-cloud/eventbridge/event-bus.js';
import type { TargetConfig } from '../../local-cloud/eventbridge/types.js';
import {
  BUS_ARN,
  BUS_NAME,
  DLQ_ARN,
  orderPlacedEntry,
  QUEUE_ARN,
  RecordingDispatcher,
  ruleArn,
} from './eventbridge-support.js';

function bridgeWithTarget(target: Partial<TargetConfig>, options: Partial<LocalEventBridgeOptions> = {}) {
  const dispatcher = new RecordingDispatcher();
  const logs: string[] = [];
  const bridge = new LocalEventBridge({
    dispatcher,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 4,
    log: (line) => logs.push(line),
    ...options,
  });
  bridge.addBus({ name: BUS_NAME, arn: BUS_ARN });
  bridge.addRule({
    name: 'order-placed',
    arn: ruleArn('order-placed'),
    eventBusName: BUS_NAME,
    state: 'ENABLED',
    eventPattern: { 'detail-type': ['OrderPlaced.v1'] },
    targets: [{ id: 'queue', arn: QUEUE_ARN, ...target }],
  });
  return { bridge, dispatcher, logs };
}

describe('EventBridge delivery retries and dead-letter queues', () => {
  it('retries a failing target and delivers once it recovers', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget({ retryPolicy: { maximumRetryAttempts: 5 } });
    dispatcher.failNext(QUEUE_ARN, 3);

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBe(4);
    expect(dispatcher.inputsFor(QUEUE_ARN)).toHaveLength(1);
    expect(bridge.deliveryStats).toEqual({ delivered: 1, retried: 3, deadLettered: 0, dropped: 0 });
  });

  it('sends the original event to the dead-letter queue with the AWS attributes after the last retry', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget({
      inputPath: '$.detail',
      retryPolicy: { maximumRetryAttempts: 2 },
      deadLetterArn: DLQ_ARN,
    });
    dispatcher.failNext(QUEUE_ARN, 10, () => new TargetDeliveryError('queue throttled', 'THROTTLING'));

    // Act
    const result = bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBe(3);
    const [deadLetter] = dispatcher.deliveries;
    expect(deadLetter?.targetArn).toBe(DLQ_ARN);
    expect(JSON.parse(deadLetter?.input ?? '{}')).toMatchObject({
      id: (result.Entries[0] as { EventId: string }).EventId,
      'detail-type': 'OrderPlaced.v1',
      detail: { orderId: 'o-1', total: 42 },
    });
    expect(deadLetter?.options.messageAttributes).toEqual({
      ERROR_CODE: 'THROTTLING',
      ERROR_MESSAGE: 'queue throttled',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
      RULE_ARN: ruleArn('order-placed'),
      TARGET_ARN: QUEUE_ARN,
    });
    expect(bridge.deliveryStats.deadLettered).toBe(1);
  });

  it('does not retry an error marked non-retryable', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget({ deadLetterArn: DLQ_ARN });
    dispatcher.failNext(QUEUE_ARN, 1, () => new TargetDeliveryError('no such queue', 'RESOURCE_NOT_FOUND', false));

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBe(1);
    expect(dispatcher.deliveries[0]?.options.messageAttributes?.ERROR_CODE).toBe('RESOURCE_NOT_FOUND');
  });

  it('drops, counts and logs an event that fails for good without a dead-letter queue', async () => {
    // Prepare
    const { bridge, dispatcher, logs } = bridgeWithTarget({ retryPolicy: { maximumRetryAttempts: 0 } });
    dispatcher.failNext(QUEUE_ARN, 1);

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(bridge.droppedEvents).toBe(1);
    expect(logs.some((line) => line.includes('dropped event') && line.includes('target unavailable'))).toBe(true);
  });

  it('uses the injected default retry count when the target has no retry policy', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget({}, { defaultMaximumRetryAttempts: 1 });
    dispatcher.failNext(QUEUE_ARN, 5);

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBe(2);
    expect(bridge.droppedEvents).toBe(1);
  });

  it('stops retrying once the local retry window is used up', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget(
      { deadLetterArn: DLQ_ARN },
      { retryBaseDelayMs: 50, retryMaxDelayMs: 50, retryWindowCapMs: 1 },
    );
    dispatcher.failNext(QUEUE_ARN, 100);

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBe(1);
    expect(dispatcher.deliveries[0]?.options.messageAttributes?.EXHAUSTED_RETRY_CONDITION).toBe(
      'MaximumEventAgeInSeconds',
    );
  });

  it('close() cuts retry waits short: one last attempt, then the dead-letter queue', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget(
      { deadLetterArn: DLQ_ARN },
      { retryBaseDelayMs: 3_600_000, retryMaxDelayMs: 3_600_000, retryWindowCapMs: 86_400_000 },
    );
    dispatcher.failNext(QUEUE_ARN, 100);
    bridge.putEvents([orderPlacedEntry()]);
    while ((dispatcher.attempts.get(QUEUE_ARN) ?? 0) === 0) await new Promise((resolve) => setImmediate(resolve));

    // Act
    await bridge.close();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBe(2);
    expect(dispatcher.deliveries.map((delivery) => delivery.targetArn)).toEqual([DLQ_ARN]);
  });

  it('sends an event whose input cannot be built to the dead-letter queue without retrying', async () => {
    // Prepare
    const { bridge, dispatcher } = bridgeWithTarget({ inputPath: '$.detail.coupon', deadLetterArn: DLQ_ARN });

    // Act
    bridge.putEvents([orderPlacedEntry()]);
    await bridge.whenIdle();

    // Assess
    expect(dispatcher.attempts.get(QUEUE_ARN)).toBeUndefined();
    expect(dispatcher.deliveries[0]?.options.messageAttributes?.ERROR_CODE).toBe('INVALID_INPUT');
  });
});
