/**
 * Turns the resolved CloudFormation properties of an `AWS::DynamoDB::Table` into a dynalite `CreateTable` request,
 * sorting every property into emulated, accepted without effect, or refused.
 */
import { UnsupportedTablePropertyError } from './errors.js';
import type { TimeToLiveConfig } from './time-to-live.js';

interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

interface AttributeDefinition {
  AttributeName: string;
  AttributeType: 'S' | 'N' | 'B';
}

interface Projection {
  ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}

/** Numbers may arrive as strings once intrinsics are resolved. */
interface ProvisionedThroughput {
  ReadCapacityUnits: number | string;
  WriteCapacityUnits: number | string;
}

interface SecondaryIndexProps {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection?: Projection;
  ProvisionedThroughput?: ProvisionedThroughput;
  [property: string]: unknown;
}

/** The resolved `Properties` of an `AWS::DynamoDB::Table` resource. */
export interface TableProps {
  KeySchema: KeySchemaElement[];
  AttributeDefinitions?: AttributeDefinition[];
  GlobalSecondaryIndexes?: SecondaryIndexProps[];
  LocalSecondaryIndexes?: SecondaryIndexProps[];
  BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST';
  ProvisionedThroughput?: ProvisionedThroughput;
  TimeToLiveSpecification?: { AttributeName?: string; Enabled: boolean | string };
  TableName?: string;
  [property: string]: unknown;
}

const EMULATED_TABLE_PROPERTIES = new Set([
  'TableName',
  'KeySchema',
  'AttributeDefinitions',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
  'TimeToLiveSpecification',
]);

/**
 * Table properties accepted although they have no local behaviour (see docs/local-cloud/dynamodb.md).
 * @public Part of the service's API (index.ts).
 */
export const TABLE_PROPERTIES_ACCEPTED_WITHOUT_EFFECT: readonly string[] = [
  'SSESpecification',
  'PointInTimeRecoverySpecification',
  'PointInTimeRecoveryEnabled',
  'DeletionProtectionEnabled',
  'TableClass',
  'Tags',
  'ContributorInsightsSpecification',
  'OnDemandThroughput',
  'WarmThroughput',
  'ResourcePolicy',
];

/** Properties whose behaviour the application could rely on but which are not emulated, with the reason. */
const UNSUPPORTED_TABLE_PROPERTIES: Record<string, string> = {
  StreamSpecification: 'DynamoDB Streams are not emulated, so no stream records would ever be produced',
  KinesisStreamSpecification: 'Kinesis Data Streams are not emulated',
  ImportSourceSpecification: 'importing table data from S3 is not emulated',
};

const EMULATED_INDEX_PROPERTIES = new Set(['IndexName', 'KeySchema', 'Projection', 'ProvisionedThroughput']);
const INDEX_PROPERTIES_ACCEPTED_WITHOUT_EFFECT = new Set([
  'ContributorInsightsSpecification',
  'OnDemandThroughput',
  'WarmThroughput',
]);

export interface TableDefinition {
  tableName: string;
  createTableInput: Record<string, unknown>;
  timeToLive: TimeToLiveConfig | undefined;
  /** Property paths present in the template that are accepted but change nothing locally. */
  acceptedWithoutEffect: string[];
}

/** Reads a template table; throws `UnsupportedTablePropertyError` for a property that is not emulated. */
export function tableDefinitionFromTemplate(tableName: string, props: TableProps): TableDefinition {
  const acceptedWithoutEffect: string[] = [];
  for (const [property, value] of Object.entries(props)) {
    if (value === undefined || EMULATED_TABLE_PROPERTIES.has(property)) continue;
    if (TABLE_PROPERTIES_ACCEPTED_WITHOUT_EFFECT.includes(property)) {
      acceptedWithoutEffect.push(property);
      continue;
    }
    const reason = UNSUPPORTED_TABLE_PROPERTIES[property] ?? 'unknown property, so its effect cannot be emulated';
    throw new UnsupportedTablePropertyError(tableName, property, reason);
  }
  const indexes = (kind: 'GlobalSecondaryIndexes' | 'LocalSecondaryIndexes') =>
    props[kind]?.map((index, position) => {
      const { ProvisionedThroughput: throughput, ...rest } = index;
      for (const property of Object.keys(rest)) {
        const path = `${kind}[${position}].${property}`;
        if (kind === 'GlobalSecondaryIndexes' && INDEX_PROPERTIES_ACCEPTED_WITHOUT_EFFECT.has(property)) {
          acceptedWithoutEffect.push(path);
          delete rest[property];
        } else if (!EMULATED_INDEX_PROPERTIES.has(property)) {
          throw new UnsupportedTablePropertyError(tableName, path, 'not emulated for secondary indexes');
        }
      }
      return { ...rest, ...(throughput ? { ProvisionedThroughput: numericThroughput(throughput) } : {}) };
    });
  const createTableInput: Record<string, unknown> = {
    TableName: tableName,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    GlobalSecondaryIndexes: indexes('GlobalSecondaryIndexes'),
    LocalSecondaryIndexes: indexes('LocalSecondaryIndexes'),
    BillingMode: props.BillingMode,
    ProvisionedThroughput: props.ProvisionedThroughput ? numericThroughput(props.ProvisionedThroughput) : undefined,
  };
  return { tableName, createTableInput, timeToLive: timeToLiveOf(tableName, props), acceptedWithoutEffect };
}

/** The parts of a `DescribeTable` answer this module reads. */
export interface DescribedTable {
  TableArn?: string;
  TableStatus?: string;
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: SecondaryIndexProps[];
  LocalSecondaryIndexes?: SecondaryIndexProps[];
}

/** What differs, in keys or indexes, between a persisted table and the template's definition; undefined when none. */
export function definitionDifference(existing: DescribedTable, definition: TableDefinition): string | undefined {
  const wanted = definition.createTableInput as unknown as DescribedTable;
  const comparisons: Array<[string, string, string]> = [
    ['key schema', describeKeys(existing.KeySchema), describeKeys(wanted.KeySchema)],
    [
      'global secondary indexes',
      describeIndexes(existing.GlobalSecondaryIndexes),
      describeIndexes(wanted.GlobalSecondaryIndexes),
    ],
    [
      'local secondary indexes',
      describeIndexes(existing.LocalSecondaryIndexes),
      describeIndexes(wanted.LocalSecondaryIndexes),
    ],
  ];
  const differences = comparisons
    .filter(([, stored, template]) => stored !== template)
    .map(([what, stored, template]) => `${what}: stored ${stored || 'none'}, template ${template || 'none'}`);
  return differences.length > 0 ? differences.join('; ') : undefined;
}

function describeKeys(keySchema: KeySchemaElement[] = []): string {
  return keySchema.map((element) => `${element.KeyType}:${element.AttributeName}`).join(',');
}

function describeIndexes(indexes: SecondaryIndexProps[] = []): string {
  return indexes
    .map((index) => {
      const projection = index.Projection ?? {};
      const nonKey = [...(projection.NonKeyAttributes ?? [])].sort().join('|');
      return `${index.IndexName}(${describeKeys(index.KeySchema)} ${projection.ProjectionType ?? 'ALL'}${nonKey ? ` ${nonKey}` : ''})`;
    })
    .sort()
    .join(' ');
}

function numericThroughput(throughput: ProvisionedThroughput): {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
} {
  return {
    ReadCapacityUnits: Number(throughput.ReadCapacityUnits),
    WriteCapacityUnits: Number(throughput.WriteCapacityUnits),
  };
}

function timeToLiveOf(tableName: string, props: TableProps): TimeToLiveConfig | undefined {
  const specification = props.TimeToLiveSpecification;
  if (!specification) return undefined;
  const enabled = specification.Enabled === true || specification.Enabled === 'true';
  if (!enabled) return undefined;
  if (!specification.AttributeName) {
    throw new UnsupportedTablePropertyError(
      tableName,
      'TimeToLiveSpecification',
      'AttributeName is required when Enabled is true',
    );
  }
  return { attributeName: specification.AttributeName, enabled };
}
