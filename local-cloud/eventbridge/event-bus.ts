/**
 * The local EventBridge: buses, rules, archives and replays, fed by PutEvents (programmatic or over the wire) and
 * delivering matched events to rule targets through an injected dispatcher.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';
import { chunks, type UsageMeter } from '../metering.js';
import { EventArchive } from './archive.js';
import { DeliveryQueue, type DeliveryStats } from './delivery.js';
import { matchesEventPattern } from './pattern.js';
import {
  type AcceptedEntry,
  checkEntry,
  checkPutEventsRequest,
  isAccepted,
  type PutEventsRequestEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
} from './put-events.js';
import { type MatchedRule, RecentEvents } from './recent-events.js';
import { type CompiledRule, compileRule, InvalidEventBridgeConfigError, toEventPattern } from './rule.js';
import {
  type ArchiveConfig,
  type EventBusConfig,
  type EventEnvelope,
  isoSeconds,
  type RuleConfig,
  type TargetConfig,
  type TargetDispatcher,
} from './types.js';

export interface LocalEventBridgeOptions {
  dispatcher: TargetDispatcher;
  /** Counts the custom events EventBridge bills. */
  meter?: Pick<UsageMeter, 'add'>;
  /** @default LOCAL_ACCOUNT_ID */
  account?: string;
  /** @default LOCAL_REGION */
  region?: string;
  /** When set, archives are also written to JSON-lines files in this directory and read back on start. */
  persistDir?: string;
  /** First retry delay; doubles per retry, with jitter. @default 1000 */
  retryBaseDelayMs?: number;
  /** Longest single wait between two attempts. @default 60000 */
  retryMaxDelayMs?: number;
  /** How long one event is retried at most, locally, whatever its MaximumEventAgeInSeconds. @default 900000 */
  retryWindowCapMs?: number;
  /** Retries for targets without MaximumRetryAttempts. @default 185 (the AWS default) */
  defaultMaximumRetryAttempts?: number;
  log?: (line: string) => void;
}

/** A rule as ListRules / DescribeRule report it. */
export interface RuleSummary {
  name: string;
  arn: string;
  eventBusName: string;
  state: 'ENABLED' | 'DISABLED';
  /** JSON text, as the API returns it. */
  eventPattern?: string;
  scheduleExpression?: string;
  description?: string;
}

export interface StartReplayInput {
  replayName: string;
  archiveArn: string;
  eventStartTime: Date;
  eventEndTime: Date;
  destination: { arn: string; filterArns?: string[] };
  description?: string;
}

export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface ReplayDescription {
  replayName: string;
  replayArn: string;
  description?: string;
  state: ReplayState;
  stateReason?: string;
  eventSourceArn: string;
  destination: { arn: string; filterArns?: string[] };
  eventStartTime: Date;
  eventEndTime: Date;
  eventLastReplayedTime?: Date;
  replayStartTime: Date;
  replayEndTime?: Date;
}

interface BusState {
  readonly config: EventBusConfig;
  readonly rules: Map<string, CompiledRule>;
  /** The implicit default bus, replaceable by an explicit configuration. */
  readonly implicit: boolean;
}

export class LocalEventBridge {
  readonly account: string;
  readonly region: string;
  private readonly buses = new Map<string, BusState>();
  private readonly archives = new Map<string, EventArchive>();
  private readonly replays = new Map<string, ReplayDescription>();
  private readonly deliveries: DeliveryQueue;
  /** The last events routed, with their matches and deliveries, for the saga console (GET /_local/events/recent). */
  readonly recentEvents = new RecentEvents();
  private readonly log: (line: string) => void;

  constructor(private readonly options: LocalEventBridgeOptions) {
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? LOCAL_REGION;
    this.log = options.log ?? (() => {});
    this.deliveries = new DeliveryQueue(this.recentEvents.watching(options.dispatcher), {
      retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 60_000,
      retryWindowCapMs: options.retryWindowCapMs ?? 15 * 60_000,
      defaultMaximumRetryAttempts: options.defaultMaximumRetryAttempts ?? 185,
      log: this.log,
    });
    const defaultArn = `arn:aws:events:${this.region}:${this.account}:event-bus/default`;
    this.buses.set('default', { config: { name: 'default', arn: defaultArn }, rules: new Map(), implicit: true });
  }

  /** Adds a bus. The `default` bus already exists; configuring it again only replaces its ARN. */
  addBus(config: EventBusConfig): void {
    const existing = this.buses.get(config.name);
    if (existing && !existing.implicit)
      throw new InvalidEventBridgeConfigError(`Event bus ${config.name} is already defined`);
    this.buses.set(config.name, { config, rules: existing?.rules ?? new Map(), implicit: false });
  }

  /** Adds a rule after checking its pattern, schedule and targets as AWS would (throws on anything unsupported). */
  addRule(config: RuleConfig): void {
    const bus = this.buses.get(config.eventBusName);
    if (!bus)
      throw new InvalidEventBridgeConfigError(`Rule ${config.name}: event bus ${config.eventBusName} does not exist`);
    if (bus.rules.has(config.name)) {
      throw new InvalidEventBridgeConfigError(
        `Rule ${config.name} is already defined on event bus ${config.eventBusName}`,
      );
    }
    bus.rules.set(config.name, compileRule(config));
  }

  addArchive(config: ArchiveConfig): void {
    if (this.archives.has(config.name))
      throw new InvalidEventBridgeConfigError(`Archive ${config.name} is already defined`);
    if (![...this.buses.values()].some((bus) => bus.config.arn === config.sourceArn)) {
      throw new InvalidEventBridgeConfigError(`Archive ${config.name}: no event bus has the ARN ${config.sourceArn}`);
    }
    const retention = config.retentionDays;
    if (retention !== undefined && (!Number.isInteger(retention) || retention < 0)) {
      throw new InvalidEventBridgeConfigError(`Archive ${config.name}: RetentionDays must be a non-negative integer`);
    }
    const pattern = config.eventPattern === undefined ? undefined : toEventPattern(config.eventPattern);
    this.archives.set(config.name, new EventArchive(config, pattern, this.options.persistDir));
  }

  /**
   * PutEvents: accepts (archives and queues for delivery) each valid entry and reports per-entry results. Entries in
   * `refusals` (by index: the caller may not publish them, e.g. under that source) fail with the refusal given.
   */
  putEvents(entries: PutEventsRequestEntry[], refusals?: ReadonlyMap<number, PutEventsResultEntry>): PutEventsResult {
    checkPutEventsRequest(entries);
    const result: PutEventsResult = { FailedEntryCount: 0, Entries: [] };
    for (const [index, entry] of entries.entries()) {
      const checked = checkEntry(entry);
      const bus = isAccepted(checked) ? this.findBus(checked.eventBusName) : undefined;
      if (!isAccepted(checked) || !bus) {
        result.FailedEntryCount++;
        result.Entries.push(
          isAccepted(checked)
            ? {
                ErrorCode: 'ResourceNotFoundException',
                ErrorMessage: `Event bus ${checked.eventBusName} does not exist.`,
              }
            : checked,
        );
        continue;
      }
      const refusal = refusals?.get(index);
      if (refusal) {
        result.FailedEntryCount++;
        result.Entries.push(refusal);
        continue;
      }
      const ingestionTime = new Date();
      const event = this.envelope(checked, ingestionTime);
      // Billed per 64 KB chunk of the entry as sent.
      this.options.meter?.add('eventbridge.events', chunks(Buffer.byteLength(JSON.stringify(entry))));
      this.route(bus, event, ingestionTime);
      result.Entries.push({ EventId: event.id });
    }
    return result;
  }

  /** Fires a scheduled rule now (the local cloud runs schedules on demand only) and returns the event delivered. */
  fireScheduledRule(ruleName: string): EventEnvelope {
    const rule = this.buses.get('default')?.rules.get(ruleName);
    if (!rule?.config.scheduleExpression) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Scheduled rule ${ruleName} does not exist on EventBus default.`,
      );
    }
    if (rule.config.state !== 'ENABLED') {
      throw new AwsServiceError('ValidationException', `Rule ${ruleName} is DISABLED, so its schedule does not fire.`);
    }
    const now = new Date();
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.account,
      time: isoSeconds(now),
      region: this.region,
      resources: [rule.config.arn],
      detail: {},
    };
    this.recentEvents.record('default', event, now, [matchedRule(rule)]);
    this.deliverToRule(rule, event, now);
    return event;
  }

  startReplay(input: StartReplayInput): { replayArn: string; state: ReplayState; replayStartTime: Date } {
    if (this.replays.has(input.replayName)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `Replay ${input.replayName} already exists.`);
    }
    const archive = [...this.archives.values()].find((candidate) => candidate.config.arn === input.archiveArn);
    if (!archive) throw new AwsServiceError('ResourceNotFoundException', `Archive ${input.archiveArn} does not exist.`);
    if (input.destination.arn !== archive.config.sourceArn) {
      throw new AwsServiceError(
        'ValidationException',
        'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
      );
    }
    if (input.eventStartTime.getTime() >= input.eventEndTime.getTime()) {
      throw new AwsServiceError(
        'ValidationException',
        'Parameter EventStartTime is not valid. Reason: EventStartTime must be before EventEndTime.',
      );
    }
    const bus = this.findBus(input.destination.arn);
    if (!bus)
      throw new AwsServiceError('ResourceNotFoundException', `Event bus ${input.destination.arn} does not exist.`);
    const filterArns = input.destination.filterArns;
    const ruleArns = new Set([...bus.rules.values()].map((rule) => rule.config.arn));
    const unknownRule = filterArns?.find((arn) => !ruleArns.has(arn));
    if (unknownRule) throw new AwsServiceError('ResourceNotFoundException', `Rule ${unknownRule} does not exist.`);

    const replay: ReplayDescription = {
      replayName: input.replayName,
      replayArn: `arn:aws:events:${this.region}:${this.account}:replay/${input.replayName}`,
      state: 'STARTING',
      eventSourceArn: archive.config.arn,
      destination: { ...input.destination },
      eventStartTime: input.eventStartTime,
      eventEndTime: input.eventEndTime,
      replayStartTime: new Date(),
      ...(input.description === undefined ? {} : { description: input.description }),
    };
    this.replays.set(replay.replayName, replay);
    this.deliveries.track(this.runReplay(replay, archive, bus, filterArns ? new Set(filterArns) : undefined));
    return { replayArn: replay.replayArn, state: replay.state, replayStartTime: replay.replayStartTime };
  }

  describeReplay(replayName: string): ReplayDescription {
    const replay = this.replays.get(replayName);
    if (!replay) throw new AwsServiceError('ResourceNotFoundException', `Replay ${replayName} does not exist.`);
    return { ...replay };
  }

  listReplays(): ReplayDescription[] {
    return [...this.replays.values()].map((replay) => ({ ...replay }));
  }

  listRules(filter: { eventBusName?: string; namePrefix?: string } = {}): RuleSummary[] {
    const bus = this.requireBus(filter.eventBusName ?? 'default');
    return [...bus.rules.values()]
      .filter((rule) => rule.config.name.startsWith(filter.namePrefix ?? ''))
      .map((rule) => summarize(rule))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  describeRule(ruleName: string, eventBusName = 'default'): RuleSummary {
    return summarize(this.requireRule(ruleName, eventBusName));
  }

  listTargetsByRule(ruleName: string, eventBusName = 'default'): TargetConfig[] {
    return this.requireRule(ruleName, eventBusName).targets.map((target) => ({ ...target.config }));
  }

  listEventBuses(): EventBusConfig[] {
    return [...this.buses.values()].map((bus) => ({ ...bus.config }));
  }

  /** A bus by name or ARN; throws `ResourceNotFoundException` like DescribeEventBus. */
  describeEventBus(nameOrArn = 'default'): EventBusConfig {
    return { ...this.requireBus(nameOrArn).config };
  }

  listArchives(): EventArchive[] {
    return [...this.archives.values()];
  }

  describeArchive(name: string): EventArchive {
    const archive = this.archives.get(name);
    if (!archive) throw new AwsServiceError('ResourceNotFoundException', `Archive ${name} does not exist.`);
    return archive;
  }

  /** Counters of what happened to deliveries (delivered, retried, dead-lettered, dropped). */
  get deliveryStats(): Readonly<DeliveryStats> {
    return { ...this.deliveries.stats };
  }

  /** Events that failed for good without reaching a dead-letter queue. */
  get droppedEvents(): number {
    return this.deliveries.stats.dropped;
  }

  /** Resolves once every queued delivery and running replay has settled. */
  whenIdle(): Promise<void> {
    return this.deliveries.whenIdle();
  }

  /** For shutdown: cuts retry waits short (one last attempt, then dead-letter queue) and waits for everything. */
  close(): Promise<void> {
    return this.deliveries.close();
  }

  private findBus(nameOrArn: string): BusState | undefined {
    if (!nameOrArn.startsWith('arn:')) return this.buses.get(nameOrArn);
    return [...this.buses.values()].find((bus) => bus.config.arn === nameOrArn);
  }

  private requireBus(nameOrArn: string): BusState {
    const bus = this.findBus(nameOrArn);
    if (!bus) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${nameOrArn} does not exist.`);
    return bus;
  }

  private requireRule(ruleName: string, eventBusName: string): CompiledRule {
    const bus = this.requireBus(eventBusName);
    const rule = bus.rules.get(ruleName);
    if (!rule) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Rule ${ruleName} does not exist on EventBus ${bus.config.name}.`,
      );
    }
    return rule;
  }

  private envelope(entry: AcceptedEntry, ingestionTime: Date): EventEnvelope {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: this.account,
      time: isoSeconds(entry.time ?? ingestionTime),
      region: this.region,
      resources: entry.resources,
      detail: entry.detail,
    };
  }

  /** Archives the event (unless it is a replay) and queues it for every matching rule's targets. */
  private route(bus: BusState, event: EventEnvelope, ingestionTime: Date, ruleArns?: ReadonlySet<string>): void {
    if (event['replay-name'] === undefined) {
      for (const archive of this.archives.values()) archive.offer(bus.config.arn, event, ingestionTime);
    }
    const matched = [...bus.rules.values()].filter(
      (rule) =>
        rule.config.state === 'ENABLED' &&
        rule.pattern !== undefined &&
        (!ruleArns || ruleArns.has(rule.config.arn)) &&
        matchesEventPattern(rule.pattern, event),
    );
    this.recentEvents.record(bus.config.name, event, ingestionTime, matched.map(matchedRule));
    for (const rule of matched) this.deliverToRule(rule, event, ingestionTime);
  }

  private deliverToRule(rule: CompiledRule, event: EventEnvelope, ingestionTime: Date): void {
    for (const target of rule.targets) {
      this.deliveries.enqueue({
        event,
        ingestionTime,
        ruleName: rule.config.name,
        ruleArn: rule.config.arn,
        targetId: target.config.id,
        targetArn: target.config.arn,
        render: target.render,
        retryPolicy: target.config.retryPolicy,
        deadLetterArn: target.config.deadLetterArn,
        sqsMessageGroupId: target.config.sqsMessageGroupId,
      });
    }
  }

  private async runReplay(
    replay: ReplayDescription,
    archive: EventArchive,
    bus: BusState,
    ruleArns: ReadonlySet<string> | undefined,
  ): Promise<void> {
    // Start on a later turn, so StartReplay answers STARTING as AWS does.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      replay.state = 'RUNNING';
      for (const archived of archive.eventsBetween(replay.eventStartTime, replay.eventEndTime)) {
        const event: EventEnvelope = { ...archived.event, 'replay-name': replay.replayName };
        this.route(bus, event, new Date(), ruleArns);
        replay.eventLastReplayedTime = archived.ingestionTime;
        // Yield between events so a long replay does not starve the HTTP server.
        await new Promise((resolve) => setImmediate(resolve));
      }
      replay.state = 'COMPLETED';
    } catch (error) {
      replay.state = 'FAILED';
      replay.stateReason = error instanceof Error ? error.message : String(error);
      this.log(`eventbridge: replay ${replay.replayName} failed: ${replay.stateReason}`);
    } finally {
      replay.replayEndTime = new Date();
    }
  }
}

function matchedRule(rule: CompiledRule): MatchedRule {
  return {
    name: rule.config.name,
    arn: rule.config.arn,
    targets: rule.targets.map(({ config }) => ({
      id: config.id,
      arn: config.arn,
      deadLetterArn: config.deadLetterArn,
    })),
  };
}

function summarize(rule: CompiledRule): RuleSummary {
  const { config } = rule;
  return {
    name: config.name,
    arn: config.arn,
    eventBusName: config.eventBusName,
    state: config.state,
    ...(rule.pattern === undefined
      ? {}
      : { eventPattern: typeof config.eventPattern === 'string' ? config.eventPattern : JSON.stringify(rule.pattern) }),
    ...(config.scheduleExpression === undefined ? {} : { scheduleExpression: config.scheduleExpression }),
    ...(config.description === undefined ? {} : { description: config.description }),
  };
}
