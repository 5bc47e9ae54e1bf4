import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tuning } from '../config/tuning.js';

/** An event as a rule matches it: who publishes it, and what it is. */
export interface RoutedEvent {
  readonly source: string;
  readonly detailType: string;
}

export interface EventRouteProps {
  readonly eventBus: IEventBus;
  /** The events to route, each by its source and `detail-type`, e.g. `OrderPlaced` (sagastack.checkout, OrderPlaced.v1). */
  readonly events: readonly RoutedEvent[];
  /** The consumer's queue. */
  readonly queue: IQueue;
  /** Where EventBridge puts an event the queue kept refusing. */
  readonly deadLetterQueue: IQueue;
}

/**
 * A rule that routes events by source and detail-type into a consumer's queue, with EventBridge's own retry and DLQ,
 * so an event is never dropped between the bus and the queue. The source is part of the match because it is what
 * IAM vouches for (`events:source` on every publisher's grant): a detail-type alone anyone on the bus could send.
 */
export function routeEventsToQueue(scope: Construct, id: string, props: EventRouteProps): Rule {
  const sources = [...new Set(props.events.map((event) => event.source))];
  const detailTypes = [...new Set(props.events.map((event) => event.detailType))];
  // One pattern matches every source with every detail-type: with several of both, it would route pairs nobody publishes.
  if (sources.length > 1 && detailTypes.length > 1) {
    throw new Error(`Rule ${id}: route events of several sources with one detail-type each, or one source per rule`);
  }
  return new Rule(scope, id, {
    eventBus: props.eventBus,
    eventPattern: { source: sources, detailType: detailTypes },
    targets: [
      new SqsQueue(props.queue, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: tuning.events.targetMaxRetries,
        maxEventAge: Duration.seconds(tuning.events.targetMaxEventAgeSeconds),
      }),
    ],
  });
}
