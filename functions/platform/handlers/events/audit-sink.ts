/**
 * SQS consumer of AuditEvent.v1 envelopes: appends each to the audit table (AUDIT_TABLE_NAME, `dynamodb:PutItem`
 * only), once, never overwriting. A different event claiming an existing record's key counts `AuditTamperAttempt`.
 */
import { AuditEventEnvelope } from '../../../../shared/contracts/events/audit-envelope.js';
import { MetricUnit, metrics } from '../../../../shared/powertools/index.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoAuditAppender } from '../../adapters/dynamo-audit-log.js';
import { recordAuditEvent } from '../../use-cases/record-audit-event.js';

export const handler = sqsEventConsumer(
  { message: AuditEventEnvelope, correlationIdOf: (event) => event.detail.metadata.correlationId },
  async (event) => {
    await recordAuditEvent(event, {
      log: dynamoAuditAppender(),
      alerts: { tamperAttempt: () => metrics.addMetric('AuditTamperAttempt', MetricUnit.Count, 1) },
    });
  },
);
