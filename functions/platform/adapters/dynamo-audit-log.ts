/**
 * The audit table (AUDIT_TABLE_NAME, `srn` + `sk`). The appender needs `dynamodb:PutItem` only: it never updates or
 * deletes, and it learns what an existing record holds from the refused write itself
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), not from a read. The reader needs `dynamodb:Query` only.
 *
 * A record's key holds the event's time, which a retried publisher changes; so each record is written with a guard
 * item keyed on its event id alone (`srn` = `AUDIT_EVENT#<eventId>`, a partition no resource's trail reads), in one
 * transaction: an event id is recorded once, whatever time a repeat carries.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { AuditRecord } from '../domain/audit.js';
import type { AuditAppender, AuditReader } from '../ports/audit-log.js';

/** A resource's trail is a handful of records; the cap only guards against a runaway loop (each page is up to 1 MB). */
const MAX_TRAIL_PAGES = 20;

/** The partition of the guard item that makes an event id recorded once. */
export const AUDIT_EVENT_GUARD_PREFIX = 'AUDIT_EVENT#';

export function dynamoAuditAppender(): AuditAppender {
  return {
    async append(record) {
      const putOnce = (item: object) => ({
        Put: {
          TableName: requiredEnv(tableEnv('AUDIT')),
          Item: item,
          ConditionExpression: 'attribute_not_exists(srn)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      });
      const guard = { srn: `${AUDIT_EVENT_GUARD_PREFIX}${record.eventId}`, sk: 'RECORDED', record };
      try {
        await dynamoDocumentClient().send(
          new TransactWriteCommand({ TransactItems: [putOnce(record), putOnce(guard)] }),
        );
        return { status: 'APPENDED' };
      } catch (error) {
        const refused = refusedItems(error);
        if (!refused) throw error;
        // The record under the same key, else the copy the guard keeps of the event's first record.
        const [sameKey, guardItem] = refused;
        const existing = sameKey ?? (guardItem?.record as Record<string, unknown> | undefined);
        return { status: 'ALREADY_EXISTS', existing: existing as unknown as AuditRecord | undefined };
      }
    },
  };
}

/**
 * For a transaction cancelled by refused conditions only, the item each refusal returned (in order, `undefined` where
 * none); `undefined` for any other error, which the caller rethrows (contention included: the message is retried).
 * The document client converts results, not errors: items come back in DynamoDB's attribute-value form.
 */
function refusedItems(error: unknown): (Record<string, unknown> | undefined)[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons =
    (error as Error & { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] })
      .CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  if (
    !codes.includes('ConditionalCheckFailed') ||
    codes.some((code) => code !== 'ConditionalCheckFailed' && code !== 'None')
  ) {
    return undefined;
  }
  return reasons.map((reason) => (reason.Item ? fromAttributeMap(reason.Item) : undefined));
}

export function dynamoAuditReader(): AuditReader {
  return {
    async trail(srn) {
      const records: AuditRecord[] = [];
      let exclusiveStartKey: Record<string, unknown> | undefined;
      for (let page = 0; page < MAX_TRAIL_PAGES; page++) {
        const response = await dynamoDocumentClient().send(
          new QueryCommand({
            TableName: requiredEnv(tableEnv('AUDIT')),
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
function fromAttributeMap(item: Record<string, AttributeValue>): Record<string, unknown> {
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
