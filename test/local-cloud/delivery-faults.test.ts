import { describe, expect, it } from 'vitest';
import { TargetDeliveryError } from '../../local-cloud/eventbridge/delivery.js';
import { LocalEventBridge } from '../../local-cloud/eventbridge/event-bus.js';
import { FaultInjector, type FaultKind, type FaultPlan } from '../../local-cloud/faults/fault-plan.js';
import {
  eventBridgeDispatcher,
  type LocalServices,
  stepFunctionsIntegrations,
} from '../../local-cloud/integrations.js';
import { BUS_ARN, BUS_NAME, orderPlacedEntry, ruleArn } from './eventbridge-support.js';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:notifications';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:notifications-dlq';
const EVENT = JSON.stringify({ id: 'evt-1', detail: { metadata: { correlationId: 'saga-1' } } });

/** The services a delivery needs, with SQS recording what it was asked to send. */
function servicesWith(kind: FaultKind | undefined, plan?: FaultPlan) {
  const sent: Record<string, unknown>[] = [];
  const sqs = {
    queueUrl: (name: string) => `http://127.0.0.1:4566/000000000000/${name}`,
    call: async (_operation: string, input: Record<string, unknown>) => {
      sent.push(input);
      return {};
    },
  };
  const faults = plan
    ? new FaultInjector(plan)
    : kind
      ? new FaultInjector({ seed: 'test', rates: { [kind]: 1 } })
      : undefined;
  const services = { sqs, faults } as unknown as LocalServices;
  return { services, sent, faults };
}

describe('delivery fault injection', () => {
  it('delivers an event to a queue target twice: the same body, two messages', async () => {
    // Prepare
    const { services, sent } = servicesWith('eventbridge.duplicateDelivery');

    // Act
    await eventBridgeDispatcher(services).deliver(QUEUE_ARN, EVENT, {});

    // Assess
    expect(sent.map((input) => input.MessageBody)).toEqual([EVENT, EVENT]);
  });

  it('delays a message sent to a queue, by EventBridge or by a state machine', async () => {
    // Prepare
    const { services, sent } = servicesWith('sqs.delayedDelivery');

    // Act
    await eventBridgeDispatcher(services).deliver(QUEUE_ARN, EVENT, {});
    await stepFunctionsIntegrations(services).callService('sqs', 'sendMessage', {
      QueueUrl: 'http://127.0.0.1:4566/000000000000/worker',
      MessageBody: JSON.stringify({ command: 'provision', correlationId: 'saga-2' }),
    });

    // Assess
    expect(sent.map((input) => input.DelaySeconds)).toEqual([5, 5]);
  });

  it('refuses every attempt of a refused event at its target, and never its dead-letter delivery', async () => {
    // Prepare
    const { services, sent, faults } = servicesWith('eventbridge.targetRefused');
    const dispatcher = eventBridgeDispatcher(services);
    const attempt = (retries: number) =>
      dispatcher.deliver(QUEUE_ARN, EVENT, { attempt: { eventId: 'evt-1', retries } }).catch((error: unknown) => error);

    // Act
    const first = await attempt(0);
    const retry = await attempt(1);
    await dispatcher.deliver(QUEUE_ARN, EVENT, { messageAttributes: { ERROR_CODE: 'THROTTLING' } });

    // Assess
    expect(first).toBeInstanceOf(TargetDeliveryError);
    expect(first).toMatchObject({ errorCode: 'THROTTLING', retryable: true });
    expect(retry).toBeInstanceOf(TargetDeliveryError);
    expect(sent).toHaveLength(1);
    // Decided once per event and target: the retries do not ask again.
    expect(faults?.injected()).toEqual([
      { kind: 'eventbridge.targetRefused', key: 'notifications|saga-1', occurrence: 0 },
    ]);
  });

  it('sends an event its target refused to the dead-letter queue once the retry policy gives up', async () => {
    // Prepare
    const { services, sent } = servicesWith(undefined, {
      seed: 'refused',
      rates: {},
      targets: [{ kind: 'eventbridge.targetRefused', saga: 'saga-3', where: 'notifications' }],
    });
    const bridge = new LocalEventBridge({
      dispatcher: eventBridgeDispatcher(services),
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 2,
    });
    bridge.addBus({ name: BUS_NAME, arn: BUS_ARN });
    bridge.addRule({
      name: 'notify',
      arn: ruleArn('notify'),
      eventBusName: BUS_NAME,
      state: 'ENABLED',
      eventPattern: { 'detail-type': ['OrderPlaced.v1'] },
      targets: [{ id: 'queue', arn: QUEUE_ARN, retryPolicy: { maximumRetryAttempts: 3 }, deadLetterArn: DLQ_ARN }],
    });

    // Act
    const result = bridge.putEvents([
      orderPlacedEntry({ metadata: { correlationId: 'saga-3' } }),
      orderPlacedEntry({ metadata: { correlationId: 'saga-4' } }),
    ]);
    await bridge.whenIdle();

    // Assess
    const [refusedId, deliveredId] = result.Entries.map((entry) => ('EventId' in entry ? entry.EventId : ''));
    expect(
      sent.map((input) => [String(input.QueueUrl).split('/').at(-1), JSON.parse(String(input.MessageBody)).id]),
    ).toEqual([
      ['notifications', deliveredId],
      ['notifications-dlq', refusedId],
    ]);
    expect(sent[1]?.MessageAttributes).toEqual({
      ERROR_CODE: { DataType: 'String', StringValue: 'THROTTLING' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: expect.stringContaining('eventbridge.targetRefused') },
      EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { DataType: 'String', StringValue: '3' },
      RULE_ARN: { DataType: 'String', StringValue: ruleArn('notify') },
      TARGET_ARN: { DataType: 'String', StringValue: QUEUE_ARN },
    });
    expect(bridge.deliveryStats).toMatchObject({ delivered: 1, retried: 3, deadLettered: 1, dropped: 0 });
  });

  it('never touches a message outside any saga', async () => {
    // Prepare
    const { services, sent, faults } = servicesWith('eventbridge.duplicateDelivery');

    // Act
    await eventBridgeDispatcher(services).deliver(QUEUE_ARN, JSON.stringify({ id: 'evt-2', detail: {} }), {});

    // Assess
    expect(sent).toHaveLength(1);
    expect(faults?.injected()).toEqual([]);
  });
});
