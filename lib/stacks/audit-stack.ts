import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AUDIT_PUBLISHERS, AUDIT_SOURCE, auditEventFrom } from '../../shared/contracts/events/audit-events.js';
import type { AppFunction } from '../constructs/app-function.js';
import { BoundedContextStack, type PlatformResources } from '../constructs/bounded-context-stack.js';
import type { StageSettings } from '../constructs/stage-settings.js';

export interface AuditStackProps extends StackProps {
  /** The stage's data protection and logging. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
  /** Shared bus, key, idempotency table and alarm topic. */
  readonly platform: PlatformResources;
}

/**
 * The immutable audit trail. Each auditing context publishes `AuditEvent.v1` on the bus under its own source; one sink appends it to a table on
 * which no principal holds UpdateItem or DeleteItem (the sink may only PutItem, conditionally, so it cannot overwrite
 * either). Tenant admins read it through `GET /audit?resource=<srn>`.
 */
export class AuditStack extends BoundedContextStack<'audit'> {
  readonly sink: AppFunction;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, {
      ...props,
      service: 'audit',
      code: 'platform',
      publishesAs: [AUDIT_SOURCE],
      tables: { audit: { partitionKey: 'srn', sortKey: 'sk' } },
    });
    this.sink = this.command('AuditSink', {
      on: 'events',
      description: 'Appends audit events to the audit trail',
      appends: ['audit'],
    });
    const queue = this.consumerQueue('AuditQueue', this.sink);
    const undelivered = this.terminalQueue('UndeliveredAuditEvents', 'the audit rule target');
    // Audit events of the auditing contexts only, each under its own source.
    this.routeEvents('AuditRule', AUDIT_PUBLISHERS.map(auditEventFrom), queue, undelivered);

    this.command('GetAudit', {
      on: 'api',
      description: 'GET /audit?resource=<srn>',
      reads: ['audit'],
      publishes: true,
    });

    this.output('AuditSinkFunctionName', this.sink.functionName);
    this.output('AuditQueueUrl', queue.queue.queueUrl);
    this.output('AuditDlqUrl', queue.deadLetterQueue.queueUrl);
    this.output('UndeliveredAuditEventsUrl', undelivered.queueUrl);
  }
}
