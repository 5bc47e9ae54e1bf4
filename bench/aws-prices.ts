/**
 * The public AWS list prices the cost model uses: us-east-1, on-demand, without free tiers or volume discounts (the
 * first pricing tier of each). One file, so that a price change is one edit. Recorded from the AWS pricing pages
 * below on the date given; check them again before relying on a figure for a budget.
 */
import type { UsageDimension } from '../local-cloud/metering.js';

export const PRICES_RECORDED_ON = '2026-12-01';
export const PRICES_REGION = 'us-east-1';

export interface UnitPrice {
  /** US dollars per one unit of the dimension. */
  readonly usd: number;
  /** Which service the line belongs to, in the cost breakdown. */
  readonly service: string;
  readonly source: string;
}

export const PRICES: Readonly<Record<UsageDimension, UnitPrice>> = {
  'stepfunctions.standard.transitions': {
    usd: 0.025 / 1000,
    service: 'Step Functions',
    source: 'https://aws.amazon.com/step-functions/pricing/ ($0.025 per 1,000 state transitions)',
  },
  'stepfunctions.express.requests': {
    usd: 1.0 / 1_000_000,
    service: 'Step Functions',
    source: 'https://aws.amazon.com/step-functions/pricing/ ($1.00 per million Express requests)',
  },
  'stepfunctions.express.gbSeconds': {
    usd: 0.00001667,
    service: 'Step Functions',
    source: 'https://aws.amazon.com/step-functions/pricing/ ($0.00001667 per GB-second, first tier)',
  },
  'lambda.requests': {
    usd: 0.2 / 1_000_000,
    service: 'Lambda',
    source: 'https://aws.amazon.com/lambda/pricing/ ($0.20 per million requests)',
  },
  'lambda.arm64.gbSeconds': {
    usd: 0.0000133334,
    service: 'Lambda',
    source: 'https://aws.amazon.com/lambda/pricing/ (Arm, $0.0000133334 per GB-second, first tier)',
  },
  'lambda.x86_64.gbSeconds': {
    usd: 0.0000166667,
    service: 'Lambda',
    source: 'https://aws.amazon.com/lambda/pricing/ (x86, $0.0000166667 per GB-second, first tier)',
  },
  'dynamodb.readRequestUnits': {
    usd: 0.125 / 1_000_000,
    service: 'DynamoDB',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.125 per million read request units)',
  },
  'dynamodb.writeRequestUnits': {
    usd: 0.625 / 1_000_000,
    service: 'DynamoDB',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million write request units)',
  },
  'eventbridge.events': {
    usd: 1.0 / 1_000_000,
    service: 'EventBridge',
    source: 'https://aws.amazon.com/eventbridge/pricing/ ($1.00 per million custom events published)',
  },
  'sqs.standard.requests': {
    usd: 0.4 / 1_000_000,
    service: 'SQS',
    source: 'https://aws.amazon.com/sqs/pricing/ ($0.40 per million standard-queue requests)',
  },
  'sqs.fifo.requests': {
    usd: 0.5 / 1_000_000,
    service: 'SQS',
    source: 'https://aws.amazon.com/sqs/pricing/ ($0.50 per million FIFO-queue requests)',
  },
  'apigateway.requests': {
    usd: 3.5 / 1_000_000,
    service: 'API Gateway',
    source: 'https://aws.amazon.com/api-gateway/pricing/ (REST APIs, $3.50 per million requests, first tier)',
  },
  'logs.ingestedBytes': {
    usd: 0.5 / 1024 ** 3,
    service: 'CloudWatch Logs',
    source: 'https://aws.amazon.com/cloudwatch/pricing/ ($0.50 per GB of standard logs ingested)',
  },
};
