/**
 * Time to Live, which dynalite does not implement: the per-table configuration (answered through
 * `DescribeTimeToLive` / `UpdateTimeToLive`) and a periodic sweeper that deletes expired items.
 */
import type { Item } from './dynalite-engine.js';
import { isConditionalCheckFailure, validationError } from './errors.js';
import type { ItemStore } from './item-store.js';
import { itemIdentity, keyOf } from './table-keys.js';

/**
 * How often expired items are deleted unless told otherwise.
 * @public Part of the service's API (index.ts).
 */
export const DEFAULT_TTL_SWEEP_INTERVAL_MS = 5_000;

export interface TimeToLiveConfig {
  attributeName: string;
  enabled: boolean;
}

export class TimeToLive {
  private readonly configs = new Map<string, TimeToLiveConfig>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: ItemStore,
    private readonly log: (line: string) => void,
    private readonly sweepIntervalMs = DEFAULT_TTL_SWEEP_INTERVAL_MS,
  ) {}

  configure(tableName: string, config: TimeToLiveConfig): void {
    this.configs.set(tableName, config);
  }

  forget(tableName: string): void {
    this.configs.delete(tableName);
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    // The sweeper alone must not keep the process alive.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async describeTimeToLive(input: Record<string, unknown>): Promise<unknown> {
    const tableName = await this.existingTableName(input);
    const config = this.configs.get(tableName);
    return {
      TimeToLiveDescription:
        config?.enabled === true
          ? { TimeToLiveStatus: 'ENABLED', AttributeName: config.attributeName }
          : { TimeToLiveStatus: 'DISABLED' },
    };
  }

  async updateTimeToLive(input: Record<string, unknown>): Promise<unknown> {
    const tableName = await this.existingTableName(input);
    const specification = input.TimeToLiveSpecification as { AttributeName?: unknown; Enabled?: unknown } | undefined;
    const attributeName = specification?.AttributeName;
    const enabled = specification?.Enabled;
    if (typeof attributeName !== 'string' || attributeName.length === 0 || typeof enabled !== 'boolean') {
      throw validationError('TimeToLiveSpecification requires AttributeName and Enabled');
    }
    const current = this.configs.get(tableName);
    if (enabled && current?.enabled) throw validationError('TimeToLive is already enabled');
    if (!enabled && !current?.enabled) throw validationError('TimeToLive is already disabled');
    this.configure(tableName, { attributeName, enabled });
    return { TimeToLiveSpecification: { AttributeName: attributeName, Enabled: enabled } };
  }

  /** Deletes every item whose TTL attribute is a Number of epoch seconds before now; returns how many. */
  sweep(): Promise<number> {
    // One sweep at a time: a slow sweep must not be overtaken by the next tick.
    this.running ??= this.sweepAllTables().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepAllTables(): Promise<number> {
    let deleted = 0;
    for (const [tableName, config] of this.configs) {
      if (!config.enabled) continue;
      try {
        deleted += await this.sweepTable(tableName, config.attributeName);
      } catch (error) {
        this.log(`dynamodb: TTL sweep of ${tableName} failed: ${error instanceof Error ? error.message : error}`);
      }
    }
    return deleted;
  }

  /**
   * Scans, then deletes each expired item as a write of its own (after the writes already queued on it, and never
   * while a transaction holds it), re-checking the expiry so an item rewritten in the meantime survives.
   */
  private async sweepTable(tableName: string, attributeName: string): Promise<number> {
    const schema = await this.store.keys.of(tableName);
    const expiry = {
      ExpressionAttributeNames: { '#ttl': attributeName },
      ExpressionAttributeValues: { ':now': { N: String(Math.floor(Date.now() / 1000)) } },
    };
    let deleted = 0;
    let startKey: Item | undefined;
    do {
      const page: { Items?: Item[]; LastEvaluatedKey?: Item } = await this.store.engine.call('Scan', {
        TableName: tableName,
        FilterExpression: '#ttl < :now',
        ...expiry,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      for (const item of page.Items ?? []) {
        const key = keyOf(item, schema);
        const identity = itemIdentity(key, schema);
        // A transaction holds it: the next sweep deletes it if it is still expired then.
        if (this.store.locks.heldByTransaction([identity]).length > 0) continue;
        const removed = await this.store.locks.write([identity], () =>
          this.store.engine
            .call<{ Attributes?: Item }>('DeleteItem', {
              TableName: tableName,
              Key: key,
              ConditionExpression: '#ttl < :now',
              ReturnValues: 'ALL_OLD',
              ...expiry,
            })
            .catch((error: unknown) => {
              // Rewritten with a later expiry since the scan: not expired any more.
              if (isConditionalCheckFailure(error)) return { Attributes: undefined };
              throw error;
            }),
        );
        if (removed.Attributes) deleted += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (deleted > 0) this.log(`dynamodb: TTL removed ${deleted} expired item(s) from ${tableName}`);
    return deleted;
  }

  private async existingTableName(input: Record<string, unknown>): Promise<string> {
    const tableName = input.TableName;
    if (typeof tableName !== 'string' || tableName.length === 0)
      throw validationError(
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      );
    await this.store.engine.call('DescribeTable', { TableName: tableName });
    return tableName;
  }
}
