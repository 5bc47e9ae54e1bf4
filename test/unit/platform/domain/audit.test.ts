import { describe, expect, it } from 'vitest';
import {
  auditReadDecision,
  auditRecordOf,
  auditRecordView,
  auditSortKey,
  parseSrn,
  sameAuditRecord,
} from '../../../../functions/platform/domain/audit.js';
import { auditEnvelope, SRN } from '../harness.js';

describe('parseSrn', () => {
  it('reads every part of a resource name', () => {
    expect(parseSrn(SRN)).toEqual({
      region: 'eu-west-1',
      tenantId: 'tenant-a',
      projectId: 'prj_1',
      type: 'vm',
      resourceId: 'res_01',
    });
  });

  it('accepts an empty region (a resource without one, such as a project)', () => {
    expect(parseSrn('srn:sagastack::tenant-a:prj_1:project/prj_1')).toMatchObject({ region: '', tenantId: 'tenant-a' });
  });

  it.each([
    'arn:aws:s3:::bucket',
    'srn:other:eu-west-1:tenant-a:prj_1:vm/res_01',
    'srn:sagastack:eu-west-1:tenant-a:prj_1:vm',
    'srn:sagastack:eu-west-1:tenant-a:vm/res_01',
    'srn:sagastack:eu-west-1:tenant:a:prj_1:vm/res_01',
    'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res/01',
    '',
  ])('refuses %j', (srn) => {
    expect(parseSrn(srn)).toBeUndefined();
  });
});

describe('auditRecordOf', () => {
  it('keys the record by SRN and occurrence time then event id, from the event alone', () => {
    // Act
    const record = auditRecordOf(auditEnvelope());

    // Assess
    expect(record).toEqual({
      srn: SRN,
      sk: '2026-01-02T03:04:05.000Z#evt-audit-1',
      eventId: 'evt-audit-1',
      action: 'resource.create',
      outcome: 'SUCCEEDED',
      actor: { sub: 'user-ada', tenant: 'tenant-a', roles: ['member'] },
      tenantId: 'tenant-a',
      correlationId: 'corr-audit-0001',
      details: { flavor: 'vm.small' },
      recordedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(auditRecordOf(auditEnvelope())).toEqual(record);
  });

  it('normalises the time to ISO with milliseconds, so every record of a resource sorts by time', () => {
    const record = auditRecordOf(auditEnvelope({ occurredAt: '2026-01-02T04:04:05+01:00' }));
    expect(record.recordedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(record.sk).toBe(auditSortKey('2026-01-02T03:04:05.000Z', 'evt-audit-1'));
  });

  it("falls back to the envelope's time when the occurrence time is not an instant", () => {
    const record = auditRecordOf(auditEnvelope({ occurredAt: 'just now', time: '2026-01-02T05:00:00Z' }));
    expect(record.recordedAt).toBe('2026-01-02T05:00:00.000Z');
  });

  it('refuses an event with no valid time at all', () => {
    expect(() => auditRecordOf(auditEnvelope({ occurredAt: 'just now', time: 'later' }))).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
  });

  it('records a saga actor and empty details when the event has none', () => {
    // Act
    const record = auditRecordOf(
      auditEnvelope({ data: { actor: { system: 'saga' }, action: 'saga.provision', details: undefined } }),
    );

    // Assess
    expect(record).toMatchObject({ actor: { system: 'saga' }, action: 'saga.provision', details: {} });
  });
});

describe('sameAuditRecord', () => {
  const record = auditRecordOf(auditEnvelope());

  it('recognises the same record, whatever the order of its attributes', () => {
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as typeof record;
    expect(sameAuditRecord(reordered, record)).toBe(true);
    expect(sameAuditRecord({ ...record, details: { flavor: 'vm.small' } }, record)).toBe(true);
  });

  it.each([
    ['outcome', { outcome: 'FAILED' as const }],
    ['action', { action: 'resource.delete' }],
    ['actor', { actor: { sub: 'user-eve', tenant: 'tenant-a', roles: ['member'] } }],
    ['details', { details: { flavor: 'vm.large' } }],
    ['correlation id', { correlationId: 'corr-other' }],
  ])('tells a record with another %s apart', (_label, change) => {
    expect(sameAuditRecord(record, { ...record, ...change })).toBe(false);
  });
});

describe('auditReadDecision', () => {
  it('lets a tenant administrator read a resource of their tenant', () => {
    expect(auditReadDecision({ sub: 'u', tenant: 'tenant-a', roles: ['tenant-admin'] }, SRN)).toBe('ALLOWED');
  });

  it('refuses another role of the same tenant (403)', () => {
    expect(auditReadDecision({ sub: 'u', tenant: 'tenant-a', roles: ['member', 'viewer'] }, SRN)).toBe('FORBIDDEN');
  });

  it("hides another tenant's resource whatever the role (404)", () => {
    expect(auditReadDecision({ sub: 'u', tenant: 'tenant-b', roles: ['tenant-admin'] }, SRN)).toBe('NOT_FOUND');
    expect(auditReadDecision({ sub: 'u', tenant: 'tenant-b', roles: ['viewer'] }, SRN)).toBe('NOT_FOUND');
  });

  it('hides a name that is not an SRN', () => {
    expect(auditReadDecision({ sub: 'u', tenant: 'tenant-a', roles: ['tenant-admin'] }, 'tenant-a')).toBe('NOT_FOUND');
  });
});

describe('auditRecordView', () => {
  it('shows everything but the storage keys', () => {
    const view = auditRecordView(auditRecordOf(auditEnvelope()));
    expect(view).not.toHaveProperty('sk');
    expect(view).not.toHaveProperty('srn');
    expect(view).toMatchObject({ eventId: 'evt-audit-1', outcome: 'SUCCEEDED' });
  });
});
