import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../functions/platform/handlers/audit/audit-sink.js';
import { logger, metrics } from '../../../../shared/powertools/index.js';
import { lambdaContext, sqsBatch } from '../../checkout/checkouts/harness.js';
import { auditEnvelope, SRN, toAttributeMap } from './harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    AUDIT_TABLE_NAME: 'audit-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);

/**
 * The audit table as DynamoDB behaves for the sink's write: a put refused while the key is taken, and with
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` the refusal carries the stored item in attribute-value form.
 */
function auditTable(options: { returnsItemOnRefusal?: boolean } = {}) {
  const items = new Map<string, Record<string, unknown>>();
  dynamo.on(PutCommand).callsFake((input: { Item: Record<string, unknown>; ConditionExpression?: string }) => {
    const key = `${input.Item.srn}|${input.Item.sk}`;
    const existing = items.get(key);
    if (existing && input.ConditionExpression === 'attribute_not_exists(srn)') {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        ...(options.returnsItemOnRefusal === false
          ? {}
          : { Item: toAttributeMap(existing) as Record<string, AttributeValue> }),
      });
    }
    items.set(key, structuredClone(input.Item));
    return {};
  });
  return items;
}

beforeEach(() => {
  dynamo.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('audit-sink consumer', () => {
  it('appends the record with a conditional PutItem, and does nothing else to the table', async () => {
    // Prepare
    const items = auditTable();

    // Act
    const response = await handler(sqsBatch(auditEnvelope()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toMatchObject({
      TableName: 'audit-table',
      ConditionExpression: 'attribute_not_exists(srn)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect([...items.values()]).toEqual([
      {
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
      },
    ]);
    // Append-only: nothing but PutItem ever reaches the table.
    expect(dynamo.calls().every((call) => call.args[0] instanceof PutCommand)).toBe(true);
  });

  it('treats a duplicate delivery of the same event as a success without change and without alarm', async () => {
    // Prepare
    const items = auditTable();
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await handler(sqsBatch(auditEnvelope({ id: 'envelope-0001' })), lambdaContext);
    const before = structuredClone([...items.values()]);

    // Act: the same event again, even re-published under another envelope id.
    const response = await handler(sqsBatch(auditEnvelope({ id: 'envelope-0002' })), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect([...items.values()]).toEqual(before);
    expect(addMetric).not.toHaveBeenCalledWith('AuditTamperAttempt', expect.anything(), expect.anything());
  });

  it('refuses a different event forging an existing record: record unchanged, tamper logged and counted, message done', async () => {
    // Prepare
    const items = auditTable();
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const error = vi.spyOn(logger, 'error');
    await handler(sqsBatch(auditEnvelope()), lambdaContext);
    const before = structuredClone([...items.values()]);
    const forged = auditEnvelope({
      id: 'envelope-forged',
      data: { outcome: 'DENIED', actor: { sub: 'user-eve', tenant: 'tenant-a', roles: ['tenant-admin'] } },
    });

    // Act
    const response = await handler(sqsBatch(forged), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect([...items.values()]).toEqual(before);
    expect(addMetric).toHaveBeenCalledWith('AuditTamperAttempt', 'Count', 1);
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('tamper attempt'),
      expect.objectContaining({
        srn: SRN,
        eventId: 'evt-audit-1',
        envelopeId: 'envelope-forged',
        existing: expect.objectContaining({ outcome: 'SUCCEEDED' }),
        attempted: expect.objectContaining({ outcome: 'DENIED' }),
      }),
    );
  });

  it('keeps the record and succeeds when the store refuses the write without saying what it holds', async () => {
    // Prepare
    const items = auditTable({ returnsItemOnRefusal: false });
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await handler(sqsBatch(auditEnvelope()), lambdaContext);
    const before = structuredClone([...items.values()]);

    // Act
    const response = await handler(
      sqsBatch(auditEnvelope({ id: 'envelope-other', data: { outcome: 'FAILED' } })),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect([...items.values()]).toEqual(before);
    expect(addMetric).not.toHaveBeenCalledWith('AuditTamperAttempt', expect.anything(), expect.anything());
  });

  it('records two events of the same resource as two records', async () => {
    // Prepare
    const items = auditTable();

    // Act
    const response = await handler(
      sqsBatch(
        auditEnvelope({ id: 'envelope-1' }),
        auditEnvelope({
          id: 'envelope-2',
          occurredAt: '2026-01-02T03:10:00.000Z',
          data: { eventId: 'evt-audit-2', action: 'saga.provision', actor: { system: 'saga' } },
        }),
      ),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect([...items.keys()].sort()).toEqual([
      `${SRN}|2026-01-02T03:04:05.000Z#evt-audit-1`,
      `${SRN}|2026-01-02T03:10:00.000Z#evt-audit-2`,
    ]);
  });

  it('fails the message when the table cannot be reached, so it is retried', async () => {
    // Prepare
    const items = auditTable();
    dynamo.on(PutCommand, { Item: { eventId: 'evt-audit-1' } }).rejects(new Error('Rate exceeded'));

    // Act
    const response = await handler(
      sqsBatch(
        auditEnvelope({ id: 'envelope-1' }),
        auditEnvelope({ id: 'envelope-2', data: { eventId: 'evt-audit-2' } }),
      ),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect([...items.values()].map((item) => item.eventId)).toEqual(['evt-audit-2']);
  });

  it('fails (towards the DLQ) a message that is not an AuditEvent.v1 from the audit source, writing nothing', async () => {
    // Prepare
    auditTable();

    // Act
    const response = await handler(
      sqsBatch(
        { ...auditEnvelope({ id: 'envelope-1' }), source: 'sagastack.checkout' },
        { ...auditEnvelope({ id: 'envelope-2' }), 'detail-type': 'OrderPlaced.v1' },
        auditEnvelope({ id: 'envelope-3', data: { outcome: 'MAYBE' } }),
        auditEnvelope({ id: 'envelope-4' }),
      ),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'msg-1' },
      { itemIdentifier: 'msg-2' },
      { itemIdentifier: 'msg-3' },
    ]);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });
});
