import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AuditRecordView,
  auditTrailWhen,
  createProject,
  deprovisionLeftovers,
  executionsNamed,
  NO_USAGE,
  projectSrnOf,
  provisioned,
  readAudit,
  requestResource,
  resourceItem,
  settledResource,
  tenantTeam,
  tenantUsage,
} from './support/provisioning.js';
import { aws, call, output, tableItems, target } from './support/target.js';

const actorOf = (caller: { sub: string; tenant: string; roles: readonly string[] }) => ({
  sub: caller.sub,
  tenant: caller.tenant,
  roles: [...caller.roles],
});

describe('provisioning: tenancy, roles and audit', () => {
  // Not part of any scenario: frees the capacity the scenarios hold, for targets that outlive one run.
  afterAll(deprovisionLeftovers);

  it("answers 404, never 403, to another tenant on everything of tenant A, and changes nothing of A's", async () => {
    // Prepare
    const a = tenantTeam();
    const b = tenantTeam();
    const projectId = await createProject(a.admin);
    const { resource } = await provisioned(a.member, projectId, { flavor: 'vm.small', region: 'eu-west-1' });
    expect(resource.status).toBe('ACTIVE');
    const projectBefore = await call('GET', `projects/${projectId}`, { caller: a.viewer });
    const resourceBefore = await resourceItem(resource.resourceId);
    const usageBefore = await tenantUsage(a.tenant);

    // Act: tenant B's administrator (who holds every role in B) and B's viewer try everything on A's things.
    const attempts = [b.admin, b.viewer].flatMap((caller) => [
      call('GET', `projects/${projectId}`, { caller }),
      call('GET', `resources/${resource.resourceId}`, { caller }),
      call('GET', `projects/${projectId}/usage`, { caller }),
      call('DELETE', `resources/${resource.resourceId}`, { caller }),
      requestResource(caller, projectId, { flavor: 'vm.small', region: 'eu-west-1', name: 'intruder' }),
    ]);
    const answers = await Promise.all(attempts);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(answers.length).fill(404));
    expect(answers.map((answer) => answer.body.error.code)).toEqual(Array(answers.length).fill('NOT_FOUND'));
    expect(await call('GET', `projects/${projectId}`, { caller: a.viewer })).toMatchObject({
      status: 200,
      body: projectBefore.body,
    });
    expect(await resourceItem(resource.resourceId)).toEqual(resourceBefore);
    expect(await tenantUsage(a.tenant)).toEqual(usageBefore);
    expect(await executionsNamed('DeprovisionStateMachineArn', `${resource.resourceId}-delete`)).toEqual([]);
    const written = (await tableItems('ResourcesTableName')).filter(
      (item) => item.projectId === projectId || item.tenantId === b.tenant,
    );
    expect(written.map((item) => item.resourceId)).toEqual([resource.resourceId]);
  });

  it('refuses a viewer who posts a resource with 403 and records a DENIED audit event', async () => {
    // Prepare
    const { tenant, admin, viewer } = tenantTeam();
    const projectId = await createProject(admin);

    // Act
    const refused = await requestResource(viewer, projectId, { flavor: 'vm.small', region: 'eu-west-1' });

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    const records = await auditTrailWhen(
      admin,
      projectSrnOf(tenant, projectId),
      (items) => items.some((record) => record.outcome === 'DENIED'),
      'the DENIED audit record',
    );
    expect(records.filter((record) => record.outcome === 'DENIED')).toEqual([
      expect.objectContaining({
        action: 'resource.create',
        outcome: 'DENIED',
        actor: actorOf(viewer),
        tenantId: tenant,
        correlationId: refused.headers.get('x-correlation-id'),
        details: expect.objectContaining({ requiredRole: 'member' }),
      }),
    ]);
    expect((await tableItems('ResourcesTableName')).filter((item) => item.tenantId === tenant)).toEqual([]);
    expect(await tenantUsage(tenant)).toEqual(NO_USAGE);
  });

  it('keeps an immutable audit trail of a resource, readable by its tenant-admin only, newest first', async () => {
    // Prepare: a resource provisioned, then deleted.
    const { tenant, admin, member } = tenantTeam();
    const other = tenantTeam();
    const projectId = await createProject(admin);
    const { accepted, resource } = await provisioned(member, projectId, { flavor: 'vm.small', region: 'eu-west-1' });
    const deletion = await call('DELETE', `resources/${resource.resourceId}`, { caller: member });
    expect((await settledResource(member, resource.resourceId)).status).toBe('DELETED');
    const srn = resource.srn;

    // Act
    const records = await auditTrailWhen(admin, srn, (items) => items.length >= 4);
    const asMember = await readAudit(member, srn);
    const asOtherAdmin = await readAudit(other.admin, srn);

    // Assess: every step, newest first.
    expect(records.map(({ action, outcome }) => ({ action, outcome }))).toEqual([
      { action: 'saga.deprovision', outcome: 'SUCCEEDED' },
      { action: 'resource.delete', outcome: 'SUCCEEDED' },
      { action: 'saga.provision', outcome: 'SUCCEEDED' },
      { action: 'resource.create', outcome: 'SUCCEEDED' },
    ]);
    expect(records.map((record) => record.recordedAt)).toEqual(
      records.map((record) => record.recordedAt).sort((x, y) => y.localeCompare(x)),
    );
    expect(records.every((record) => record.tenantId === tenant)).toBe(true);
    const [deprovisioned, deleted, provisionedRecord, created] = records as [
      AuditRecordView,
      AuditRecordView,
      AuditRecordView,
      AuditRecordView,
    ];
    expect(created.actor).toEqual(actorOf(member));
    expect(created.correlationId).toBe(accepted.headers.get('x-correlation-id'));
    expect(deleted.actor).toEqual(actorOf(member));
    expect(deleted.correlationId).toBe(deletion.headers.get('x-correlation-id'));
    expect(provisionedRecord.actor).toEqual({ system: 'saga' });
    expect(deprovisioned.actor).toEqual({ system: 'saga' });

    expect(asMember.status).toBe(403);
    expect(asMember.body.error.code).toBe('FORBIDDEN');
    expect(asOtherAdmin.status).toBe(404);
    expect(asOtherAdmin.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses to change an audit record, through the API and through the sink', async () => {
    // Prepare: a resource whose trail has its creation and its saga's outcome.
    const { admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const { resource } = await provisioned(member, projectId, { flavor: 'vm.small', region: 'eu-west-1' });
    const srn = resource.srn;
    const before = await auditTrailWhen(admin, srn, (items) =>
      ['resource.create', 'saga.provision'].every((action) => items.some((r) => r.action === action)),
    );
    const original = before.find((record) => record.action === 'saga.provision') as AuditRecordView;
    const key = { srn, sk: `${original.recordedAt}#${original.eventId}` };
    const storedBefore = await auditItem(key);
    expect(storedBefore).toMatchObject({ eventId: original.eventId, outcome: 'SUCCEEDED' });

    // Act (1): the API has no route that changes the trail.
    const query = `audit?resource=${encodeURIComponent(srn)}`;
    const put = await call('PUT', query, { caller: admin, body: { ...original, outcome: 'FAILED' } });
    const del = await call('DELETE', query, { caller: admin });

    // Act (2): a forged event, delivered to the sink as its queue would, reuses the record's key (same srn, same
    // occurredAt and eventId) with another outcome and details. IAM is not enforced on the local cloud, so there it is
    // the sink's conditional put that refuses; the infra test asserts the IAM side (no Update/Delete grant on the table).
    const forged = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'AuditEvent.v1',
      source: 'sagastack.audit',
      account: '000000000000',
      time: original.recordedAt,
      region: target.region,
      resources: [],
      detail: {
        metadata: { correlationId: original.correlationId, occurredAt: original.recordedAt },
        data: {
          eventId: original.eventId,
          action: original.action,
          outcome: 'FAILED',
          srn,
          tenantId: original.tenantId,
          actor: original.actor,
          details: { code: 'INTERNAL', forged: true },
        },
      },
    };
    const invocation = await aws.lambda.send(
      new InvokeCommand({
        FunctionName: output('AuditSinkFunctionName'),
        Payload: new TextEncoder().encode(JSON.stringify(sqsEventOf(forged))),
      }),
    );

    // Assess
    // No such route: the gateway answers as for any unknown route (404 in the error envelope), before any handler.
    for (const refused of [put, del]) {
      expect(refused.status).toBe(404);
      expect(refused.body.error).toEqual(expect.objectContaining({ code: 'NOT_FOUND', message: expect.any(String) }));
    }
    expect(invocation.FunctionError).toBeUndefined();
    // The sink handled the message (nothing to redeliver) and kept the record as it was.
    expect(JSON.parse(new TextDecoder().decode(invocation.Payload))).toEqual({ batchItemFailures: [] });
    expect(await auditItem(key)).toEqual(storedBefore);
    const after = await readAudit(admin, srn);
    expect(after.status).toBe(200);
    expect(after.body.records).toEqual(before);
  });
});

async function auditItem(key: { srn: string; sk: string }) {
  const { Item } = await aws.dynamodb.send(
    new GetCommand({ TableName: output('AuditTableName'), Key: key, ConsistentRead: true }),
  );
  return Item;
}

/** An SQS event with one record, as the audit queue's event source mapping delivers it. */
function sqsEventOf(message: unknown) {
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: `forged-${randomUUID()}`,
        body: JSON.stringify(message),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: now,
          SenderId: 'forger',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${target.region}:000000000000:AuditQueue`,
        awsRegion: target.region,
      },
    ],
  };
}
