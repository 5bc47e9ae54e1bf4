import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { QueueName, Settings, StateMachineName, TableName } from '../../shared/environment.js';
import { AppFunction } from './app-function.js';
import { AppTable, type AppTableProps } from './app-table.js';
import { type RoutedEvent, routeEventsToQueue } from './event-route.js';
import { QueueWithDlq, type QueueWithDlqProps, terminalQueue } from './queue-with-dlq.js';
import { KEEP_EVERYTHING, type StageSettings } from './stage-settings.js';

/** What every bounded context receives from the platform: never a whole stack, only what it uses. */
export interface PlatformResources {
  /** Where contexts publish their events, and the sagas their outcomes. */
  readonly eventBus: IEventBus;
  /** The shared Powertools idempotency table; every command is bound to it. */
  readonly idempotencyTable: ITableV2;
  /** Encrypts the context's tables and queues at rest. */
  readonly dataKey: IKey;
  /** Receives the alarms of the context's dead-letter queues. */
  readonly alarmTopic: ITopic;
}

/** `WORKER_FLEET` → `workerFleet`. */
type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<Name>;

/**
 * How a context names a table: the camel case of its variable's name (`workerFleet` is bound as
 * `WORKER_FLEET_TABLE_NAME`), so a table the runtime does not know by name fails the type check.
 */
export type TableKey = CamelCase<TableName>;

/** A table of the context: its keys and indexes; the id, encryption and data protection come from the context. */
type TableSpec = Pick<AppTableProps, 'partitionKey' | 'sortKey' | 'indexes'>;

/** Where a command's handler lives under `functions/<code>/handlers/`: named after what invokes it. */
type CommandTrigger = 'api' | 'saga' | 'events' | 'worker' | 'billing';

/**
 * A command's needs, from which its function is built: each table named here is bound with the least privilege
 * (its `<NAME>_TABLE_NAME` variable and the matching grant), and so on for the bus, the sagas and the queues.
 */
export interface CommandSpec<Key extends TableKey> {
  /** What invokes the command, which is also its handler's folder. */
  readonly on: CommandTrigger;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Tables the command only reads. @default none */
  readonly reads?: readonly Key[];
  /** Tables the command reads and writes. @default none */
  readonly writes?: readonly Key[];
  /** Tables the command may only add items to (PutItem), never update or delete. @default none */
  readonly appends?: readonly Key[];
  /** The command publishes events on the platform's bus. @default false */
  readonly publishes?: boolean;
  /** State machines the command starts executions of, by the name of their variable. @default none */
  readonly starts?: Partial<Record<StateMachineName, IStateMachine>>;
  /** State machines whose executions and histories the command reads. @default none */
  readonly observes?: Partial<Record<StateMachineName, IStateMachine>>;
  /** Queues the command sends messages to. @default none */
  readonly sendsTo?: Partial<Record<QueueName, IQueue>>;
  /**
   * The command seals personal data under this key: it gets `PERSONAL_DATA_KEY_ARN` and `kms:GenerateDataKey` on the
   * key, nothing more. @default none
   */
  readonly encryptsPersonalData?: IKey;
  /**
   * The command opens personal data sealed under this key: it gets `PERSONAL_DATA_KEY_ARN` and `kms:Decrypt` on the
   * key. Only commands that show or use the clear text declare it. @default none
   */
  readonly decryptsPersonalData?: IKey;
  /** Settings the command reads besides its bindings (named in `shared/environment.ts`). @default none */
  readonly environment?: Settings;
}

export interface BoundedContextStackProps<Key extends TableKey> extends StackProps {
  /** The context's name: its service name in logs, traces and metrics, e.g. `checkout`. */
  readonly service: string;
  /** The event sources its functions and sagas may publish under (`events:source`): the context's own. */
  readonly publishesAs: readonly string[];
  /** The folder of its code, `functions/<code>/handlers/...`. @default the service name */
  readonly code?: string;
  /** The context's own tables (database per service), by the key its commands name them with. */
  readonly tables: Readonly<Record<Key, TableSpec>>;
  readonly platform: PlatformResources;
  /** The stage's data protection and logging. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
}

/**
 * A bounded context as a stack: its tables, built from a spec, and its commands, each declared once with
 * `command(name, needs)`, from which the handler's entry (`functions/<code>/handlers/<on>/<kebab-name>.ts`), the
 * construct id (`<Name>Fn`), the environment and the least-privilege grants follow. The context's API handlers are
 * found by name (`apiHandlers`), which is how the API stack wires the routes that name them.
 *
 * @example
 * class OrdersStack extends BoundedContextStack<'orders'> {
 *   constructor(scope: Construct, id: string, props: OrdersStackProps) {
 *     super(scope, id, { ...props, service: 'orders', tables: { orders: { partitionKey: 'orderId' } } });
 *     this.command('GetOrder', { on: 'api', description: 'GET /orders/{orderId}', reads: ['orders'] });
 *   }
 * }
 */
export abstract class BoundedContextStack<Key extends TableKey> extends Stack {
  readonly tables: Readonly<Record<Key, ITableV2>>;
  /** Every API handler of the context, by command name, e.g. `GetOrder`. */
  readonly apiHandlers = new Map<string, IFunction>();
  protected readonly platform: PlatformResources;
  protected readonly stage: StageSettings;
  /** The event sources the context publishes under; its grants allow no other. */
  protected readonly eventSources: readonly string[];
  private readonly props: BoundedContextStackProps<Key>;

  constructor(scope: Construct, id: string, props: BoundedContextStackProps<Key>) {
    super(scope, id, props);
    this.props = props;
    this.platform = props.platform;
    this.stage = props.stage ?? KEEP_EVERYTHING;
    this.eventSources = props.publishesAs;
    const tables: Partial<Record<Key, ITableV2>> = {};
    for (const [key, spec] of Object.entries(props.tables) as Array<[Key, TableSpec]>) {
      const table = new AppTable(this, pascalCase(key), {
        ...spec,
        encryptionKey: props.platform.dataKey,
        stage: this.stage,
      }).table;
      tables[key] = table;
      // Outputs are how tests, tools and operators find resources without knowing physical names.
      this.output(`${pascalCase(key)}TableName`, table.tableName);
    }
    this.tables = tables as Record<Key, ITableV2>;
  }

  /** Declares a command: its Lambda, its handler's entry, and exactly the access its `needs` name. */
  protected command(name: string, needs: CommandSpec<Key>): AppFunction {
    const fn = new AppFunction(this, `${name}Fn`, {
      stage: this.stage,
      entry: `functions/${this.props.code ?? this.props.service}/handlers/${needs.on}/${kebabCase(name)}.ts`,
      description: needs.description,
      serviceName: this.props.service,
      environment: needs.environment,
    }).bindIdempotency(this.platform.idempotencyTable);
    const bind = (keys: readonly Key[] | undefined, access: 'read' | 'readWrite' | 'put') => {
      for (const key of keys ?? []) fn.bindTable(constantCase(key) as TableName, this.tables[key], access);
    };
    bind(needs.reads, 'read');
    bind(needs.writes, 'readWrite');
    bind(needs.appends, 'put');
    if (needs.publishes) fn.bindEventBus(this.platform.eventBus, this.eventSources);
    for (const [machine, stateMachine] of entries(needs.starts)) fn.bindStateMachine(machine, stateMachine, ['start']);
    for (const [machine, stateMachine] of entries(needs.observes)) fn.bindStateMachine(machine, stateMachine, ['read']);
    for (const [queueName, queue] of entries(needs.sendsTo)) fn.bindQueue(queueName, queue);
    if (needs.encryptsPersonalData) fn.bindPersonalDataKey(needs.encryptsPersonalData, 'encrypt');
    if (needs.decryptsPersonalData) fn.bindPersonalDataKey(needs.decryptsPersonalData, 'decrypt');
    if (needs.on === 'api') this.apiHandlers.set(name, fn);
    return fn;
  }

  /** A queue (with its DLQ and alarm) that feeds `consumer`, with this context's key, alarm topic and stage. */
  protected consumerQueue(
    id: string,
    consumer: AppFunction,
    options: Pick<QueueWithDlqProps, 'batchSize' | 'maxConcurrency'> = {},
  ): QueueWithDlq {
    return new QueueWithDlq(this, id, {
      ...options,
      consumer,
      encryptionKey: this.platform.dataKey,
      alarmTopic: this.platform.alarmTopic,
      removalPolicy: this.stage.removalPolicy,
    });
  }

  /**
   * Routes the given events (each by its source and detail-type) from the bus into `queue`; what the queue keeps
   * refusing goes to `undelivered`.
   */
  protected routeEvents(id: string, events: readonly RoutedEvent[], queue: QueueWithDlq, undelivered: IQueue): void {
    routeEventsToQueue(this, id, {
      eventBus: this.platform.eventBus,
      events,
      queue: queue.queue,
      deadLetterQueue: undelivered,
    });
  }

  /** A dead-letter queue of last resort (nothing consumes it), which alarms as soon as it holds a message. */
  protected terminalQueue(id: string, whose: string): Queue {
    return terminalQueue(this, id, {
      encryptionKey: this.platform.dataKey,
      alarmTopic: this.platform.alarmTopic,
      whose,
      removalPolicy: this.stage.removalPolicy,
    });
  }

  /** `TEST_BEHAVIOUR`, for the commands whose test-only behaviour (test flavors, fault tokens) the stage decides. */
  protected testBehaviourSetting(): Settings {
    return { TEST_BEHAVIOUR: this.stage.testBehaviour ? 'on' : 'off' };
  }

  protected output(id: string, value: string): CfnOutput {
    return new CfnOutput(this, id, { value });
  }
}

const entries = <Name extends string, Value>(record: Partial<Record<Name, Value>> | undefined) =>
  Object.entries(record ?? {}) as Array<[Name, Value]>;

/** `workerFleet` → `WorkerFleet`. */
const pascalCase = (key: string): string => `${key[0]?.toUpperCase() ?? ''}${key.slice(1)}`;
/** `workerFleet` → `WORKER_FLEET`. */
const constantCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase();
/** `ReserveInventory` → `reserve-inventory`. */
const kebabCase = (name: string): string => name.replace(/(?<!^)[A-Z]/g, (letter) => `-${letter}`).toLowerCase();
