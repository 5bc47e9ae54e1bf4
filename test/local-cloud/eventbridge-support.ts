/** Test doubles shared by the EventBridge tests. */
import type { DeliveryOptions, TargetDispatcher } from '../../local-cloud/eventbridge/types.js';

export interface RecordedDelivery {
  targetArn: string;
  input: string;
  options: DeliveryOptions;
}

/** Records every successful delivery; can be told to fail a target's first N attempts. */
export class RecordingDispatcher implements TargetDispatcher {
  readonly deliveries: RecordedDelivery[] = [];
  readonly attempts = new Map<string, number>();
  private readonly failuresLeft = new Map<string, { count: number; error: () => Error }>();

  failNext(targetArn: string, count: number, error: () => Error = () => new Error('target unavailable')): void {
    this.failuresLeft.set(targetArn, { count, error });
  }

  async deliver(targetArn: string, input: string, options: DeliveryOptions): Promise<void> {
    this.attempts.set(targetArn, (this.attempts.get(targetArn) ?? 0) + 1);
    const failure = this.failuresLeft.get(targetArn);
    if (failure && failure.count > 0) {
      failure.count--;
      throw failure.error();
    }
    this.deliveries.push({ targetArn, input, options });
  }

  inputsFor(targetArn: string): unknown[] {
    return this.deliveries
      .filter((delivery) => delivery.targetArn === targetArn)
      .map((delivery) => JSON.parse(delivery.input));
  }
}

export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders-queue';
export const DLQ_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders-dlq';
export const BUS_NAME = 'sagastack-bus';
export const BUS_ARN = `arn:aws:events:us-east-1:000000000000:event-bus/${BUS_NAME}`;

export function ruleArn(name: string, busName = BUS_NAME): string {
  return `arn:aws:events:us-east-1:000000000000:rule/${busName}/${name}`;
}

export function orderPlacedEntry(detail: Record<string, unknown> = { orderId: 'o-1', total: 42 }) {
  return {
    EventBusName: BUS_NAME,
    Source: 'com.sagastack.checkout',
    DetailType: 'OrderPlaced.v1',
    Detail: JSON.stringify(detail),
  };
}
