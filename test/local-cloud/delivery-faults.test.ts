import { describe, expect, it } from 'vitest';
import { FaultInjector, type FaultKind } from '../../local-cloud/faults/fault-plan.js';
import {
  eventBridgeDispatcher,
  type LocalServices,
  stepFunctionsIntegrations,
} from '../../local-cloud/integrations.js';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:notifications';
const EVENT = JSON.stringify({ id: 'evt-1', detail: { metadata: { correlationId: 'saga-1' } } });

/** The services a delivery needs, with SQS recording what it was asked to send. */
function servicesWith(kind: FaultKind | undefined) {
  const sent: Record<string, unknown>[] = [];
  const sqs = {
    queueUrl: (name: string) => `http://127.0.0.1:4566/000000000000/${name}`,
    call: async (_operation: string, input: Record<string, unknown>) => {
      sent.push(input);
      return {};
    },
  };
  const faults = kind ? new FaultInjector({ seed: 'test', rates: { [kind]: 1 } }) : undefined;
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
