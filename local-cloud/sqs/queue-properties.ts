/**
 * Turns the resolved CloudFormation `AWS::SQS::Queue` Properties into SQS `CreateQueue` attributes and tags,
 * refusing what AWS would refuse and what the local cloud cannot reproduce.
 */
import { QueueConfigurationError, UnsupportedQueuePropertyError } from './errors.js';

/**
 * `RedrivePolicy` as CloudFormation accepts it: an object, or the same as a JSON string.
 * @public Part of the service's API (index.ts).
 */
export interface RedrivePolicyProperty {
  deadLetterTargetArn: string;
  maxReceiveCount: number | string;
}

/**
 * `RedriveAllowPolicy` as CloudFormation accepts it: an object, or the same as a JSON string.
 * @public Part of the service's API (index.ts).
 */
export interface RedriveAllowPolicyProperty {
  redrivePermission: 'allowAll' | 'denyAll' | 'byQueue';
  sourceQueueArns?: string[];
}

type Numeric = number | string;
type Flag = boolean | 'true' | 'false';

/** The resolved `Properties` of an `AWS::SQS::Queue` (intrinsics already replaced by concrete values). */
export interface QueueProps {
  QueueName?: string;
  FifoQueue?: Flag;
  ContentBasedDeduplication?: Flag;
  DelaySeconds?: Numeric;
  MaximumMessageSize?: Numeric;
  MessageRetentionPeriod?: Numeric;
  ReceiveMessageWaitTimeSeconds?: Numeric;
  VisibilityTimeout?: Numeric;
  RedrivePolicy?: RedrivePolicyProperty | string;
  RedriveAllowPolicy?: RedriveAllowPolicyProperty | string;
  KmsMasterKeyId?: string;
  KmsDataKeyReusePeriodSeconds?: Numeric;
  SqsManagedSseEnabled?: Flag;
  Tags?: { Key: string; Value: string }[];
  DeduplicationScope?: 'queue' | 'messageGroup';
  FifoThroughputLimit?: 'perQueue' | 'perMessageGroupId';
}

/** What `CreateQueue` needs, plus the parsed redrive settings the caller checks against other queues. */
export interface QueueDefinition {
  name: string;
  fifo: boolean;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
  redriveAllowPolicy?: { redrivePermission: string; sourceQueueArns: string[] };
}

const NUMERIC_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'KmsDataKeyReusePeriodSeconds',
] as const;

/** Accepted and passed to fauxqs, which stores them without encrypting anything. */
const ENCRYPTION_ATTRIBUTES = ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled'] as const;

const KNOWN_PROPERTIES = new Set<string>([
  'QueueName',
  'FifoQueue',
  'ContentBasedDeduplication',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'Tags',
  'DeduplicationScope',
  'FifoThroughputLimit',
  ...NUMERIC_ATTRIBUTES,
  ...ENCRYPTION_ATTRIBUTES,
]);

const FIFO_ONLY_PROPERTIES = ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'] as const;

/** Validates `props` for a queue called `physicalName` and converts them; throws on anything refused. */
export function toQueueDefinition(physicalName: string, props: QueueProps): QueueDefinition {
  const fail = (message: string) => new QueueConfigurationError(physicalName, message);
  const present = Object.entries(props).filter(([, value]) => value !== undefined && value !== null);
  for (const [property] of present) {
    if (!KNOWN_PROPERTIES.has(property)) {
      throw new UnsupportedQueuePropertyError(
        physicalName,
        property,
        'not an AWS::SQS::Queue property the local cloud knows',
      );
    }
  }
  if (props.QueueName !== undefined && props.QueueName !== physicalName) {
    throw fail(`QueueName ${props.QueueName} differs from the physical name`);
  }
  const fifo = toFlag(physicalName, 'FifoQueue', props.FifoQueue) ?? false;
  if (fifo !== physicalName.endsWith('.fifo')) {
    throw fail(fifo ? 'a FIFO queue name must end with .fifo' : 'a queue name ending in .fifo needs FifoQueue: true');
  }
  if (!fifo) {
    const fifoOnly = FIFO_ONLY_PROPERTIES.find((property) => props[property] !== undefined);
    if (fifoOnly) throw fail(`${fifoOnly} is only valid on FIFO queues`);
  }

  const attributes: Record<string, string> = {};
  if (fifo) attributes.FifoQueue = 'true';
  const contentBasedDeduplication = toFlag(physicalName, 'ContentBasedDeduplication', props.ContentBasedDeduplication);
  if (contentBasedDeduplication !== undefined) attributes.ContentBasedDeduplication = String(contentBasedDeduplication);
  for (const property of NUMERIC_ATTRIBUTES) {
    const value = props[property];
    if (value === undefined) continue;
    const number = Number(value);
    if (!Number.isInteger(number)) throw fail(`${property} must be an integer, got ${JSON.stringify(value)}`);
    attributes[property] = String(number);
  }
  if (props.KmsMasterKeyId !== undefined) attributes.KmsMasterKeyId = props.KmsMasterKeyId;
  const sqsManagedSse = toFlag(physicalName, 'SqsManagedSseEnabled', props.SqsManagedSseEnabled);
  if (sqsManagedSse !== undefined) attributes.SqsManagedSseEnabled = String(sqsManagedSse);

  if (props.DeduplicationScope !== undefined) {
    if (props.DeduplicationScope === 'messageGroup') {
      // fauxqs keeps one deduplication window per queue; per-group scope would wrongly drop messages that reuse a
      // deduplication ID (or a body, with content-based deduplication) across groups.
      throw new UnsupportedQueuePropertyError(
        physicalName,
        'DeduplicationScope',
        'messageGroup (fauxqs deduplicates across the whole queue)',
      );
    }
    if (props.DeduplicationScope !== 'queue') throw fail(`invalid DeduplicationScope ${props.DeduplicationScope}`);
    attributes.DeduplicationScope = props.DeduplicationScope;
  }
  if (props.FifoThroughputLimit !== undefined) {
    if (props.FifoThroughputLimit !== 'perQueue' && props.FifoThroughputLimit !== 'perMessageGroupId') {
      throw fail(`invalid FifoThroughputLimit ${props.FifoThroughputLimit}`);
    }
    // Only a throughput quota on AWS; locally there is no throttling, so it changes nothing observable.
    attributes.FifoThroughputLimit = props.FifoThroughputLimit;
  }

  const definition: QueueDefinition = { name: physicalName, fifo, attributes, tags: toTags(physicalName, props.Tags) };
  if (props.RedrivePolicy !== undefined) {
    definition.redrivePolicy = toRedrivePolicy(physicalName, props.RedrivePolicy);
    attributes.RedrivePolicy = JSON.stringify(definition.redrivePolicy);
  }
  if (props.RedriveAllowPolicy !== undefined) {
    definition.redriveAllowPolicy = toRedriveAllowPolicy(physicalName, props.RedriveAllowPolicy);
    attributes.RedriveAllowPolicy = JSON.stringify(definition.redriveAllowPolicy);
  }
  return definition;
}

function toFlag(queueName: string, property: string, value: Flag | undefined): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new QueueConfigurationError(queueName, `${property} must be true or false, got ${JSON.stringify(value)}`);
}

function toTags(queueName: string, tags: QueueProps['Tags']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (typeof tag?.Key !== 'string' || typeof tag.Value !== 'string') {
      throw new QueueConfigurationError(
        queueName,
        `every tag needs a string Key and Value, got ${JSON.stringify(tag)}`,
      );
    }
    result[tag.Key] = tag.Value;
  }
  return result;
}

function parseJsonProperty(queueName: string, property: string, value: object | string): Record<string, unknown> {
  if (typeof value !== 'string') return value as Record<string, unknown>;
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new QueueConfigurationError(queueName, `${property} is not valid JSON`);
  }
}

function toRedrivePolicy(queueName: string, value: RedrivePolicyProperty | string) {
  const policy = parseJsonProperty(queueName, 'RedrivePolicy', value);
  const deadLetterTargetArn = policy.deadLetterTargetArn;
  const maxReceiveCount = Number(policy.maxReceiveCount);
  if (typeof deadLetterTargetArn !== 'string' || !deadLetterTargetArn.startsWith('arn:')) {
    throw new QueueConfigurationError(queueName, 'RedrivePolicy.deadLetterTargetArn must be a queue ARN');
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw new QueueConfigurationError(queueName, 'RedrivePolicy.maxReceiveCount must be an integer from 1 to 1000');
  }
  return { deadLetterTargetArn, maxReceiveCount };
}

function toRedriveAllowPolicy(queueName: string, value: RedriveAllowPolicyProperty | string) {
  const policy = parseJsonProperty(queueName, 'RedriveAllowPolicy', value);
  const redrivePermission = policy.redrivePermission;
  const sourceQueueArns = policy.sourceQueueArns ?? [];
  if (redrivePermission !== 'allowAll' && redrivePermission !== 'denyAll' && redrivePermission !== 'byQueue') {
    throw new QueueConfigurationError(
      queueName,
      'RedriveAllowPolicy.redrivePermission must be allowAll, denyAll or byQueue',
    );
  }
  if (!Array.isArray(sourceQueueArns) || !sourceQueueArns.every((arn) => typeof arn === 'string')) {
    throw new QueueConfigurationError(queueName, 'RedriveAllowPolicy.sourceQueueArns must be a list of ARNs');
  }
  if ((redrivePermission === 'byQueue') !== sourceQueueArns.length > 0) {
    throw new QueueConfigurationError(
      queueName,
      'RedriveAllowPolicy.sourceQueueArns goes with redrivePermission byQueue',
    );
  }
  return { redrivePermission, sourceQueueArns: sourceQueueArns as string[] };
}

/** Whether a dead-letter queue's `RedriveAllowPolicy` (as stored in its attributes) lets `sourceArn` use it. */
export function redriveAllowed(redriveAllowPolicy: string | undefined, sourceArn: string): boolean {
  if (!redriveAllowPolicy) return true;
  const policy = JSON.parse(redriveAllowPolicy) as { redrivePermission?: string; sourceQueueArns?: string[] };
  if (policy.redrivePermission === 'denyAll') return false;
  if (policy.redrivePermission === 'byQueue') return (policy.sourceQueueArns ?? []).includes(sourceArn);
  return true;
}
