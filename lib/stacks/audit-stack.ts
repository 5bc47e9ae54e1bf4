import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { AuditEvent } from '../../shared/contracts/events/audit-events.js';
import type { StageConfig } from '../config/stages.js';
import { AppFunction } from '../constructs/app-function.js';
import { AppTable } from '../constructs/app-table.js';
import { routeEventsToQueue } from '../constructs/event-route.js';
import { QueueWithDlq, terminalQueue } from '../constructs/queue-with-dlq.js';
import type { PlatformStack } from './platform-stack.js';

export interface AuditStackProps extends StackProps {
  readonly config: StageConfig;
  readonly platform: PlatformStack;
}

/**
 * The immutable audit trail. Every context publishes `AuditEvent.v1` on the bus; one sink appends it to a table on
 * which no principal holds UpdateItem or DeleteItem (the sink may only PutItem, conditionally, so it cannot overwrite
 * either). Tenant admins read it through `GET /audit?resource=<srn>`.
 */
export class AuditStack extends Stack {
  readonly table: ITableV2;
  readonly readHandler: AppFunction;
  readonly sink: AppFunction;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    const { platform } = props;
    this.table = new AppTable(this, 'Audit', {
      stage: props.config,
      partitionKey: 'srn',
      sortKey: 'sk',
      encryptionKey: platform.dataKey,
    }).table;

    this.sink = new AppFunction(this, 'AuditSinkFn', {
      stage: props.config,
      entry: 'functions/platform/handlers/audit/audit-sink.ts',
      description: 'Appends audit events to the audit trail',
      serviceName: 'audit',
    })
      .bindIdempotency(platform.idempotencyTable)
      .bindTable('AUDIT', this.table, 'put');
    const queue = new QueueWithDlq(this, 'AuditQueue', {
      removalPolicy: props.config.removalPolicy,
      encryptionKey: platform.dataKey,
      alarmTopic: platform.alarmTopic,
      consumer: this.sink,
    });
    const undelivered = terminalQueue(this, 'UndeliveredAuditEvents', {
      removalPolicy: props.config.removalPolicy,
      encryptionKey: platform.dataKey,
      alarmTopic: platform.alarmTopic,
      whose: 'the audit rule target',
    });
    routeEventsToQueue(this, 'AuditRule', {
      eventBus: platform.eventBus,
      detailTypes: [AuditEvent.detailType],
      queue: queue.queue,
      deadLetterQueue: undelivered,
    });

    this.readHandler = new AppFunction(this, 'GetAuditFn', {
      stage: props.config,
      entry: 'functions/platform/handlers/audit/get-audit.ts',
      description: 'GET /audit?resource=<srn>',
      serviceName: 'audit',
    })
      .bindTable('AUDIT', this.table, 'read')
      .bindEventBus(platform.eventBus);

    new CfnOutput(this, 'AuditTableName', { value: this.table.tableName });
    new CfnOutput(this, 'AuditSinkFunctionName', { value: this.sink.functionName });
    new CfnOutput(this, 'AuditQueueUrl', { value: queue.queue.queueUrl });
    new CfnOutput(this, 'AuditDlqUrl', { value: queue.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'UndeliveredAuditEventsUrl', { value: undelivered.queueUrl });
  }
}
