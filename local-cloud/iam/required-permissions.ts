/**
 * What an AWS call needs, from its `X-Amz-Target` and parsed input: one IAM action per resource it touches, with the
 * condition keys the request sets. Operations that are not IAM actions themselves (transactions, SQS batches) need the
 * action of each item, as on AWS.
 */
import type { RequiredPermission } from './authority.js';

export interface Partition {
  readonly region: string;
  readonly account: string;
  /** The state machine a task token belongs to, for `SendTask*`. */
  readonly stateMachineOfTaskToken?: (token: string) => string | undefined;
  /** The customer managed key a queue is encrypted with, if any. */
  readonly keyOfQueue?: (queueArn: string) => string | undefined;
  /** The ARN of the KMS key a key id, key ARN, alias name or alias ARN names, if it exists. */
  readonly kmsKeyArnOf?: (identifier: string) => string | undefined;
  /** The ARN of the KMS key a (base64) symmetric ciphertext blob was sealed with, if it is one of the local KMS. */
  readonly kmsKeyArnOfCiphertext?: (ciphertextBlob: string) => string | undefined;
}

type Input = Record<string, unknown>;

/** `undefined` for a service the local cloud does not check (yet): the call goes through. */
export function requiredPermissions(
  target: string,
  input: Input,
  partition: Partition,
): readonly RequiredPermission[] | undefined {
  const [prefix, operation = ''] = target.split('.');
  switch (prefix) {
    case 'DynamoDB_20120810':
      return dynamoDb(operation, input, partition);
    case 'AmazonSQS':
      return sqs(operation, input, partition);
    case 'AWSEvents':
      return eventBridge(operation, input, partition);
    case 'AWSStepFunctions':
      return stepFunctions(operation, input, partition);
    case 'TrentService':
      return kms(operation, input, partition);
    default:
      return undefined;
  }
}

const arn = (partition: Partition, service: string, resource: string) =>
  `arn:aws:${service}:${partition.region}:${partition.account}:${resource}`;

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

function dynamoDb(operation: string, input: Input, partition: Partition): RequiredPermission[] {
  // A table ARN may stand in `TableName` (and `RequestItems` keys): it is then the resource itself.
  const table = (name: unknown) =>
    typeof name === 'string' && name.startsWith('arn:') ? name : arn(partition, 'dynamodb', `table/${String(name)}`);
  if (operation === 'ListTables') return [{ action: 'dynamodb:ListTables', resource: '*' }];
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    return listIn(input.TransactItems).flatMap((item) =>
      Object.entries(item as Input).map(([kind, request]) => ({
        action: operation === 'TransactGetItems' ? 'dynamodb:GetItem' : (TRANSACT_WRITE_ACTIONS[kind] ?? kind),
        resource: table((request as Input).TableName),
      })),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys((input.RequestItems ?? {}) as Input).map((name) => ({
      action: `dynamodb:${operation}`,
      resource: table(name),
    }));
  }
  const index = typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
  return [{ action: `dynamodb:${operation}`, resource: `${table(input.TableName)}${index}` }];
}

/** `SendMessageBatch` needs `sqs:SendMessage`, and so on. */
const SQS_BATCHES: Readonly<Record<string, string>> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** What a call on an encrypted queue needs of its key, through SQS: the producer a data key, the consumer decryption. */
const QUEUE_KEY_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'sqs:SendMessage': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'sqs:ReceiveMessage': ['kms:Decrypt'],
};

function sqs(operation: string, input: Input, partition: Partition): RequiredPermission[] {
  const action = `sqs:${SQS_BATCHES[operation] ?? operation}`;
  if (operation === 'ListQueues') return [{ action, resource: '*' }];
  const name =
    typeof input.QueueUrl === 'string' ? input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1) : input.QueueName;
  const queue = arn(partition, 'sqs', String(name));
  return [{ action, resource: queue }, ...queueKeyPermissions(action, queue, partition)];
}

/** The key permissions `action` on `queue` needs when the queue is encrypted with a customer managed key. */
export function queueKeyPermissions(action: string, queue: string, partition: Partition): RequiredPermission[] {
  const key = partition.keyOfQueue?.(queue);
  if (!key) return [];
  const context = { 'kms:ViaService': `sqs.${partition.region}.amazonaws.com` };
  return (QUEUE_KEY_ACTIONS[action] ?? []).map((keyAction) => ({ action: keyAction, resource: key, context }));
}

function eventBridge(operation: string, input: Input, partition: Partition): RequiredPermission[] {
  const bus = (nameOrArn: unknown) => {
    const value = typeof nameOrArn === 'string' && nameOrArn.length > 0 ? nameOrArn : 'default';
    return value.startsWith('arn:') ? value : arn(partition, 'events', `event-bus/${value}`);
  };
  if (operation === 'PutEvents') {
    // One permission per entry: each may go to another bus, and each is judged with its own source and detail-type.
    return listIn(input.Entries).map((entry) => {
      const { EventBusName, Source, DetailType } = entry as Input;
      return {
        action: 'events:PutEvents',
        resource: bus(EventBusName),
        context: { 'events:source': [String(Source)], 'events:detail-type': [String(DetailType)] },
      };
    });
  }
  if (typeof input.EventBusName === 'string' || operation.endsWith('EventBus')) {
    return [{ action: `events:${operation}`, resource: bus(input.EventBusName ?? input.Name) }];
  }
  return [{ action: `events:${operation}`, resource: '*' }];
}

function stepFunctions(operation: string, input: Input, partition: Partition): RequiredPermission[] {
  const action = `states:${operation}`;
  if (operation.startsWith('SendTask')) {
    const stateMachine = partition.stateMachineOfTaskToken?.(String(input.taskToken));
    // A token the local cloud never issued, or no longer holds, is the service's to refuse (InvalidToken,
    // TaskTimedOut), not IAM's.
    return stateMachine ? [{ action, resource: stateMachine }] : [];
  }
  const resource = input.executionArn ?? input.stateMachineArn;
  return [{ action, resource: typeof resource === 'string' ? resource : '*' }];
}

/**
 * KMS operations that act on no key: authorized on `*`
 * (https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html).
 */
const KMS_ACCOUNT_OPERATIONS = new Set(['CreateKey', 'ListKeys', 'ListAliases']);

/**
 * KMS is authorized against the key the request resolves to (an alias stands for its key), with the request's
 * encryption context as condition keys. A key the local KMS does not know is the service's to refuse
 * (NotFoundException, InvalidCiphertextException), not IAM's.
 */
function kms(operation: string, input: Input, partition: Partition): RequiredPermission[] {
  const action = `kms:${operation}`;
  if (KMS_ACCOUNT_OPERATIONS.has(operation)) return [{ action, resource: '*' }];
  const keyOf = (identifier: unknown) =>
    typeof identifier === 'string' ? partition.kmsKeyArnOf?.(identifier) : undefined;
  const sourceKey =
    keyOf(operation === 'ReEncrypt' ? input.SourceKeyId : input.KeyId) ??
    (typeof input.CiphertextBlob === 'string' ? partition.kmsKeyArnOfCiphertext?.(input.CiphertextBlob) : undefined);
  if (operation === 'CreateAlias') {
    const key = keyOf(input.TargetKeyId);
    const alias = arn(partition, 'kms', String(input.AliasName));
    return key
      ? [
          { action, resource: alias },
          { action, resource: key },
        ]
      : [];
  }
  if (operation === 'ReEncrypt') {
    const destination = keyOf(input.DestinationKeyId);
    return sourceKey && destination
      ? [
          {
            action: 'kms:ReEncryptFrom',
            resource: sourceKey,
            context: encryptionContextKeys(input.SourceEncryptionContext),
          },
          {
            action: 'kms:ReEncryptTo',
            resource: destination,
            context: encryptionContextKeys(input.DestinationEncryptionContext),
          },
        ]
      : [];
  }
  return sourceKey ? [{ action, resource: sourceKey, context: encryptionContextKeys(input.EncryptionContext) }] : [];
}

/** `kms:EncryptionContext:<key>` for each pair, and `kms:EncryptionContextKeys`. */
function encryptionContextKeys(context: unknown): Record<string, string | readonly string[]> {
  if (typeof context !== 'object' || context === null) return {};
  const pairs = Object.entries(context as Record<string, unknown>);
  if (pairs.length === 0) return {};
  return {
    'kms:EncryptionContextKeys': pairs.map(([key]) => key),
    ...Object.fromEntries(pairs.map(([key, value]) => [`kms:EncryptionContext:${key}`, String(value)])),
  };
}

/** A request's list member; anything else is the service's to refuse, so it needs nothing of IAM. */
const listIn = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
