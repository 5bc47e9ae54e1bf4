import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tuning } from '../config/tuning.js';

export interface EventRouteProps {
  readonly eventBus: IEventBus;
  /** The `detail-type`s to route, e.g. `['OrderPlaced.v1']`. */
  readonly detailTypes: readonly string[];
  /** The consumer's queue. */
  readonly queue: IQueue;
  /** Where EventBridge puts an event the queue kept refusing. */
  readonly deadLetterQueue: IQueue;
}

/**
 * A rule that routes events by detail-type into a consumer's queue, with EventBridge's own retry and DLQ, so an event
 * is never dropped between the bus and the queue.
 */
export function routeEventsToQueue(scope: Construct, id: string, props: EventRouteProps): Rule {
  return new Rule(scope, id, {
    eventBus: props.eventBus,
    eventPattern: { detailType: [...props.detailTypes] },
    targets: [
      new SqsQueue(props.queue, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: tuning.events.targetMaxRetries,
        maxEventAge: Duration.seconds(tuning.events.targetMaxEventAgeSeconds),
      }),
    ],
  });
}
