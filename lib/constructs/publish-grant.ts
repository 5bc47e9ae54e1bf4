import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { EventBridgePutEvents, type EventBridgePutEventsProps } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * The condition that binds `events:PutEvents` to the publisher's own sources, so that no function or saga can forge
 * another context's events (docs/adr/0026-each-context-publishes-under-its-own-source.md). IAM types `events:source`
 * as a multivalued key, so it is matched with `ForAllValues` (every entry's source is one of these), and with
 * `Null: false` because `ForAllValues` alone also matches a request that carries no source at all.
 */
function ownSourcesCondition(sources: readonly string[]): Record<string, Record<string, unknown>> {
  if (sources.length === 0) throw new Error('A publisher needs at least one event source of its own');
  return {
    'ForAllValues:StringEquals': { 'events:source': [...sources] },
    Null: { 'events:source': 'false' },
  };
}

/** Grants `events:PutEvents` on `bus` for `sources` only. */
export function grantPublishAs(grantee: IGrantable, bus: IEventBus, sources: readonly string[]): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['events:PutEvents'],
    resourceArns: [bus.eventBusArn],
    conditions: ownSourcesCondition(sources),
  });
}

interface PublishAsProps extends EventBridgePutEventsProps {
  /** The sources the state machine's role may publish under: its context's own. */
  readonly sources: readonly string[];
}

/**
 * Step Functions' PutEvents task whose grant to the state machine's role carries the `events:source` condition; the
 * task itself is CDK's, whose grant has no condition to offer.
 */
export class PublishAs extends EventBridgePutEvents {
  constructor(scope: Construct, id: string, props: PublishAsProps) {
    const { sources, ...task } = props;
    super(scope, id, task);
    for (const statement of this.taskPolicies ?? []) statement.addConditions(ownSourcesCondition(sources));
  }
}
