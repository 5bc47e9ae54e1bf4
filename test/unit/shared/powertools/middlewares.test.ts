import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishMetrics } from '../../../../shared/powertools/middlewares.js';

/**
 * A Metrics instance whose EMF lines and warnings are collected instead of printed. Dev mode makes it, and the
 * single-metric instance it creates for the cold start, write to the global console, which the spies catch.
 */
function collectingMetrics() {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  // What Lambda sets in an on-demand environment; Powertools counts a cold start only there.
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  const emitted: Array<Record<string, unknown>> = [];
  const warnings: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => emitted.push(JSON.parse(line)));
  vi.spyOn(console, 'warn').mockImplementation((line: string) => warnings.push(line));
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'svc' });
  return { metrics, emitted, warnings };
}

const context = { functionName: 'fn', awsRequestId: 'r' } as Context;
const metricNames = (line: Record<string, unknown>) =>
  (line._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics.flatMap((entry) =>
    entry.Metrics.map((metric) => metric.Name),
  );

describe('publishMetrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('emits the cold start once, then only invocations that added metrics, and never warns about empty ones', async () => {
    const { metrics, emitted, warnings } = collectingMetrics();
    const handler = middy(async (event: { count: boolean }) => {
      if (event.count) metrics.addMetric('Counted', MetricUnit.Count, 1);
      return 'ok';
    }).use(publishMetrics(metrics));

    await handler({ count: false }, context);
    await handler({ count: true }, context);
    await handler({ count: false }, context);

    expect(emitted.map(metricNames)).toEqual([['ColdStart'], ['Counted']]);
    expect(warnings).toEqual([]);
  });

  it('publishes what a failing invocation added', async () => {
    const { metrics, emitted } = collectingMetrics();
    const handler = middy(async () => {
      metrics.addMetric('BeforeFailure', MetricUnit.Count, 1);
      throw new Error('boom');
    }).use(publishMetrics(metrics));

    await expect(handler({}, context)).rejects.toThrow('boom');

    expect(emitted.map(metricNames)).toEqual([['ColdStart'], ['BeforeFailure']]);
  });
});
