import { Duration, type RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tuning } from '../config/tuning.js';
import type { AppFunction } from './app-function.js';
import { KEEP_EVERYTHING } from './stage-settings.js';

export interface QueueWithDlqProps {
  /** Encrypts both queues at rest. */
  readonly encryptionKey: IKey;
  /** Receives the alarm raised when the DLQ holds any message. */
  readonly alarmTopic: ITopic;
  /**
   * The Lambda that consumes the queue; the visibility timeout is derived from its timeout. It gets the DLQ too
   * (`DEAD_LETTER_QUEUE_URL`, `sqs:SendMessage` and the key), to send what it refuses there at once, with the reason
   * (`shared/sqs/event-consumer.ts`). A function consumes one such queue at most. @default no consumer
   */
  readonly consumer?: AppFunction;
  /** Receives before a message moves to the DLQ. @default tuning.queue.maxReceiveCount */
  readonly maxReceiveCount?: number;
  /** Messages per Lambda invocation. @default tuning.queue.batchSize */
  readonly batchSize?: number;
  /** Concurrent batches at most: the consumer's backpressure. @default tuning.queue.maxConcurrency */
  readonly maxConcurrency?: number;
  /** Visibility timeout when there is no consumer. @default 30 seconds */
  readonly visibilityTimeout?: Duration;
  /** Destroy or retain the queues with the stack: pass the stage's. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A queue whose failed messages land in a dead-letter queue that raises an alarm. Both are encrypted with the
 * platform key and refuse non-TLS requests. With a `consumer`, the queue feeds it in batches with partial batch
 * responses, so one poison message does not hold back its batch; the consumer sends a message it refuses to the DLQ
 * itself, with the reason, and the redrive policy catches every other failure after `maxReceiveCount` receives.
 *
 * @example
 * const notifications = new QueueWithDlq(this, 'Notifications', { encryptionKey, alarmTopic, consumer: notifyFn });
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const common = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? KEEP_EVERYTHING.removalPolicy,
    };
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      ...common,
      retentionPeriod: Duration.days(tuning.queue.dlqRetentionDays),
    });
    markAsDeadLetterQueue(this.deadLetterQueue, 'This queue is itself a dead-letter queue.');
    const consumerTimeout = props.consumer?.timeout;
    this.queue = new Queue(this, 'Queue', {
      ...common,
      retentionPeriod: Duration.days(tuning.queue.retentionDays),
      // Visibility timeout is 6x the consumer's timeout so a slow batch is not redelivered while it still runs.
      visibilityTimeout: consumerTimeout
        ? Duration.seconds(consumerTimeout.toSeconds() * tuning.queue.visibilityTimeoutFactor)
        : (props.visibilityTimeout ?? Duration.seconds(30)),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? tuning.queue.maxReceiveCount,
      },
    });
    this.dlqAlarm = alarmWhenNotEmpty(
      this,
      'DlqNotEmpty',
      this.deadLetterQueue,
      `Messages were refused (with the reason in their attributes) or failed ` +
        `${props.maxReceiveCount ?? tuning.queue.maxReceiveCount} times, and wait in ${this.node.path}/Dlq`,
      props.alarmTopic,
    );

    if (props.consumer) {
      // One DLQ per consumer: a function fed by two of these queues would send both queues' refusals to one of them.
      const earlier = deadLetterQueueOf.get(props.consumer);
      if (earlier) {
        throw new Error(
          `${props.consumer.node.path} already consumes ${earlier.node.path}; a consumer reads one QueueWithDlq only`,
        );
      }
      deadLetterQueueOf.set(props.consumer, this);
      props.consumer.bindQueue('DEAD_LETTER', this.deadLetterQueue);
      props.consumer.addEventSource(
        new SqsEventSource(this.queue, {
          batchSize: props.batchSize ?? tuning.queue.batchSize,
          maxBatchingWindow: Duration.seconds(tuning.queue.maxBatchingWindowSeconds),
          maxConcurrency: props.maxConcurrency ?? tuning.queue.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }
  }
}

/** The queue each consumer already reads, so that a second one is refused at synth. */
const deadLetterQueueOf = new WeakMap<AppFunction, QueueWithDlq>();

/** An alarm that fires as soon as a dead-letter queue holds a message: every one of them needs an operator. */
function alarmWhenNotEmpty(scope: Construct, id: string, queue: IQueue, what: string, topic: ITopic): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: `${what}. Inspect them, fix the cause, then redrive (docs/runbooks/dlq-redrive.md).`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** Tag that marks a terminal queue: nothing consumes it, an operator inspects and redrives what lands there. */
export const DEAD_LETTER_QUEUE_TAG = { key: 'sagastack:queue-role', value: 'dead-letter' } as const;

/** Tags a queue as a dead-letter queue and acknowledges that it has no DLQ of its own. */
function markAsDeadLetterQueue(queue: IQueue, reason: string): void {
  Tags.of(queue).add(DEAD_LETTER_QUEUE_TAG.key, DEAD_LETTER_QUEUE_TAG.value);
  // A dead-letter queue has no dead-letter queue of its own (AwsSolutions) and no redrive policy (Serverless).
  for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy'])
    Validations.of(queue).acknowledge({ id, reason });
}

export interface TerminalQueueProps {
  readonly encryptionKey: IKey;
  readonly alarmTopic: ITopic;
  /** Whose failures land here, for the alarm and the nag acknowledgement, e.g. `saga compensations`. */
  readonly whose: string;
  /** What waits here is unfinished business (stock, refunds): pass the stage's. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A dead-letter queue on its own (for EventBridge targets or saga compensations): encrypted, TLS only, kept for
 * the SQS maximum, tagged as a DLQ, and alarmed as soon as it holds a message.
 */
export function terminalQueue(scope: Construct, id: string, props: TerminalQueueProps): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.KMS,
    encryptionMasterKey: props.encryptionKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(tuning.queue.dlqRetentionDays),
    removalPolicy: props.removalPolicy ?? KEEP_EVERYTHING.removalPolicy,
  });
  markAsDeadLetterQueue(queue, `This queue is itself the DLQ of ${props.whose}.`);
  alarmWhenNotEmpty(
    scope,
    `${id}NotEmpty`,
    queue,
    `Messages of ${props.whose} wait in ${queue.node.path}`,
    props.alarmTopic,
  );
  return queue;
}
