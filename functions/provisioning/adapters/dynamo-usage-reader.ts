/** Usage (USAGE_TABLE_NAME, `projectId` + `period`), written by the billing worker; this only queries it. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import type { UsageLine } from '../../../shared/contracts/provisioning-api.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { UsagePeriodRecord, UsageReader } from '../ports/usage-reader.js';

/** A year of hours is under 9000 items; the cap only guards against a runaway loop. */
const MAX_PAGES = 100;

export function dynamoUsageReader(): UsageReader {
  return {
    async periodsOf(projectId) {
      const periods: UsagePeriodRecord[] = [];
      let exclusiveStartKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const response = await dynamoDocumentClient().send(
          new QueryCommand({
            TableName: requiredEnv(tableEnv('USAGE')),
            KeyConditionExpression: 'projectId = :projectId',
            ExpressionAttributeValues: { ':projectId': projectId },
            // Periods sort as text in time order (`YYYY-MM-DDTHH`), so the sort key gives oldest first.
            ScanIndexForward: true,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        for (const item of response.Items ?? []) periods.push(toPeriod(item));
        exclusiveStartKey = response.LastEvaluatedKey;
        if (!exclusiveStartKey) break;
      }
      return periods;
    },
  };
}

function toPeriod(item: Record<string, unknown>): UsagePeriodRecord {
  const lines = Array.isArray(item.lines) ? (item.lines as Array<Record<string, unknown>>) : [];
  return {
    projectId: String(item.projectId),
    period: String(item.period),
    lines: lines.map(
      (line): UsageLine => ({
        resourceId: String(line.resourceId),
        srn: String(line.srn),
        flavor: String(line.flavor),
        seconds: Number(line.seconds ?? 0),
        amountMicros: Number(line.amountMicros ?? 0),
      }),
    ),
    totalMicros: Number(item.totalMicros ?? 0),
  };
}
