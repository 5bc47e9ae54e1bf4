/**
 * Table descriptions as DynamoDB sends them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html): dynalite's carry a
 * `TableThroughputModeSummary` AWS does not send, and lack `DeletionProtectionEnabled` and `WarmThroughput`.
 */
import { AwsServiceError } from '../aws-protocol.js';
import { dynamoDbError, shortErrorName } from './errors.js';

/** The warm throughput DynamoDB reports for a new on-demand table (developerguide/pre-warming-on-demand-capacity-mode.html). */
const ON_DEMAND_WARM_THROUGHPUT = { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 };

type Description = Record<string, unknown>;

/** The answer of a table operation with its description(s) in AWS's shape. */
export function withAwsTableDescription(operation: string, result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const answer = result as Record<string, unknown>;
  const member = operation === 'DescribeTable' ? 'Table' : 'TableDescription';
  const description = answer[member];
  if (typeof description !== 'object' || description === null) return result;
  return { ...answer, [member]: awsDescription(description as Description) };
}

function awsDescription(description: Description): Description {
  const { TableThroughputModeSummary: _notSentByAws, ...rest } = description;
  const onDemand = (rest.BillingModeSummary as { BillingMode?: string } | undefined)?.BillingMode === 'PAY_PER_REQUEST';
  const provisioned = rest.ProvisionedThroughput as { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  const warm = onDemand
    ? ON_DEMAND_WARM_THROUGHPUT
    : { ReadUnitsPerSecond: provisioned?.ReadCapacityUnits, WriteUnitsPerSecond: provisioned?.WriteCapacityUnits };
  return {
    ...rest,
    DeletionProtectionEnabled: rest.DeletionProtectionEnabled ?? false,
    WarmThroughput: { ...warm, Status: rest.TableStatus },
  };
}

/** dynalite answers CreateTable on an existing table with an empty message; AWS names the table. */
export function withAwsCreateTableError(error: unknown, input: Record<string, unknown>): unknown {
  if (!(error instanceof AwsServiceError) || shortErrorName(error) !== 'ResourceInUseException') return error;
  if (error.message !== '') return error;
  return dynamoDbError('ResourceInUseException', `Table already exists: ${String(input.TableName)}`);
}
