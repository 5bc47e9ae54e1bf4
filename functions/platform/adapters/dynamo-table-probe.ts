/**
 * Probes a table with a GetItem on a key that does not exist: one read capacity unit at most, no data returned, and
 * it exercises what requests need (the endpoint, credentials, the table and the function's read permission).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import type { TableProbe } from '../ports/table-probe.js';

const ABSENT_KEY_VALUE = '__health_check__';

/** @param timeoutMs A probe slower than this counts as failed, so the health check answers before API Gateway gives up. */
export function dynamoTableProbe(timeoutMs = 2000): TableProbe {
  return {
    async probe({ tableName, partitionKey, sortKey }) {
      await dynamoDocumentClient().send(
        new GetCommand({
          TableName: tableName,
          Key: { [partitionKey]: ABSENT_KEY_VALUE, ...(sortKey ? { [sortKey]: ABSENT_KEY_VALUE } : {}) },
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
    },
  };
}
