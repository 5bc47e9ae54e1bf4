/**
 * DynamoDB tables. CDK's TableV2 synthesizes `AWS::DynamoDB::GlobalTable`; with its single replica in the stack's
 * region it is an ordinary table, so it is mapped onto the Table properties the local DynamoDB understands.
 * More than one replica is a global table, which the local cloud does not emulate.
 */
import type { LocalDynamoDb, TableProps } from '../../dynamodb/index.js';
import type { Provisioner, ResourceToProvision } from '../stack-deployer.js';

const TABLE_ATTRIBUTES = [
  'AttributeDefinitions',
  'KeySchema',
  'BillingMode',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'TimeToLiveSpecification',
  'StreamSpecification',
  'ProvisionedThroughput',
];

export function dynamoDbProvisioners(dynamodb: LocalDynamoDb): Readonly<Record<string, Provisioner>> {
  const create = async (resource: ResourceToProvision, props: Record<string, unknown>) => {
    const tableName = String(props.TableName ?? resource.generatedName(255));
    const created = await dynamodb.createTable(tableName, props as TableProps);
    return { ref: tableName, attributes: { Arn: created.tableArn, StreamArn: undefined } };
  };
  return {
    'AWS::DynamoDB::Table': {
      // The local DynamoDB validates every table property itself and refuses the ones it cannot emulate.
      supported: [
        ...TABLE_ATTRIBUTES,
        'TableName',
        'SSESpecification',
        'PointInTimeRecoverySpecification',
        'PointInTimeRecoveryEnabled',
        'DeletionProtectionEnabled',
        'TableClass',
        'Tags',
        'ContributorInsightsSpecification',
        'KinesisStreamSpecification',
        'ImportSourceSpecification',
        'OnDemandThroughput',
        'WarmThroughput',
        'ResourcePolicy',
      ],
      provision: (resource) => create(resource, resource.properties),
    },
    'AWS::DynamoDB::GlobalTable': {
      supported: [
        ...TABLE_ATTRIBUTES,
        'TableName',
        'Replicas',
        'SSESpecification',
        'WriteProvisionedThroughputSettings',
        'WriteOnDemandThroughputSettings',
        'WarmThroughput',
      ],
      provision: async (resource) => {
        const {
          Replicas,
          SSESpecification,
          WriteProvisionedThroughputSettings,
          WriteOnDemandThroughputSettings,
          WarmThroughput,
          ...table
        } = resource.properties as Record<string, unknown> & { Replicas?: Array<Record<string, unknown>> };
        const replicas = Replicas ?? [];
        if (replicas.length !== 1 || replicas[0]?.Region !== resource.stack.region) {
          throw new Error(
            `a global table with replicas in ${replicas.map((replica) => replica.Region).join(', ')} is not emulated; only one replica in ${resource.stack.region}`,
          );
        }
        const {
          Region: _region,
          GlobalSecondaryIndexes: _replicaIndexSettings,
          ...replica
        } = replicas[0] as Record<string, unknown>;
        const sse = SSESpecification as { SSEEnabled?: boolean } | undefined;
        return create(resource, {
          ...table,
          ...replica,
          ...(sse ? { SSESpecification: { SSEEnabled: sse.SSEEnabled } } : {}),
        });
      },
    },
  };
}
