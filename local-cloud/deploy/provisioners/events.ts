/**
 * EventBridge buses, rules and archives. Rule targets are translated from CloudFormation's shape to the local
 * EventBridge's; target options the local cloud cannot honour are refused by the EventBridge module itself.
 */
import type { LocalEventBridge, TargetConfig } from '../../eventbridge/index.js';
import type { Provisioner } from '../stack-deployer.js';

interface CfnTarget {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  RoleArn?: string;
  [other: string]: unknown;
}

const TARGET_MEMBERS = new Set([
  'Id',
  'Arn',
  'Input',
  'InputPath',
  'InputTransformer',
  'RetryPolicy',
  'DeadLetterConfig',
  'SqsParameters',
  'RoleArn',
]);

export function eventBridgeProvisioners(events: LocalEventBridge): Readonly<Record<string, Provisioner>> {
  return {
    'AWS::Events::EventBus': {
      supported: ['Name'],
      withoutEffect: ['Description', 'Tags', 'KmsKeyIdentifier', 'DeadLetterConfig', 'Policy'],
      provision: async (resource) => {
        const name = String(resource.properties.Name);
        const arn = `arn:aws:events:${resource.stack.region}:${resource.stack.accountId}:event-bus/${name}`;
        events.addBus({ name, arn });
        return { ref: name, attributes: { Arn: arn, Name: name } };
      },
    },
    'AWS::Events::Archive': {
      supported: ['SourceArn', 'EventPattern', 'RetentionDays', 'ArchiveName'],
      withoutEffect: ['Description', 'KmsKeyIdentifier'],
      provision: async (resource) => {
        const props = resource.properties as {
          SourceArn: string;
          EventPattern?: unknown;
          RetentionDays?: number;
          ArchiveName?: string;
        };
        const name = props.ArchiveName ?? resource.generatedName(48);
        const arn = `arn:aws:events:${resource.stack.region}:${resource.stack.accountId}:archive/${name}`;
        events.addArchive({
          name,
          arn,
          sourceArn: props.SourceArn,
          eventPattern: props.EventPattern,
          retentionDays: props.RetentionDays,
        });
        return { ref: name, attributes: { Arn: arn } };
      },
    },
    'AWS::Events::Rule': {
      supported: ['EventBusName', 'EventPattern', 'ScheduleExpression', 'State', 'Targets', 'Name'],
      withoutEffect: ['Description', 'RoleArn'],
      provision: async (resource) => {
        const props = resource.properties as {
          EventBusName?: string;
          EventPattern?: unknown;
          ScheduleExpression?: string;
          State?: 'ENABLED' | 'DISABLED';
          Targets?: CfnTarget[];
          Name?: string;
        };
        const name = props.Name ?? resource.generatedName(64);
        const eventBusName = (props.EventBusName ?? 'default').replace(/^arn:aws:events:[^:]+:\d+:event-bus\//, '');
        const arn = `arn:aws:events:${resource.stack.region}:${resource.stack.accountId}:rule/${eventBusName === 'default' ? '' : `${eventBusName}/`}${name}`;
        events.addRule({
          name,
          arn,
          eventBusName,
          state: props.State ?? 'ENABLED',
          eventPattern: props.EventPattern,
          scheduleExpression: props.ScheduleExpression,
          targets: (props.Targets ?? []).map(toTargetConfig),
        });
        return { ref: name, attributes: { Arn: arn } };
      },
    },
  };
}

function toTargetConfig(target: CfnTarget): TargetConfig {
  const unknown = Object.keys(target).filter((member) => !TARGET_MEMBERS.has(member));
  if (unknown.length > 0) throw new Error(`rule target ${target.Id}: ${unknown.join(', ')} not supported`);
  return {
    id: target.Id,
    arn: target.Arn,
    input: target.Input,
    inputPath: target.InputPath,
    inputTransformer: target.InputTransformer
      ? { inputPathsMap: target.InputTransformer.InputPathsMap, inputTemplate: target.InputTransformer.InputTemplate }
      : undefined,
    retryPolicy: target.RetryPolicy
      ? {
          maximumRetryAttempts: target.RetryPolicy.MaximumRetryAttempts,
          maximumEventAgeInSeconds: target.RetryPolicy.MaximumEventAgeInSeconds,
        }
      : undefined,
    deadLetterArn: target.DeadLetterConfig?.Arn,
    sqsMessageGroupId: target.SqsParameters?.MessageGroupId,
  };
}
