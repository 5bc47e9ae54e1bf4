/** Fixtures for the audit tests: AuditEvent.v1 envelopes and a conditional-put stand-in for the audit table. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AuditEventEnvelope } from '../../../shared/contracts/events/audit-envelope.js';

export const SRN = 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01';

export interface AuditEnvelopeOptions {
  readonly id?: string;
  readonly occurredAt?: string;
  readonly time?: string;
  readonly correlationId?: string;
  readonly data?: Partial<Record<keyof AuditEventEnvelope['detail']['data'], unknown>>;
}

/** An AuditEvent.v1 envelope as an EventBridge rule delivers it to the audit queue. */
export function auditEnvelope(options: AuditEnvelopeOptions = {}): AuditEventEnvelope {
  return {
    version: '0',
    id: options.id ?? 'envelope-0001',
    'detail-type': 'AuditEvent.v1',
    source: 'sagastack.audit',
    account: '000000000000',
    time: options.time ?? '2026-01-02T03:04:06Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      metadata: {
        correlationId: options.correlationId ?? 'corr-audit-0001',
        occurredAt: options.occurredAt ?? '2026-01-02T03:04:05.000Z',
      },
      data: {
        eventId: 'evt-audit-1',
        action: 'resource.create',
        outcome: 'SUCCEEDED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: 'user-ada', tenant: 'tenant-a', roles: ['member'] },
        details: { flavor: 'vm.small' },
        ...options.data,
      },
    },
  } as AuditEventEnvelope;
}

/** Plain values to DynamoDB attribute values, as the service returns an item with a refused write. */
export function toAttributeMap(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(item)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, toAttributeValue(value)]),
  );
}

function toAttributeValue(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  return { M: toAttributeMap(value as Record<string, unknown>) };
}
