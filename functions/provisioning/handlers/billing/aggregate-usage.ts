/**
 * The hourly billing job, the target of an EventBridge schedule rule (or invoked directly with such an event).
 * Needs METERS_TABLE_NAME (Scan) and USAGE_TABLE_NAME (PutItem).
 */
import middy from '@middy/core';
import { ScheduledEvent } from '../../../../shared/contracts/scheduled-event.js';
import { ValidationError } from '../../../../shared/errors.js';
import { zodIssues } from '../../../../shared/http/zod-issues.js';
import { bindCorrelationId } from '../../../../shared/powertools/index.js';
import { observability } from '../../../../shared/powertools/middlewares.js';
import { dynamoMeterSource, dynamoUsageLedger } from '../../adapters/dynamo-billing.js';
import { aggregateUsage } from '../../use-cases/aggregate-usage.js';

export const handler = middy(async (event: unknown) => {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) throw new ValidationError('The billing job expects a scheduled event', zodIssues(parsed.error));
  bindCorrelationId(parsed.data.id);
  return aggregateUsage({ asOf: parsed.data.time }, { meters: dynamoMeterSource(), usage: dynamoUsageLedger() });
}).use(observability());
