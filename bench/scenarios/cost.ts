/**
 * The cost model: what the measured runs would cost on AWS at list prices (`bench/aws-prices.ts`), from the usage the
 * local cloud metered (`local-cloud/metering.ts`). Checkouts are priced from the one-client polling level: real client
 * behaviour (the polls are billed API requests and Lambda invocations) on an otherwise idle machine, so Lambda
 * durations are not inflated by contention. Durations are this machine's; a Lambda host may be faster or slower.
 */
import { USAGE_DIMENSIONS, type Usage, type UsageDimension } from '../../local-cloud/metering.js';
import { PRICES_RECORDED_ON, PRICES_REGION } from '../aws-prices.js';
import { type Cost, costOf } from '../cost.js';
import { atMost, type Figure } from '../figures.js';
import type { LevelResult } from './checkout-load.js';

const PER_CHECKOUT_UNITS: Partial<Record<UsageDimension, { label: string; unit: string; scale?: number }>> = {
  'stepfunctions.standard.transitions': { label: 'Step Functions state transitions', unit: '' },
  'lambda.requests': { label: 'Lambda invocations', unit: '' },
  'lambda.arm64.gbSeconds': { label: 'Lambda GB-seconds (arm64)', unit: 'GB-s' },
  'dynamodb.readRequestUnits': { label: 'DynamoDB read request units', unit: '' },
  'dynamodb.writeRequestUnits': { label: 'DynamoDB write request units', unit: '' },
  'eventbridge.events': { label: 'EventBridge events', unit: '' },
  'sqs.standard.requests': { label: 'SQS requests', unit: '' },
  'apigateway.requests': { label: 'API Gateway requests', unit: '' },
  'logs.ingestedBytes': { label: 'CloudWatch Logs ingested', unit: 'KB', scale: 1 / 1024 },
};

export function checkoutCost(level: LevelResult): Figure[] {
  const section = `Cost per 1,000 checkouts (${PRICES_REGION} list prices of ${PRICES_RECORDED_ON}; 1 polling client)`;
  const checkouts = Math.max(1, level.succeeded);
  const cost = costOf(level.usage, 1000 / checkouts);
  const figures: Figure[] = [
    {
      id: 'cost.checkout.total',
      section,
      label: 'total',
      value: cost.totalUsd,
      unit: '$',
      goal: atMost(0.1),
    },
    ...byServiceFigures(cost, 'cost.checkout', section),
  ];
  for (const [dimension, shown] of Object.entries(PER_CHECKOUT_UNITS) as [
    UsageDimension,
    { label: string; unit: string; scale?: number },
  ][]) {
    figures.push({
      id: `usage.checkout.${dimension}`,
      section: 'Usage per checkout (what the cost is made of)',
      label: shown.label,
      value: (level.usage[dimension] * (shown.scale ?? 1)) / checkouts,
      unit: shown.unit,
      note: dimension === 'stepfunctions.standard.transitions' ? USAGE_DIMENSIONS[dimension] : undefined,
    });
  }
  return figures;
}

export function vmHourCost(lifecycle: Usage, billingRun: Usage): Figure[] {
  const section = `Cost per provisioned VM-hour (${PRICES_REGION} list prices of ${PRICES_RECORDED_ON})`;
  const oneHour = costOf(lifecycle);
  const nextHour = costOf(billingRun);
  return [
    {
      id: 'cost.vmHour.first',
      section,
      label: 'a VM that lives one hour (provision, one billing run, deprovision)',
      value: oneHour.totalUsd,
      unit: '$',
    },
    ...byServiceFigures(oneHour, 'cost.vmHour.first', section),
    {
      id: 'cost.vmHour.next',
      section,
      label: 'each further hour (its share of one billing run, alone here)',
      value: nextHour.totalUsd,
      unit: '$',
    },
  ];
}

/** A cost's lines per service (largest first), indented under its total; ids are `<idPrefix>.<ServiceName>`. */
function byServiceFigures(cost: Cost, idPrefix: string, section: string): Figure[] {
  return cost.byService.map(({ service, usd }) => ({
    id: `${idPrefix}.${service.replaceAll(' ', '')}`,
    section,
    label: `  ${service}`,
    value: usd,
    unit: '$',
  }));
}
