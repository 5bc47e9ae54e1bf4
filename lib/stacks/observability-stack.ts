import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import type { ApiStack } from './api-stack.js';
import type { CheckoutStack } from './checkout-stack.js';
import type { PlatformStack } from './platform-stack.js';

export interface ObservabilityStackProps extends StackProps {
  readonly config: StageConfig;
  readonly platform: PlatformStack;
  readonly checkout: CheckoutStack;
  readonly api: ApiStack;
}

/**
 * SLO alarms and the operators' dashboard. DLQ alarms live with their queues (QueueWithDlq); this stack adds the
 * alarms that span components: API errors and latency, and sagas that fail for internal reasons or time out.
 * A declined card is a business outcome, not an incident, so business failures do not page (docs/SLO.md).
 */
export class ObservabilityStack extends Stack {
  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { api, checkout, platform, config } = props;
    const alarmAction = new SnsAction(platform.alarmTopic);
    const fiveMinutes = Duration.minutes(5);

    const requests = api.restApi.metricCount({ period: fiveMinutes });
    const serverErrors = api.restApi.metricServerError({ period: fiveMinutes });
    const serverErrorRate = new MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: serverErrors, requests },
      label: 'API 5xx (%)',
      period: fiveMinutes,
    });
    const latencyP99 = api.restApi.metricLatency({ period: fiveMinutes, statistic: 'p99' });
    const checkoutMetric = (metricName: string) =>
      new Metric({
        namespace: 'Sagastack',
        metricName,
        dimensionsMap: { service: 'checkout' },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const internalFailures = checkoutMetric('CheckoutInternalFailure');

    const alarms = [
      new Alarm(this, 'Api5xxRate', {
        alarmDescription: `API 5xx above ${tuning.alarms.api5xxPercent}% of requests for 10 minutes (SLO: docs/SLO.md)`,
        metric: serverErrorRate,
        threshold: tuning.alarms.api5xxPercent,
        evaluationPeriods: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'ApiLatencyP99', {
        alarmDescription: `API p99 latency above ${tuning.alarms.apiP99LatencyMs} ms for 15 minutes`,
        metric: latencyP99,
        threshold: tuning.alarms.apiP99LatencyMs,
        evaluationPeriods: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'CheckoutSagaInternalFailures', {
        alarmDescription: 'Checkouts failed with INTERNAL (not a business outcome); see docs/runbooks/checkout-saga.md',
        metric: internalFailures,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'CheckoutSagaTimedOutOrAborted', {
        alarmDescription: 'Checkout executions timed out or were aborted; see docs/runbooks/checkout-saga.md',
        metric: new MathExpression({
          expression: 'timedOut + aborted',
          usingMetrics: {
            timedOut: checkout.stateMachine.metricTimedOut({ period: fiveMinutes }),
            aborted: checkout.stateMachine.metricAborted({ period: fiveMinutes }),
          },
          period: fiveMinutes,
        }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(alarmAction);

    new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new TextWidget({
            markdown: `# sagastack ${config.name}\nSLOs and runbooks: docs/SLO.md, docs/ALERTS.md`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'API requests and 5xx',
            left: [requests, serverErrors],
            right: [serverErrorRate],
            width: 12,
          }),
          new GraphWidget({ title: 'API latency p99 (ms)', left: [latencyP99], width: 12 }),
        ],
        [
          new GraphWidget({
            title: 'Checkouts',
            left: ['CheckoutStarted', 'CheckoutCompleted', 'CheckoutCompensated', 'PaymentDeclined'].map(
              checkoutMetric,
            ),
            right: [internalFailures],
            width: 12,
          }),
          new GraphWidget({
            title: 'Saga executions',
            left: [
              checkout.stateMachine.metricSucceeded({ period: fiveMinutes }),
              checkout.stateMachine.metricFailed({ period: fiveMinutes }),
              checkout.stateMachine.metricTimedOut({ period: fiveMinutes }),
            ],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Dead-letter queues (messages waiting)',
            left: [
              checkout.queues.notifications.deadLetterQueue,
              checkout.queues.checkoutRequests.deadLetterQueue,
              checkout.compensationDlq,
              checkout.undeliveredEvents,
            ].map((queue) => queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) })),
            width: 24,
          }),
        ],
      ],
    });
  }
}
