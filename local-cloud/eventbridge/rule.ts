/**
 * Checks a rule's configuration at boot, the way PutRule / PutTargets would, and prepares it for routing.
 */
import { assertSupportedPattern, type EventPattern, parseEventPattern } from './pattern.js';
import { compileTargetInput, InvalidTargetConfigError, type TargetInputRenderer } from './target-input.js';
import type { RuleConfig, TargetConfig } from './types.js';

export { InvalidTargetConfigError } from './target-input.js';

/** A rule, bus or archive configuration AWS would reject (its Put/Create call answers ValidationException). */
export class InvalidEventBridgeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventBridgeConfigError';
  }
}

/** A rule or target option the local cloud does not emulate; refused so it is never silently ignored. */
export class UnsupportedTargetOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTargetOptionError';
  }
}

interface CompiledTarget {
  readonly config: TargetConfig;
  readonly render: TargetInputRenderer;
}

export interface CompiledRule {
  readonly config: RuleConfig;
  readonly pattern: EventPattern | undefined;
  readonly targets: readonly CompiledTarget[];
}

const SUPPORTED_TARGET_OPTIONS = new Set<string>([
  'id',
  'arn',
  'inputPath',
  'input',
  'inputTransformer',
  'retryPolicy',
  'deadLetterArn',
  'sqsMessageGroupId',
  'roleArn',
]);
const MAX_TARGETS_PER_RULE = 5;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((\S+ ){5}\S+\)$/;

/** Accepts a pattern given as an object or as JSON text. */
export function toEventPattern(pattern: unknown): EventPattern {
  if (typeof pattern === 'string') return parseEventPattern(pattern);
  assertSupportedPattern(pattern);
  return pattern;
}

function checkSchedule(rule: RuleConfig, expression: string): void {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const singular = !(rate[2] ?? '').endsWith('s');
    if (value < 1 || singular !== (value === 1)) {
      throw new InvalidEventBridgeConfigError(`Rule ${rule.name}: invalid ScheduleExpression ${expression}`);
    }
    return;
  }
  if (!CRON.test(expression)) {
    throw new InvalidEventBridgeConfigError(`Rule ${rule.name}: invalid ScheduleExpression ${expression}`);
  }
}

function checkTarget(rule: RuleConfig, target: TargetConfig): CompiledTarget {
  for (const option of Object.keys(target)) {
    if (!SUPPORTED_TARGET_OPTIONS.has(option)) {
      throw new UnsupportedTargetOptionError(
        `Rule ${rule.name}, target ${target.id}: the target option "${option}" is not supported by the local cloud's EventBridge`,
      );
    }
  }
  if (!target.id || !target.arn)
    throw new InvalidTargetConfigError(`Rule ${rule.name}: every target needs an id and an arn`);
  const retry = target.retryPolicy;
  if (retry?.maximumRetryAttempts !== undefined) {
    const attempts = retry.maximumRetryAttempts;
    if (!Number.isInteger(attempts) || attempts < 0 || attempts > 185) {
      throw new InvalidTargetConfigError(`Target ${target.id}: MaximumRetryAttempts must be an integer from 0 to 185`);
    }
  }
  if (retry?.maximumEventAgeInSeconds !== undefined) {
    const age = retry.maximumEventAgeInSeconds;
    if (!Number.isInteger(age) || age < 60 || age > 86_400) {
      throw new InvalidTargetConfigError(
        `Target ${target.id}: MaximumEventAgeInSeconds must be an integer from 60 to 86400`,
      );
    }
  }
  if (target.deadLetterArn !== undefined && !target.deadLetterArn.startsWith('arn:aws:sqs:')) {
    throw new InvalidTargetConfigError(`Target ${target.id}: the dead-letter queue must be an SQS queue ARN`);
  }
  if (target.arn.startsWith('arn:aws:sqs:') && target.arn.endsWith('.fifo') && target.sqsMessageGroupId === undefined) {
    throw new InvalidTargetConfigError(
      `Target ${target.id}: SqsParameters (MessageGroupId) must be specified for a FIFO queue`,
    );
  }
  return { config: target, render: compileTargetInput(target) };
}

/** Validates a rule (pattern, schedule, targets) and prepares its targets' input rendering. */
export function compileRule(rule: RuleConfig): CompiledRule {
  if (rule.eventPattern === undefined && rule.scheduleExpression === undefined) {
    throw new InvalidEventBridgeConfigError(
      `Rule ${rule.name}: either an EventPattern or a ScheduleExpression is required`,
    );
  }
  if (rule.scheduleExpression !== undefined) {
    if (rule.eventBusName !== 'default') {
      throw new InvalidEventBridgeConfigError(
        `Rule ${rule.name}: ScheduleExpression is supported only on the default event bus`,
      );
    }
    checkSchedule(rule, rule.scheduleExpression);
  }
  if (rule.state !== 'ENABLED' && rule.state !== 'DISABLED') {
    throw new InvalidEventBridgeConfigError(`Rule ${rule.name}: State must be ENABLED or DISABLED`);
  }
  const pattern = rule.eventPattern === undefined ? undefined : toEventPattern(rule.eventPattern);
  if (rule.targets.length > MAX_TARGETS_PER_RULE) {
    throw new InvalidEventBridgeConfigError(`Rule ${rule.name}: at most ${MAX_TARGETS_PER_RULE} targets per rule`);
  }
  const ids = new Set<string>();
  const targets = rule.targets.map((target) => {
    if (ids.has(target.id))
      throw new InvalidEventBridgeConfigError(`Rule ${rule.name}: duplicate target id ${target.id}`);
    ids.add(target.id);
    return checkTarget(rule, target);
  });
  return { config: rule, pattern, targets };
}
