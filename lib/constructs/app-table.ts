import { Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KEEP_EVERYTHING, type StageSettings } from './stage-settings.js';

export interface AppTableProps {
  /** Partition key attribute (a string). */
  readonly partitionKey: string;
  /** Sort key attribute (a string). @default no sort key */
  readonly sortKey?: string;
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes expired items. @default no TTL */
  readonly timeToLiveAttribute?: string;
  /** Encrypts the table at rest. */
  readonly encryptionKey: IKey;
  /** Global secondary indexes with string keys, projecting all attributes. @default none */
  readonly indexes?: ReadonlyArray<{ readonly name: string; readonly partitionKey: string; readonly sortKey?: string }>;
  /** The stage's data protection: point-in-time recovery, deletion protection, removal policy. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
}

/**
 * An on-demand DynamoDB table with the stage's data protection: point-in-time recovery, deletion protection and
 * removal policy all come from `lib/config/stages.ts` (prod retains, dev destroys), encrypted with the platform key.
 * Keys are plain strings so that every table reads the same in code and in the local cloud.
 *
 * @example
 * const orders = new AppTable(this, 'Orders', { partitionKey: 'orderId', encryptionKey });
 */
export class AppTable extends Construct {
  readonly table: ITableV2;

  constructor(scope: Construct, id: string, props: AppTableProps) {
    super(scope, id);
    const stage = props.stage ?? KEEP_EVERYTHING;
    const table = new TableV2(this, 'Table', {
      partitionKey: { name: props.partitionKey, type: AttributeType.STRING },
      sortKey: props.sortKey ? { name: props.sortKey, type: AttributeType.STRING } : undefined,
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(props.encryptionKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stage.pointInTimeRecovery },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
      timeToLiveAttribute: props.timeToLiveAttribute,
      globalSecondaryIndexes: props.indexes?.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: index.sortKey ? { name: index.sortKey, type: AttributeType.STRING } : undefined,
      })),
    });
    if (!stage.pointInTimeRecovery) {
      Validations.of(table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason: `Stage ${stage.name} holds disposable data; staging and prod enable point-in-time recovery.`,
      });
    }
    this.table = table;
  }
}
