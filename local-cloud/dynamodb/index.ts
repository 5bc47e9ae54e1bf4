/**
 * DynamoDB for the local cloud: dynalite for storage, queries, conditions and indexes, plus what it lacks
 * (transactions, TTL) implemented in front of it. See docs/local-cloud/dynamodb.md for fidelity notes.
 */
import { mkdir } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { AwsServiceError, type EdgeRequestGuard } from '../aws-protocol.js';
import type { FaultInjector } from '../faults/fault-plan.js';
import type { UsageMeter } from '../metering.js';
import { DynaliteEngine } from './dynalite-engine.js';
import { shortErrorName, TableCreationError, TableDefinitionMismatchError } from './errors.js';
import { ClientTokenRegistry } from './idempotency.js';
import { ItemLocks } from './item-locks.js';
import type { ItemStore } from './item-store.js';
import { createDynamoDbListener, dynamoDbDispatch } from './listener.js';
import {
  type DescribedTable,
  definitionDifference,
  type TableProps,
  tableDefinitionFromTemplate,
} from './table-definition.js';
import { KeySchemas } from './table-keys.js';
import { TimeToLive } from './time-to-live.js';
import { TransactionEngine } from './transactions.js';

/** @public The errors the service throws, for its callers to catch by class. */
export {
  TableCreationError,
  TableDefinitionMismatchError,
  UnsupportedTablePropertyError,
} from './errors.js';
/** @public The template properties the service accepts without emulating them (docs/local-cloud/dynamodb.md). */
export { TABLE_PROPERTIES_ACCEPTED_WITHOUT_EFFECT, type TableProps } from './table-definition.js';
/** @public The default of `LocalDynamoDbOptions.ttlSweepIntervalMs`. */
export { DEFAULT_TTL_SWEEP_INTERVAL_MS } from './time-to-live.js';

export interface LocalDynamoDbOptions {
  /** Counts the request units DynamoDB on demand bills. */
  meter?: Pick<UsageMeter, 'add'>;
  /** LevelDB directory for data that survives restarts; in memory when absent. */
  persistDir?: string;
  log?: (line: string) => void;
  /** How often expired TTL items are deleted (default 5 s). */
  ttlSweepIntervalMs?: number;
  /** Injects the plan's DynamoDB faults into requests sent from inside a saga; none when unset. */
  faults?: FaultInjector;
  /** Checks each request that came through the edge before it runs (IAM). @default none */
  guard?: EdgeRequestGuard;
}

export interface CreatedTable {
  tableName: string;
  tableArn: string;
  /** Whether the table already existed in the persisted store and its data was kept. */
  reused: boolean;
  /** Template properties that were accepted but have no local behaviour. */
  acceptedWithoutEffect: string[];
}

export interface LocalDynamoDb {
  /** Serves `X-Amz-Target: DynamoDB_20120810.*` requests. */
  listener: RequestListener;
  /**
   * Runs one operation in-process, exactly as the listener would (for the other services of the local cloud). The
   * input must be a JSON value in the wire format that the caller no longer changes.
   */
  call(operation: string, input: Record<string, unknown>): Promise<unknown>;
  /** Creates (or, when persisted, reuses) a table from its resolved `AWS::DynamoDB::Table` properties. */
  createTable(physicalName: string, props: TableProps): Promise<CreatedTable>;
  /** Runs one TTL sweep now and returns how many expired items it deleted. */
  sweepExpiredItems(): Promise<number>;
  stop(): Promise<void>;
}

const TABLE_ACTIVE_TIMEOUT_MS = 10_000;

/** Starts dynalite's store in-process and the pieces in front of it. */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const log = options.log ?? (() => {});
  if (options.persistDir) await mkdir(options.persistDir, { recursive: true });
  const engine = DynaliteEngine.create(options.persistDir);
  const keys = new KeySchemas(engine);
  const store: ItemStore = { engine, keys, locks: new ItemLocks() };
  const timeToLive = new TimeToLive(store, log, options.ttlSweepIntervalMs);
  const transactions = new TransactionEngine(store, new ClientTokenRegistry(), options.meter);
  timeToLive.start();
  log(`dynamodb: dynalite in-process (${options.persistDir ?? 'in memory'})`);

  async function createTable(physicalName: string, props: TableProps): Promise<CreatedTable> {
    const definition = tableDefinitionFromTemplate(physicalName, props);
    keys.forget(physicalName);
    let existing = await describeTable(engine, physicalName);
    const reused = existing !== undefined;
    if (existing) {
      const difference = definitionDifference(existing, definition);
      if (difference) throw new TableDefinitionMismatchError(physicalName, difference);
    } else {
      try {
        await engine.call('CreateTable', definition.createTableInput);
      } catch (error) {
        throw new TableCreationError(physicalName, error);
      }
    }
    existing = await waitUntilActive(engine, physicalName);
    if (definition.timeToLive) timeToLive.configure(physicalName, definition.timeToLive);
    else timeToLive.forget(physicalName);
    if (definition.acceptedWithoutEffect.length > 0) {
      log(`dynamodb: ${physicalName}: accepted without local effect: ${definition.acceptedWithoutEffect.join(', ')}`);
    }
    return {
      tableName: physicalName,
      tableArn: String(existing.TableArn),
      reused,
      acceptedWithoutEffect: definition.acceptedWithoutEffect,
    };
  }

  const dispatch = dynamoDbDispatch({ ...store, transactions, timeToLive, log, meter: options.meter });
  return {
    listener: createDynamoDbListener(dispatch, log, options.faults, options.guard),
    call: dispatch,
    createTable,
    sweepExpiredItems: () => timeToLive.sweep(),
    async stop() {
      await timeToLive.stop();
      // dynalite's store waits for the operations in progress before it closes.
      await engine.stop();
    },
  };
}

async function describeTable(engine: DynaliteEngine, tableName: string): Promise<DescribedTable | undefined> {
  try {
    const { Table } = await engine.call<{ Table: DescribedTable }>('DescribeTable', {
      TableName: tableName,
    });
    return Table;
  } catch (error) {
    if (error instanceof AwsServiceError && shortErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** dynalite reports a new table as CREATING until a timer fires, even with `createTableMs: 0`. */
async function waitUntilActive(engine: DynaliteEngine, tableName: string): Promise<DescribedTable> {
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  for (;;) {
    const table = await describeTable(engine, tableName);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() > deadline) {
      throw new TableCreationError(
        tableName,
        new Error(`still ${String(table?.TableStatus)} after ${TABLE_ACTIVE_TIMEOUT_MS} ms`),
      );
    }
    await delay(5);
  }
}
