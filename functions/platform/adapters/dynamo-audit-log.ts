/**
 * The audit table (AUDIT_TABLE_NAME, `srn` + `sk`). The appender needs `dynamodb:PutItem` only: it never updates or
 * deletes, and it learns what an existing record holds from the refused write itself
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), not from a read. The reader needs `dynamodb:Query` only.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import type { AuditRecord } from '../domain/audit.js';
import type { AuditAppender, AuditReader } from '../ports/audit-log.js';

/** A resource's trail is a handful of records; the cap only guards against a runaway loop (each page is up to 1 MB). */
const MAX_TRAIL_PAGES = 20;

export function dynamoAuditAppender(): AuditAppender {
  return {
    async append(record) {
      try {
        await dynamoDocumentClient().send(
          new PutCommand({
            TableName: requiredEnv('AUDIT_TABLE_NAME'),
            Item: record,
            ConditionExpression: 'attribute_not_exists(srn)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { status: 'APPENDED' };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // The document client converts results, not errors: the item comes back in DynamoDB's attribute-value form.
        const item = (error as Error & { Item?: Record<string, AttributeValue> }).Item;
        return {
          status: 'ALREADY_EXISTS',
          existing: item ? (fromAttributeMap(item) as unknown as AuditRecord) : undefined,
        };
      }
    },
  };
}

export function dynamoAuditReader(): AuditReader {
  return {
    async trail(srn) {
      const records: AuditRecord[] = [];
      let exclusiveStartKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_TRAIL_PAGES; page++) {
        const response = await dynamoDocumentClient().send(
          new QueryCommand({
            TableName: requiredEnv('AUDIT_TABLE_NAME'),
            KeyConditionExpression: 'srn = :srn',
            ExpressionAttributeValues: { ':srn': srn },
            // The sort key starts with the ISO time: descending is newest first.
            ScanIndexForward: false,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        );
        records.push(...((response.Items ?? []) as AuditRecord[]));
        exclusiveStartKey = response.LastEvaluatedKey;
        if (!exclusiveStartKey) break;
      }
      return records;
    },
  };
}

/** DynamoDB attribute values to plain values (the subset a document-client write produces, plus sets). */
export function fromAttributeMap(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, fromAttributeValue(value)]));
}

function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromAttributeMap(value.M);
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return [...value.BS];
  return undefined;
}
