import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as getUsage } from '../../../../../functions/provisioning/handlers/api/get-usage.js';
import { UsageView } from '../../../../../shared/contracts/provisioning-api.js';
import {
  auditRecords,
  bodyOf,
  CUSTOMER,
  MEMBER,
  OTHER_TENANT_ADMIN,
  PROJECT_ID,
  PROJECT_SRN,
  VIEWER,
} from '../../harness.js';
import { dynamo, eventBridge, prepareStores, read } from './projects-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    PROJECTS_TABLE_NAME: 'projects-table',
    USAGE_TABLE_NAME: 'usage-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

const usageLine = (resourceId: string, amountMicros: number) => ({
  resourceId,
  srn: `srn:sagastack:eu-west-1:tenant-a:${PROJECT_ID}:vm/${resourceId}`,
  flavor: 'vm.small',
  seconds: 1800.5,
  amountMicros,
});

describe('GET /projects/{projectId}/usage', () => {
  it('answers every hour the billing worker wrote, oldest first, with the project total', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          {
            projectId: PROJECT_ID,
            period: '2026-01-01T10',
            lines: [usageLine('res_a', 5800), usageLine('res_b', 5801)],
            totalMicros: 11601,
            computedAt: '2026-01-01T11:00:00.000Z',
          },
        ],
        LastEvaluatedKey: { projectId: PROJECT_ID, period: '2026-01-01T10' },
      })
      .resolvesOnce({
        Items: [
          {
            projectId: PROJECT_ID,
            period: '2026-01-01T09',
            lines: [usageLine('res_a', 100)],
            totalMicros: 100,
            computedAt: '2026-01-01T10:00:00.000Z',
          },
        ],
      });

    // Act
    const response = await read(getUsage, VIEWER);

    // Assess
    expect(response.statusCode).toBe(200);
    const usage = UsageView.parse(bodyOf(response));
    expect(usage.projectId).toBe(PROJECT_ID);
    expect(usage.periods.map((period) => period.period)).toEqual(['2026-01-01T09', '2026-01-01T10']);
    expect(usage.periods[1]?.lines).toEqual([usageLine('res_a', 5800), usageLine('res_b', 5801)]);
    expect(usage.totalMicros).toBe(11701);

    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(2);
    expect(queries[0]?.args[0].input).toMatchObject({
      TableName: 'usage-table',
      KeyConditionExpression: 'projectId = :projectId',
      ExpressionAttributeValues: { ':projectId': PROJECT_ID },
    });
    expect(queries[1]?.args[0].input.ExclusiveStartKey).toEqual({ projectId: PROJECT_ID, period: '2026-01-01T10' });
    // Read-only: billing owns the usage table's writes.
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers no periods and a zero total for a project nothing ran in', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });

    // Act
    const response = await read(getUsage, MEMBER);

    // Assess
    expect(bodyOf(response)).toEqual({ projectId: PROJECT_ID, periods: [], totalMicros: 0 });
  });

  it('answers 404 to another tenant without reading usage', async () => {
    // Act
    const response = await read(getUsage, OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 403 and audits DENIED to a caller without a provisioning role', async () => {
    // Act
    const response = await read(getUsage, CUSTOMER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'usage.read', outcome: 'DENIED', srn: PROJECT_SRN }),
    ]);
  });
});
