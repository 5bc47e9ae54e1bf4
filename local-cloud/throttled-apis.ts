/**
 * Calls to the AWS APIs that AWS throttles at a low rate per account and Region, counted as they reach the edge. The
 * local cloud never throttles them (a test would only learn it on AWS, from `ThrottlingException`), so `npm run
 * bench` compares how often the app calls them under load with the rate AWS refills their token bucket.
 *
 * Quotas: Step Functions, "Quotas related to API action throttling" and "Other quotas", us-east-1, us-west-2 and
 * eu-west-1 (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). They are soft quotas; an
 * account's own are in Service Quotas.
 */
import type { JsonOperation, JsonProtocolApi } from './aws-protocol.js';

export const THROTTLED_APIS = {
  'states:GetExecutionHistory': { bucketSize: 400, refillPerSecond: 20 },
  'states:DescribeExecution': { bucketSize: 300, refillPerSecond: 15 },
} as const;

export type ThrottledApi = keyof typeof THROTTLED_APIS;
export type ThrottledApiCalls = Record<ThrottledApi, number>;

/** The calls counted since boot; compare two snapshots to get a period's. */
export class ThrottledApiCounter {
  private readonly calls = Object.fromEntries(Object.keys(THROTTLED_APIS).map((api) => [api, 0])) as ThrottledApiCalls;

  count(api: ThrottledApi): void {
    this.calls[api] += 1;
  }

  snapshot(): ThrottledApiCalls {
    return { ...this.calls };
  }
}

/**
 * `api` with each of its throttled operations counted (`service` is the IAM prefix, `states` for Step Functions), a
 * refused call too: AWS takes a token before it answers.
 */
export function countingThrottledCalls(
  api: JsonProtocolApi,
  service: string,
  counter: ThrottledApiCounter,
): JsonProtocolApi {
  const operations: Record<string, JsonOperation> = { ...api.operations };
  for (const [name, operation] of Object.entries(api.operations)) {
    const throttled = `${service}:${name}`;
    if (!(throttled in THROTTLED_APIS)) continue;
    operations[name] = (input, context) => {
      counter.count(throttled as ThrottledApi);
      return operation(input, context);
    };
  }
  return { ...api, operations };
}
