/**
 * The last events a local EventBridge routed, each with the rules it matched and what became of every delivery to
 * their targets: what the saga console's Events page shows (GET /_local/events/recent, local-admin.ts). AWS has no API
 * for this (an event is only visible where it was delivered, or in an archive without its matches), so it is a local
 * extra. Bounded: the oldest event goes when a new one comes past `capacity`, so a long run holds constant memory.
 */
import type { DeliveryOptions, EventEnvelope, TargetDispatcher } from './types.js';

/** What became of one delivery so far; a delivery that failed for good without a dead-letter queue stays `failed`. */
type RecentDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead-lettered';

export interface RecentDelivery {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly targetId: string;
  readonly targetArn: string;
  status: RecentDeliveryStatus;
  /** Attempts made so far (a retried delivery has several). */
  attempts: number;
  lastError?: string;
  deadLetterArn?: string;
}

export interface RecentEvent {
  readonly eventBusName: string;
  /** ISO 8601, milliseconds. */
  readonly ingestionTime: string;
  readonly event: EventEnvelope;
  readonly matchedRules: readonly string[];
  readonly deliveries: RecentDelivery[];
}

/** The rule and targets an event matched, as `event-bus.ts` knows them. */
export interface MatchedRule {
  readonly name: string;
  readonly arn: string;
  readonly targets: ReadonlyArray<{ readonly id: string; readonly arn: string; readonly deadLetterArn?: string }>;
}

export const RECENT_EVENTS_CAPACITY = 200;

export class RecentEvents {
  private readonly events: RecentEvent[] = [];
  /** `<eventId> <ruleArn> <targetArn>` → the delivery it names, for events still held. */
  private readonly deliveries = new Map<string, RecentDelivery>();

  constructor(private readonly capacity = RECENT_EVENTS_CAPACITY) {}

  record(eventBusName: string, event: EventEnvelope, ingestionTime: Date, matched: readonly MatchedRule[]): void {
    const deliveries = matched.flatMap((rule) =>
      rule.targets.map(
        (target): RecentDelivery => ({
          ruleName: rule.name,
          ruleArn: rule.arn,
          targetId: target.id,
          targetArn: target.arn,
          status: 'pending',
          attempts: 0,
          ...(target.deadLetterArn ? { deadLetterArn: target.deadLetterArn } : {}),
        }),
      ),
    );
    this.events.push({
      eventBusName,
      ingestionTime: ingestionTime.toISOString(),
      event,
      matchedRules: matched.map((rule) => rule.name),
      deliveries,
    });
    for (const delivery of deliveries)
      this.deliveries.set(key(event.id, delivery.ruleArn, delivery.targetArn), delivery);
    while (this.events.length > this.capacity) {
      const dropped = this.events.shift();
      for (const delivery of dropped?.deliveries ?? []) {
        this.deliveries.delete(key(dropped?.event.id ?? '', delivery.ruleArn, delivery.targetArn));
      }
    }
  }

  /** The newest `limit` events, newest first. */
  latest(limit = this.capacity): RecentEvent[] {
    return this.events.slice(-Math.max(0, limit)).reverse();
  }

  /** `dispatcher`, noting the outcome of every delivery it makes of an event held here. */
  watching(dispatcher: TargetDispatcher): TargetDispatcher {
    return {
      deliver: async (targetArn: string, input: string, options: DeliveryOptions) => {
        const delivery = this.deliveryOf(targetArn, input, options);
        const deadLetter = options.attempt === undefined && options.messageAttributes !== undefined;
        if (delivery && !deadLetter) delivery.attempts++;
        try {
          await dispatcher.deliver(targetArn, input, options);
          if (delivery) delivery.status = deadLetter ? 'dead-lettered' : 'delivered';
        } catch (error) {
          if (delivery) {
            delivery.status = 'failed';
            delivery.lastError = error instanceof Error ? error.message : String(error);
          }
          throw error;
        }
      },
    };
  }

  /**
   * A delivery to its target names the event in `attempt`; a dead-letter delivery carries the whole event as its body
   * and names the rule and target in its message attributes (delivery.ts).
   */
  private deliveryOf(targetArn: string, input: string, options: DeliveryOptions): RecentDelivery | undefined {
    if (options.attempt && options.ruleArn) {
      return this.deliveries.get(key(options.attempt.eventId, options.ruleArn, targetArn));
    }
    const attributes = options.messageAttributes;
    if (!attributes?.RULE_ARN || !attributes.TARGET_ARN) return undefined;
    try {
      const { id } = JSON.parse(input) as { id?: unknown };
      return typeof id === 'string'
        ? this.deliveries.get(key(id, attributes.RULE_ARN, attributes.TARGET_ARN))
        : undefined;
    } catch {
      return undefined;
    }
  }
}

function key(eventId: string, ruleArn: string, targetArn: string): string {
  return `${eventId} ${ruleArn} ${targetArn}`;
}
