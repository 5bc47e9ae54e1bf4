import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import { AppTable } from '../constructs/app-table.js';

export interface PlatformStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * Stateful resources every context shares, in a stack that is never casually replaced: the data key, the event bus
 * with its replayable archive, the idempotency table and the alarm topic.
 */
export class PlatformStack extends Stack {
  readonly dataKey: Key;
  readonly eventBus: IEventBus;
  readonly idempotencyTable: ITableV2;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new Key(this, 'DataKey', {
      description: `sagastack ${config.name}: data at rest (tables, queues, topics)`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    // Services that write into encrypted queues and topics on our behalf need the key too.
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com', 'states.amazonaws.com']) {
      this.dataKey.grant(new ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }

    const bus = new EventBus(this, 'EventBus', { description: `sagastack ${config.name} domain events` });
    bus.archive('Archive', {
      description: 'Every event of this bus, replayable',
      eventPattern: { account: [this.account] },
      retention: Duration.days(tuning.events.archiveRetentionDays),
    });
    this.eventBus = bus;

    this.idempotencyTable = new AppTable(this, 'Idempotency', {
      stage: config,
      partitionKey: 'id',
      timeToLiveAttribute: 'expiration',
      encryptionKey: this.dataKey,
    }).table;

    this.alarmTopic = new Topic(this, 'Alarms', {
      displayName: `sagastack ${config.name} alarms`,
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: bus.eventBusArn });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.idempotencyTable.tableName });
  }
}
