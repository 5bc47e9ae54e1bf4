import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/provisioning/handlers/billing/aggregate-usage.js';
import { logger } from '../../../../../shared/powertools/index.js';
import { lambdaContext } from '../../../checkout/checkouts-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    METERS_TABLE_NAME: 'meters-table',
    USAGE_TABLE_NAME: 'usage-table',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);

function scheduledEvent(time: string, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'schedule-event-0001',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time,
    region: 'eu-west-1',
    resources: ['arn:aws:events:eu-west-1:000000000000:rule/billing-hourly'],
    detail: {},
    ...overrides,
  };
}

const SRN = (project: string, resource: string) => `srn:sagastack:eu-west-1:tenant-a:${project}:vm/${resource}`;

const runningVm = {
  resourceId: 'res_vm',
  meterId: 'm_res_vm',
  projectId: 'prj_1',
  tenantId: 'tenant-a',
  srn: SRN('prj_1', 'res_vm'),
  flavor: 'vm.small',
  ratePerHourMicros: 36_000,
  startedAt: '2026-01-02T03:30:00.000Z',
};
const stoppedVolume = {
  resourceId: 'res_vol',
  meterId: 'm_res_vol',
  projectId: 'prj_2',
  tenantId: 'tenant-b',
  srn: SRN('prj_2', 'res_vol'),
  flavor: 'vol.standard-10',
  ratePerHourMicros: 3600,
  startedAt: '2026-01-02T04:00:00.000Z',
  stoppedAt: '2026-01-02T04:30:00.000Z',
};

const putItems = () => dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('aggregate-usage job', () => {
  it('writes the usage of every project and hour touched by a meter, up to the event time', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [runningVm, stoppedVolume] });

    // Act
    const summary = await handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext);

    // Assess
    expect(dynamo.commandCalls(ScanCommand)[0]?.args[0].input.TableName).toBe('meters-table');
    const items = putItems()
      .map((input) => input.Item)
      .sort((a, b) => `${a?.projectId}${a?.period}`.localeCompare(`${b?.projectId}${b?.period}`));
    expect(items).toEqual([
      {
        projectId: 'prj_1',
        period: '2026-01-02T03',
        lines: [
          {
            resourceId: 'res_vm',
            srn: SRN('prj_1', 'res_vm'),
            flavor: 'vm.small',
            seconds: 1800,
            amountMicros: 18_000,
          },
        ],
        totalMicros: 18_000,
        computedAt: '2026-01-02T05:00:00Z',
      },
      {
        projectId: 'prj_1',
        period: '2026-01-02T04',
        lines: [
          {
            resourceId: 'res_vm',
            srn: SRN('prj_1', 'res_vm'),
            flavor: 'vm.small',
            seconds: 3600,
            amountMicros: 36_000,
          },
        ],
        totalMicros: 36_000,
        computedAt: '2026-01-02T05:00:00Z',
      },
      {
        projectId: 'prj_2',
        period: '2026-01-02T04',
        lines: [
          {
            resourceId: 'res_vol',
            srn: SRN('prj_2', 'res_vol'),
            flavor: 'vol.standard-10',
            seconds: 1800,
            amountMicros: 1800,
          },
        ],
        totalMicros: 1800,
        computedAt: '2026-01-02T05:00:00Z',
      },
    ]);
    expect(putItems().every((input) => input.TableName === 'usage-table' && !input.ConditionExpression)).toBe(true);
    expect(summary).toEqual({ asOf: '2026-01-02T05:00:00Z', meters: 2, items: 3, totalMicros: 55_800 });
  });

  it('writes identical items when the same event is processed again (idempotent by construction)', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [runningVm, stoppedVolume] });

    // Act
    await handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext);
    const first = putItems();
    dynamo.resetHistory();
    await handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext);

    // Assess
    expect(putItems()).toEqual(first);
  });

  it('reads every page of meters', async () => {
    // Prepare
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [runningVm], LastEvaluatedKey: { resourceId: 'res_vm', meterId: 'm_res_vm' } })
      .resolvesOnce({ Items: [stoppedVolume] });

    // Act
    const summary = await handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext);

    // Assess
    const scans = dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input.ExclusiveStartKey);
    expect(scans).toEqual([undefined, { resourceId: 'res_vm', meterId: 'm_res_vm' }]);
    expect(summary).toMatchObject({ meters: 2, items: 3 });
  });

  it('skips and reports a meter that does not have the shape billing needs, billing the others', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error');
    dynamo.on(ScanCommand).resolves({
      Items: [
        { ...stoppedVolume, resourceId: 'res_broken', meterId: 'm_res_broken', startedAt: 'yesterday' },
        runningVm,
      ],
    });

    // Act
    const summary = await handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext);

    // Assess
    expect(summary).toMatchObject({ meters: 1, items: 2 });
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('Meter skipped'),
      expect.objectContaining({ meterId: 'm_res_broken' }),
    );
  });

  it('writes nothing when no meter ran before the event time', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [] });

    // Act
    const summary = await handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext);

    // Assess
    expect(summary).toMatchObject({ meters: 0, items: 0, totalMicros: 0 });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it.each([
    ['another detail-type', scheduledEvent('2026-01-02T05:00:00Z', { 'detail-type': 'OrderPlaced.v1' })],
    ['another source', scheduledEvent('2026-01-02T05:00:00Z', { source: 'sagastack.checkout' })],
    ['a time that is not an instant', scheduledEvent('soon')],
    ['nothing', {}],
  ])('refuses %s with a ValidationError and touches no table', async (_label, event) => {
    // Act & Assess
    await expect(handler(event, lambdaContext)).rejects.toMatchObject({ name: 'ValidationError' });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('fails the run when a write fails, so the invocation is retried', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [runningVm] });
    dynamo.on(PutCommand).rejects(new Error('Rate exceeded'));

    // Act & Assess
    await expect(handler(scheduledEvent('2026-01-02T05:00:00Z'), lambdaContext)).rejects.toThrow('Rate exceeded');
  });
});
