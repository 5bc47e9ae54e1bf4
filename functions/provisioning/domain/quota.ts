/**
 * Quota arithmetic: does a demand fit what a tenant may still use. Pure: no AWS imports.
 * A demand that brings usage exactly to the quota fits; one unit more does not.
 */
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';

export const DIMENSIONS = ['vcpu', 'memoryGiB', 'storageGiB'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const ZERO: ResourceAmounts = { vcpu: 0, memoryGiB: 0, storageGiB: 0 };

export interface QuotaDecision {
  readonly fits: boolean;
  /** Dimensions whose usage would pass the quota, in a fixed order. */
  readonly exceeded: Dimension[];
  /** What is left of each dimension before this demand (never negative). */
  readonly available: ResourceAmounts;
}

export function decideQuota(quotas: ResourceAmounts, used: ResourceAmounts, demand: ResourceAmounts): QuotaDecision {
  const exceeded = DIMENSIONS.filter((dimension) => used[dimension] + demand[dimension] > quotas[dimension]);
  return { fits: exceeded.length === 0, exceeded, available: remaining(quotas, used) };
}

export function remaining(quotas: ResourceAmounts, used: ResourceAmounts): ResourceAmounts {
  return mapAmounts((dimension) => Math.max(0, quotas[dimension] - used[dimension]));
}

/**
 * The highest usage of each dimension at which the demand still fits: `quota - demand`. A database condition
 * `used <= ceiling` then refuses a reservation atomically, without arithmetic in the condition (DynamoDB has none),
 * however many reservations race.
 */
export function usageCeiling(quotas: ResourceAmounts, demand: ResourceAmounts): ResourceAmounts {
  return mapAmounts((dimension) => quotas[dimension] - demand[dimension]);
}

export function addAmounts(a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  return mapAmounts((dimension) => a[dimension] + b[dimension]);
}

export function subtractAmounts(a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  return mapAmounts((dimension) => a[dimension] - b[dimension]);
}

/**
 * The details of a refusal over quota: what was exceeded, what was asked for, what was left. Both refusals carry the
 * same shape, the API's pre-check in its 422 body and the saga's ReserveQuota on its QuotaExceededError.
 */
export function shortfallDetails(
  decision: QuotaDecision,
  demand: ResourceAmounts,
): { exceeded: Dimension[]; requested: ResourceAmounts; available: ResourceAmounts } {
  return { exceeded: decision.exceeded, requested: demand, available: decision.available };
}

export function describeShortfall(decision: QuotaDecision, demand: ResourceAmounts): string {
  const parts = decision.exceeded.map(
    (dimension) => `${dimension} needs ${demand[dimension]}, ${decision.available[dimension]} left`,
  );
  return `The tenant's quota is exceeded: ${parts.join('; ')}`;
}

/**
 * Reads quotas such as DEFAULT_TENANT_QUOTAS (`{"vcpu":16,"memoryGiB":64,"storageGiB":500}`). Every dimension must be
 * a whole number >= 0: a typo must fail loudly rather than grant an unlimited or empty quota.
 */
export function parseQuotas(json: string): ResourceAmounts {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new RangeError(`Quotas must be JSON like {"vcpu":16,"memoryGiB":64,"storageGiB":500}, not ${json}`);
  }
  if (typeof value !== 'object' || value === null) throw new RangeError(`Quotas must be an object, not ${json}`);
  const record = value as Record<string, unknown>;
  return mapAmounts((dimension) => {
    const amount = record[dimension];
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0) {
      throw new RangeError(`Quota ${dimension} must be a whole number >= 0, not ${JSON.stringify(amount)}`);
    }
    return amount;
  });
}

function mapAmounts(amountOf: (dimension: Dimension) => number): ResourceAmounts {
  return { vcpu: amountOf('vcpu'), memoryGiB: amountOf('memoryGiB'), storageGiB: amountOf('storageGiB') };
}
