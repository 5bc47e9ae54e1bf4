import { type AttributeValue, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUDIT_EVENT_GUARD_PREFIX } from '../../../../../functions/platform/adapters/dynamo-audit-log.js';
import { handler } from '../../../../../functions/platform/handlers/events/audit-sink.js';
import { logger, metrics } from '../../../../../shared/powertools/index.js';
import { lambdaContext, sqsBatch } from '../../../checkout/checkouts-harness.js';
import { auditEnvelope, SRN, toAttributeMap } from '../../harness.js';

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

interface PutAction {
  Put: { Item: Record<string, unknown>; ConditionExpression?: string };
}

/**
 * The audit table as DynamoDB behaves for the sink's transaction: cancelled when a put's key is taken, and with
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` each refusal carries the stored item in attribute-value form.
 * `unreachableFor` makes every write of that event id fail as an unreachable table would.
 */
function auditTable(options: { returnsItemOnRefusal?: boolean; unreachableFor?: string } = {}) {
  const items = new Map<string, Record<string, unknown>>();
  dynamo.on(TransactWriteCommand).callsFake((input: { TransactItems: PutAction[] }) => {
    if (options.unreachableFor && input.TransactItems.some(({ Put }) => Put.Item.eventId === options.unreachableFor)) {
      throw new Error('Rate exceeded');
    }
    const existing = input.TransactItems.map(({ Put }) =>
      Put.ConditionExpression === 'attribute_not_exists(srn)' ? items.get(`${Put.Item.srn}|${Put.Item.sk}`) : undefined,
    );
    if (existing.some((item) => item !== undefined)) {
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: existing.map((item) =>
          item === undefined
            ? { Code: 'None' }
            : {
                Code: 'ConditionalCheckFailed',
                ...(options.returnsItemOnRefusal === false
                  ? {}
                  : { Item: toAttributeMap(item) as Record<string, AttributeValue> }),
              },
        ),
      });
    }
    for (const { Put } of input.TransactItems) items.set(`${Put.Item.srn}|${Put.Item.sk}`, structuredClone(Put.Item));
    return {};
  });
  return items;
}

/** The audit records, without the guard items that keep each event id recorded once. */
function records(items: Map<string, Record<string, unknown>>): Record<string, unknown>[] {
  return [...items.values()].filter((item) => !String(item.srn).startsWith(AUDIT_EVENT_GUARD_PREFIX));
}

beforeEach(() => {
  dynamo.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('audit-sink consumer', () => {
  it('appends the record and its event id guard with conditional puts in one transaction, and nothing else', async () => {
    // Prepare
    const items = auditTable();

    // Act
    const response = await handler(sqsBatch(auditEnvelope()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [transaction] = dynamo.commandCalls(TransactWriteCommand);
    const puts = (transaction?.args[0].input.TransactItems ?? []).map((action) => action.Put);
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put).toMatchObject({
        TableName: 'audit-table',
        ConditionExpression: 'attribute_not_exists(srn)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    }
    expect(puts[1]?.Item).toMatchObject({ srn: `${AUDIT_EVENT_GUARD_PREFIX}evt-audit-1`, sk: 'RECORDED' });
    expect(records(items)).toEqual([
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
    // Append-only: nothing but puts ever reaches the table.
    expect(dynamo.calls().every((call) => call.args[0] instanceof TransactWriteCommand)).toBe(true);
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

  it('records an event once when a retried publisher sends it again with a later time, without alarm', async () => {
    // Prepare
    const items = auditTable();
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await handler(sqsBatch(auditEnvelope({ id: 'envelope-0001' })), lambdaContext);

    // Act: the saga step published, failed, was retried, and published the same event id again.
    const response = await handler(
      sqsBatch(auditEnvelope({ id: 'envelope-0002', occurredAt: '2026-01-02T03:04:09.000Z' })),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(records(items).map((record) => record.sk)).toEqual(['2026-01-02T03:04:05.000Z#evt-audit-1']);
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
    expect(
      records(items)
        .map((record) => `${record.srn}|${record.sk}`)
        .sort(),
    ).toEqual([`${SRN}|2026-01-02T03:04:05.000Z#evt-audit-1`, `${SRN}|2026-01-02T03:10:00.000Z#evt-audit-2`]);
  });

  it('fails the message when the table cannot be reached, so it is retried', async () => {
    // Prepare
    const items = auditTable({ unreachableFor: 'evt-audit-1' });

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
    expect(records(items).map((item) => item.eventId)).toEqual(['evt-audit-2']);
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
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
