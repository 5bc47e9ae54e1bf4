/**
 * The `AWSEvents` JSON 1.1 wire protocol over the programmatic API: the operations the unchanged AWS SDK's
 * EventBridgeClient sends. Operations that change configuration (PutRule, PutTargets...) are absent on purpose:
 * the configuration comes from the synthesized template, and absent operations answer UnknownOperationException.
 */
import { AwsServiceError, type JsonProtocolApi, requireString } from '../aws-protocol.js';
import type { EventArchive } from './archive.js';
import type { LocalEventBridge } from './event-bus.js';
import { EventPatternError, matchesEventPattern, parseEventPattern } from './pattern.js';
import type { PutEventsRequestEntry } from './put-events.js';
import type { TargetConfig } from './types.js';

const epochSeconds = (date: Date | undefined): number | undefined =>
  date === undefined ? undefined : date.getTime() / 1000;

function toDate(input: Record<string, unknown>, member: string): Date {
  const value = input[member];
  const date =
    typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new AwsServiceError('ValidationException', `${member} is required`);
  return date;
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Offset-based paging: NextToken is the index of the next item. */
function paginate<T>(items: T[], input: Record<string, unknown>): { page: T[]; NextToken?: string } {
  const start = Number(optionalString(input, 'NextToken') ?? '0');
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? input.Limit : 100;
  const page = items.slice(start, start + limit);
  return start + limit < items.length ? { page, NextToken: String(start + limit) } : { page };
}

function wireTarget(target: TargetConfig): Record<string, unknown> {
  return {
    Id: target.id,
    Arn: target.arn,
    ...(target.roleArn === undefined ? {} : { RoleArn: target.roleArn }),
    ...(target.input === undefined ? {} : { Input: target.input }),
    ...(target.inputPath === undefined ? {} : { InputPath: target.inputPath }),
    ...(target.inputTransformer === undefined
      ? {}
      : {
          InputTransformer: {
            InputTemplate: target.inputTransformer.inputTemplate,
            ...(target.inputTransformer.inputPathsMap ? { InputPathsMap: target.inputTransformer.inputPathsMap } : {}),
          },
        }),
    ...(target.retryPolicy === undefined
      ? {}
      : {
          RetryPolicy: {
            MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts,
            MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeInSeconds,
          },
        }),
    ...(target.deadLetterArn === undefined ? {} : { DeadLetterConfig: { Arn: target.deadLetterArn } }),
    ...(target.sqsMessageGroupId === undefined ? {} : { SqsParameters: { MessageGroupId: target.sqsMessageGroupId } }),
  };
}

function wireArchive(archive: EventArchive): Record<string, unknown> {
  return {
    ArchiveName: archive.config.name,
    ArchiveArn: archive.config.arn,
    EventSourceArn: archive.config.sourceArn,
    State: 'ENABLED',
    RetentionDays: archive.config.retentionDays ?? 0,
    SizeBytes: archive.sizeBytes(),
    EventCount: archive.retained().length,
    CreationTime: epochSeconds(archive.creationTime),
    ...(archive.config.description === undefined ? {} : { Description: archive.config.description }),
  };
}

function wireRule(rule: ReturnType<LocalEventBridge['describeRule']>): Record<string, unknown> {
  return {
    Name: rule.name,
    Arn: rule.arn,
    EventBusName: rule.eventBusName,
    State: rule.state,
    ...(rule.eventPattern === undefined ? {} : { EventPattern: rule.eventPattern }),
    ...(rule.scheduleExpression === undefined ? {} : { ScheduleExpression: rule.scheduleExpression }),
    ...(rule.description === undefined ? {} : { Description: rule.description }),
  };
}

/** The `AWSEvents` JSON 1.1 API of `bridge`, for the edge (`jsonApiListener`) and in-process callers. */
export function eventBridgeApi(bridge: LocalEventBridge): JsonProtocolApi {
  return {
    targetPrefix: 'AWSEvents',
    contentType: 'application/x-amz-json-1.1',
    operations: {
      PutEvents: async (input, context) =>
        bridge.putEvents(input.Entries as PutEventsRequestEntry[], context?.entryRefusals),

      ListRules: async (input) => {
        const rules = bridge.listRules({
          eventBusName: optionalString(input, 'EventBusName') ?? 'default',
          namePrefix: optionalString(input, 'NamePrefix') ?? '',
        });
        const { page, NextToken } = paginate(rules, input);
        return { Rules: page.map(wireRule), NextToken };
      },

      DescribeRule: async (input) => {
        const rule = bridge.describeRule(requireString(input, 'Name'), optionalString(input, 'EventBusName'));
        return { ...wireRule(rule), CreatedBy: bridge.account };
      },

      ListTargetsByRule: async (input) => {
        const targets = bridge.listTargetsByRule(requireString(input, 'Rule'), optionalString(input, 'EventBusName'));
        const { page, NextToken } = paginate(targets, input);
        return { Targets: page.map(wireTarget), NextToken };
      },

      DescribeEventBus: async (input) => {
        const bus = bridge.describeEventBus(optionalString(input, 'Name'));
        return { Name: bus.name, Arn: bus.arn };
      },

      ListEventBuses: async (input) => {
        const prefix = optionalString(input, 'NamePrefix') ?? '';
        const buses = bridge.listEventBuses().filter((bus) => bus.name.startsWith(prefix));
        const { page, NextToken } = paginate(buses, input);
        return { EventBuses: page.map((bus) => ({ Name: bus.name, Arn: bus.arn })), NextToken };
      },

      ListArchives: async (input) => {
        const prefix = optionalString(input, 'NamePrefix') ?? '';
        const source = optionalString(input, 'EventSourceArn');
        const archives = bridge
          .listArchives()
          .filter((archive) => archive.config.name.startsWith(prefix))
          .filter((archive) => source === undefined || archive.config.sourceArn === source);
        const { page, NextToken } = paginate(archives, input);
        return { Archives: page.map(wireArchive), NextToken };
      },

      DescribeArchive: async (input) => {
        const archive = bridge.describeArchive(requireString(input, 'ArchiveName'));
        const pattern = archive.config.eventPattern;
        return {
          ...wireArchive(archive),
          ...(pattern === undefined
            ? {}
            : { EventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern) }),
        };
      },

      StartReplay: async (input) => {
        const destination = input.Destination as { Arn?: unknown; FilterArns?: unknown } | undefined;
        if (typeof destination?.Arn !== 'string')
          throw new AwsServiceError('ValidationException', 'Destination.Arn is required');
        const filterArns = Array.isArray(destination.FilterArns) ? (destination.FilterArns as string[]) : undefined;
        const description = optionalString(input, 'Description');
        const started = bridge.startReplay({
          replayName: requireString(input, 'ReplayName'),
          archiveArn: requireString(input, 'EventSourceArn'),
          eventStartTime: toDate(input, 'EventStartTime'),
          eventEndTime: toDate(input, 'EventEndTime'),
          destination: { arn: destination.Arn, ...(filterArns ? { filterArns } : {}) },
          ...(description === undefined ? {} : { description }),
        });
        return {
          ReplayArn: started.replayArn,
          State: started.state,
          ReplayStartTime: epochSeconds(started.replayStartTime),
        };
      },

      DescribeReplay: async (input) => {
        const replay = bridge.describeReplay(requireString(input, 'ReplayName'));
        return {
          ReplayName: replay.replayName,
          ReplayArn: replay.replayArn,
          Description: replay.description,
          State: replay.state,
          StateReason: replay.stateReason,
          EventSourceArn: replay.eventSourceArn,
          Destination: {
            Arn: replay.destination.arn,
            ...(replay.destination.filterArns ? { FilterArns: replay.destination.filterArns } : {}),
          },
          EventStartTime: epochSeconds(replay.eventStartTime),
          EventEndTime: epochSeconds(replay.eventEndTime),
          EventLastReplayedTime: epochSeconds(replay.eventLastReplayedTime),
          ReplayStartTime: epochSeconds(replay.replayStartTime),
          ReplayEndTime: epochSeconds(replay.replayEndTime),
        };
      },

      TestEventPattern: async (input) => {
        try {
          const pattern = parseEventPattern(requireString(input, 'EventPattern'));
          return { Result: matchesEventPattern(pattern, JSON.parse(requireString(input, 'Event'))) };
        } catch (error) {
          if (error instanceof EventPatternError)
            throw new AwsServiceError('InvalidEventPatternException', error.message);
          if (error instanceof SyntaxError) throw new AwsServiceError('ValidationException', 'Event is not valid JSON');
          throw error;
        }
      },
    },
  };
}
