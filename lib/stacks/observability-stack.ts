import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { tuning } from '../config/tuning.js';

/** Pages on a single occurrence: what must not happen at all (an internal failure, a saga timed out or aborted). */
const ANY_IN_ONE_PERIOD = { threshold: 0, evaluationPeriods: 1 } as const;

export interface ObservabilityStackProps extends StackProps {
  /** The stage's name, in the dashboard's title. */
  readonly stageName: string;
  /** Receives every alarm. */
  readonly alarmTopic: ITopic;
  /** The public API, whose errors and latency have SLOs (`IRestApi` has no metrics, hence the class). */
  readonly restApi: RestApi;
  /** The checkout saga, whose timeouts and aborts page. */
  readonly checkoutSaga: IStateMachine;
  /** Dead-letter queues shown on the dashboard (each alarms on its own, with its queue). */
  readonly deadLetterQueues: readonly IQueue[];
}

/**
 * SLO alarms and the operators' dashboard. DLQ alarms live with their queues (QueueWithDlq); this stack adds the
 * alarms that span components: API errors and latency, and sagas that fail for internal reasons or time out.
 * A declined card is a business outcome, not an incident, so business failures do not page (docs/SLO.md).
 */
export class ObservabilityStack extends Stack {
  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { restApi, checkoutSaga } = props;
    const alarmAction = new SnsAction(props.alarmTopic);
    const fiveMinutes = Duration.minutes(5);

    const requests = restApi.metricCount({ period: fiveMinutes });
    const serverErrors = restApi.metricServerError({ period: fiveMinutes });
    const serverErrorRate = new MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: serverErrors, requests },
      label: 'API 5xx (%)',
      period: fiveMinutes,
    });
    const latencyP99 = restApi.metricLatency({ period: fiveMinutes, statistic: 'p99' });
    const checkoutMetric = (metricName: string) =>
      new Metric({
        namespace: 'Sagastack',
        metricName,
        dimensionsMap: { service: 'checkout' },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const internalFailures = checkoutMetric('CheckoutInternalFailure');

    // Every alarm pages when its metric rises above the threshold; no data (no traffic, no checkouts) is no incident.
    const alarmAbove = (
      id: string,
      what: Pick<AlarmProps, 'alarmDescription' | 'metric' | 'threshold' | 'evaluationPeriods'>,
    ) =>
      new Alarm(this, id, {
        ...what,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const alarms = [
      alarmAbove('Api5xxRate', {
        alarmDescription: `API 5xx above ${tuning.alarms.api5xxPercent}% of requests for 10 minutes (SLO: docs/SLO.md)`,
        metric: serverErrorRate,
        threshold: tuning.alarms.api5xxPercent,
        evaluationPeriods: 2,
      }),
      alarmAbove('ApiLatencyP99', {
        alarmDescription: `API p99 latency above ${tuning.alarms.apiP99LatencyMs} ms for 15 minutes`,
        metric: latencyP99,
        threshold: tuning.alarms.apiP99LatencyMs,
        evaluationPeriods: 3,
      }),
      alarmAbove('CheckoutSagaInternalFailures', {
        alarmDescription: 'Checkouts failed with INTERNAL (not a business outcome); see docs/runbooks/checkout-saga.md',
        metric: internalFailures,
        ...ANY_IN_ONE_PERIOD,
      }),
      alarmAbove('CheckoutSagaTimedOutOrAborted', {
        alarmDescription: 'Checkout executions timed out or were aborted; see docs/runbooks/checkout-saga.md',
        metric: new MathExpression({
          expression: 'timedOut + aborted',
          usingMetrics: {
            timedOut: checkoutSaga.metricTimedOut({ period: fiveMinutes }),
            aborted: checkoutSaga.metricAborted({ period: fiveMinutes }),
          },
          period: fiveMinutes,
        }),
        ...ANY_IN_ONE_PERIOD,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(alarmAction);

    new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new TextWidget({
            markdown: `# sagastack ${props.stageName}\nSLOs and runbooks: docs/SLO.md, docs/ALERTS.md`,
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
              checkoutSaga.metricSucceeded({ period: fiveMinutes }),
              checkoutSaga.metricFailed({ period: fiveMinutes }),
              checkoutSaga.metricTimedOut({ period: fiveMinutes }),
            ],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Dead-letter queues (messages waiting)',
            left: props.deadLetterQueues.map((queue) =>
              queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
            ),
            width: 24,
          }),
        ],
      ],
    });
  }
}
