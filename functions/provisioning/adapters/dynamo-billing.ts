/**
 * Billing's tables. Meters (METERS_TABLE_NAME) are read with a Scan (`dynamodb:Scan`); usage
 * (USAGE_TABLE_NAME, `projectId` + `period`) is written with PutItem (`dynamodb:PutItem`), never read here.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { logger } from '../../../shared/powertools/index.js';
import type { Meter } from '../domain/usage.js';
import type { MeterSource, UsageLedger } from '../ports/billing.js';

const StoredMeter = z.object({
  resourceId: z.string().min(1),
  meterId: z.string().min(1),
  projectId: z.string().min(1),
  tenantId: z.string().min(1),
  srn: z.string().min(1),
  flavor: z.string().min(1),
  ratePerHourMicros: z.int().min(0),
  startedAt: z.iso.datetime({ offset: true }),
  stoppedAt: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Every meter, page by page. A Scan reads the whole table on every run, which is right while meters are few; once
 * they grow, the path is a Query of the `byProject` GSI (pk `projectId`, sk `meterId`) per project, projects coming
 * from the projects table, so a run can also be split per project.
 */
export function dynamoMeterSource(): MeterSource {
  return {
    async all() {
      const meters: Meter[] = [];
      let exclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamoDocumentClient().send(
          new ScanCommand({ TableName: requiredEnv(tableEnv('METERS')), ExclusiveStartKey: exclusiveStartKey }),
        );
        for (const item of page.Items ?? []) {
          const parsed = StoredMeter.safeParse(item);
          // One corrupt meter must not stop every project's billing; it is reported so someone repairs it.
          if (parsed.success) meters.push(parsed.data);
          else
            logger.error('Meter skipped: it does not have the shape billing needs', {
              resourceId: item.resourceId,
              meterId: item.meterId,
              srn: item.srn,
              issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
            });
        }
        exclusiveStartKey = page.LastEvaluatedKey;
      } while (exclusiveStartKey);
      return meters;
    },
  };
}

export function dynamoUsageLedger(): UsageLedger {
  return {
    async put(usage) {
      // Unconditional on purpose: the figures of an hour are a function of the meters, so the latest computation
      // replaces the earlier one (an hour still running grows; a finished hour is rewritten with the same numbers).
      await dynamoDocumentClient().send(
        new PutCommand({
          TableName: requiredEnv(tableEnv('USAGE')),
          Item: {
            projectId: usage.projectId,
            period: usage.period,
            lines: usage.lines,
            totalMicros: usage.totalMicros,
            computedAt: usage.computedAt,
          },
        }),
      );
    },
  };
}
