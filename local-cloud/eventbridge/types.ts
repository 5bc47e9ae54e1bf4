/**
 * The plain, already resolved configuration the integrator hands to the EventBridge emulation (read from the
 * synthesized CloudFormation template), and the envelope of the events it routes.
 */

/** An event bus. The `default` bus exists without being configured, as in every AWS account. */
export interface EventBusConfig {
  name: string;
  arn: string;
}

/** Retry policy of one target (AWS defaults: 185 attempts, 86 400 s). */
export interface RetryPolicyConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
}

export interface InputTransformerConfig {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

export interface TargetConfig {
  id: string;
  arn: string;
  inputPath?: string;
  input?: string;
  inputTransformer?: InputTransformerConfig;
  retryPolicy?: RetryPolicyConfig;
  /** ARN of the SQS queue receiving events whose delivery failed for good. */
  deadLetterArn?: string;
  /** Required for FIFO queue targets (`SqsParameters.MessageGroupId`). */
  sqsMessageGroupId?: string;
  /** Accepted and not used: the local cloud does not emulate IAM, so the role EventBridge assumes does not matter. */
  roleArn?: string;
}

export interface RuleConfig {
  name: string;
  arn: string;
  eventBusName: string;
  state: 'ENABLED' | 'DISABLED';
  /** The pattern as an object, or as the JSON text CloudFormation and the API carry. */
  eventPattern?: unknown;
  scheduleExpression?: string;
  description?: string;
  targets: TargetConfig[];
}

export interface ArchiveConfig {
  name: string;
  arn: string;
  /** ARN of the bus whose events the archive keeps. */
  sourceArn: string;
  eventPattern?: unknown;
  /** 0 or absent: keep forever. */
  retentionDays?: number;
  description?: string;
}

/** What a target receives (before any input transformation): the event as AWS builds it. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Present on events re-sent by a replay, naming the replay. */
  'replay-name'?: string;
}

/** Options passed with one delivery. Dispatchers that only read `sqsMessageGroupId` can ignore the rest. */
export interface DeliveryOptions {
  sqsMessageGroupId?: string;
  /** Set for FIFO targets: AWS uses the event id as the deduplication id. */
  messageDeduplicationId?: string;
  /** SQS message attributes; set on dead-letter deliveries (ERROR_CODE, ERROR_MESSAGE, RULE_ARN, TARGET_ARN, ...). */
  messageAttributes?: Record<string, string>;
  /**
   * Set on the deliveries of a matched event to its target, unset on dead-letter deliveries: the event's id (a
   * transformed input may not carry it) and how many attempts of this delivery failed before this one.
   */
  attempt?: { eventId: string; retries: number };
  /** The rule on whose behalf EventBridge delivers: the `aws:SourceArn` the target's resource policy is judged with. */
  ruleArn?: string;
}

/** Delivers a rule target's input to the service the ARN names (SQS, Lambda, Step Functions...); throws on failure. */
export interface TargetDispatcher {
  deliver(targetArn: string, input: string, options: DeliveryOptions): Promise<void>;
}

/** The ISO 8601 form AWS uses in events: seconds precision, `Z`. */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
