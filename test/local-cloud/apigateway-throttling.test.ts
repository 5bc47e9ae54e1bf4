import { afterEach, describe, expect, it } from 'vitest';
import {
  closeServedApis,
  FakeFunctions,
  ManualClock,
  okResult,
  restApiDefinition,
  serveApi,
} from './apigateway-fixtures.js';

async function serveThrottled(methodSettings: unknown[], clock: ManualClock) {
  const functions = new FakeFunctions().returning('h', okResult());
  const definition = restApiDefinition({
    routes: [
      { path: '/orders', method: 'GET', function: 'h' },
      { path: '/orders', method: 'POST', function: 'h' },
    ],
    stageProperties: { MethodSettings: methodSettings },
    gatewayResponses: [
      {
        properties: {
          ResponseType: 'THROTTLED',
          ResponseTemplates: {
            'application/json': '{"error":{"code":"THROTTLED","correlationId":"$context.requestId"}}',
          },
        },
      },
    ],
  });
  return { api: await serveApi(definition, functions, { now: clock.now }), functions };
}

const statuses = async (urls: Array<[string, RequestInit?]>) => {
  const results: number[] = [];
  for (const [url, init] of urls) results.push((await fetch(url, init)).status);
  return results;
};

describe('API Gateway stage throttling', () => {
  afterEach(closeServedApis);

  it('answers 429 once the burst is spent and refills at the rate limit', async () => {
    // Prepare
    const clock = new ManualClock();
    const { api, functions } = await serveThrottled(
      [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 }],
      clock,
    );

    // Act
    const burst = await statuses([[`${api.url}/orders`], [`${api.url}/orders`], [`${api.url}/orders`]]);
    const throttled = await fetch(`${api.url}/orders`);
    const throttledBody = await throttled.json();
    clock.advance(1_000);
    const afterRefill = await statuses([[`${api.url}/orders`], [`${api.url}/orders`]]);

    // Assess
    expect(burst).toEqual([200, 200, 429]);
    expect(throttled.status).toBe(429);
    expect(throttledBody).toEqual({
      error: { code: 'THROTTLED', correlationId: throttled.headers.get('x-amzn-requestid') },
    });
    expect(afterRefill).toEqual([200, 429]);
    expect(functions.calls).toHaveLength(3);
  });

  it('gives every method its own bucket, and lets a method setting override the stage one', async () => {
    // Prepare
    const clock = new ManualClock();
    const { api } = await serveThrottled(
      [
        { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 },
        { ResourcePath: '/~1orders', HttpMethod: 'POST', ThrottlingBurstLimit: 3 },
      ],
      clock,
    );
    const post: RequestInit = { method: 'POST', body: '{}' };

    // Act
    const gets = await statuses([[`${api.url}/orders`], [`${api.url}/orders`]]);
    const posts = await statuses([
      [`${api.url}/orders`, post],
      [`${api.url}/orders`, post],
      [`${api.url}/orders`, post],
      [`${api.url}/orders`, post],
    ]);

    // Assess
    expect(gets).toEqual([200, 429]);
    expect(posts).toEqual([200, 200, 200, 429]);
  });
});
