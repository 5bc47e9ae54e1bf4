/** Turns metered usage (`local-cloud/metering.ts`) into dollars with the prices of `aws-prices.ts`. */
import { USAGE_DIMENSIONS, type Usage, type UsageDimension } from '../local-cloud/metering.js';
import { PRICES } from './aws-prices.js';

export interface Cost {
  readonly totalUsd: number;
  /** Dollars per service, largest first. */
  readonly byService: ReadonlyArray<{ readonly service: string; readonly usd: number }>;
}

/** What `usage` costs, scaled by `factor` (e.g. 1000 / checkouts for "per 1,000 checkouts"). */
export function costOf(usage: Usage, factor = 1): Cost {
  const byService = new Map<string, number>();
  for (const dimension of Object.keys(USAGE_DIMENSIONS) as UsageDimension[]) {
    const price = PRICES[dimension];
    byService.set(price.service, (byService.get(price.service) ?? 0) + usage[dimension] * price.usd * factor);
  }
  const services = [...byService].map(([service, usd]) => ({ service, usd })).sort((a, b) => b.usd - a.usd);
  return { totalUsd: services.reduce((total, line) => total + line.usd, 0), byService: services };
}
