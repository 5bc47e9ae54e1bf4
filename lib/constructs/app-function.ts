import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import {
  type QueueName,
  queueEnv,
  type SettingName,
  type Settings,
  type StateMachineName,
  stateMachineEnv,
  type TableName,
  tableEnv,
} from '../../shared/environment.js';
import { tuning } from '../config/tuning.js';
import { FunctionBundler } from './function-bundler.js';
import { grantPublishAs } from './publish-grant.js';
import { KEEP_EVERYTHING, type StageSettings } from './stage-settings.js';

export interface AppFunctionProps {
  /** Handler file, relative to the repository root, e.g. `functions/checkout/handlers/saga/reserve-inventory.ts`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Service name in logs, traces and metrics dimensions, e.g. `checkout`. */
  readonly serviceName: string;
  /** @default tuning.lambda.defaultTimeoutSeconds */
  readonly timeout?: Duration;
  /** @default tuning.lambda.defaultMemoryMb */
  readonly memorySize?: number;
  /** Caps concurrent executions; also protects what the function writes to. @default no reservation */
  readonly reservedConcurrentExecutions?: number;
  /** Settings the function reads besides its bindings (named in `shared/environment.ts`). @default none */
  readonly environment?: Settings;
  /** Key for the environment variables at rest. @default AWS managed key */
  readonly environmentEncryption?: IKey;
  /** The stage's log retention, removal policy, log level and name. @default KEEP_EVERYTHING */
  readonly stage?: StageSettings;
}

/**
 * The only way this project makes a Lambda function: Node.js 22 on ARM64, bundled by the local esbuild (never Docker),
 * active tracing, JSON logs into an explicit log group with the stage's retention, source maps, and the Powertools
 * environment. Permissions come with wiring: each `bind*` method sets the environment variable and grants the least
 * privilege in one call.
 *
 * @example
 * const reserve = new AppFunction(this, 'ReserveInventory', {
 *   entry: 'functions/checkout/handlers/saga/reserve-inventory.ts',
 *   description: 'Reserves all SKUs of a checkout in one transaction',
 *   serviceName: 'checkout',
 * });
 * reserve.bindTable('CATALOG', catalogTable, 'readWrite');
 */
export class AppFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const stage = props.stage ?? KEEP_EVERYTHING;
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    super(scope, id, {
      // Bundled with every other function of the app in one esbuild run (function-bundler.ts).
      code: FunctionBundler.of(scope).code(props.entry),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(tuning.lambda.defaultTimeoutSeconds),
      memorySize: props.memorySize ?? tuning.lambda.defaultMemoryMb,
      tracing: Tracing.ACTIVE,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[stage.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environmentEncryption: props.environmentEncryption,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'Sagastack',
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
        STAGE: stage.name,
        ...props.environment,
      },
    });
  }

  /** Sets one of the settings named in `shared/environment.ts`, which the function's adapters read. */
  addSetting(name: SettingName, value: string): this {
    return this.addEnvironment(name, value);
  }

  /**
   * Sets `<NAME>_TABLE_NAME` and grants `access` to the table (and its key). `put` grants PutItem alone: the
   * function can add items but never update or delete one (the audit trail).
   */
  bindTable(name: TableName, table: ITable, access: 'read' | 'write' | 'readWrite' | 'put'): this {
    this.addEnvironment(tableEnv(name), table.tableName);
    if (access === 'read') table.grantReadData(this);
    else if (access === 'write') table.grantWriteData(this);
    else if (access === 'readWrite') table.grantReadWriteData(this);
    else {
      table.grant(this, 'dynamodb:PutItem');
      table.encryptionKey?.grant(this, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    return this;
  }

  /** The shared idempotency table, with the TTL of stored results. */
  bindIdempotency(table: ITable): this {
    this.addSetting('IDEMPOTENCY_TTL_SECONDS', String(tuning.idempotency.ttlSeconds));
    return this.bindTable('IDEMPOTENCY', table, 'readWrite');
  }

  /**
   * Sets `PERSONAL_DATA_KEY_ARN` and grants one use of that key: `encrypt` may ask it for data keys
   * (`kms:GenerateDataKey`), `decrypt` may decrypt them (`kms:Decrypt`); neither may do the other
   * (docs/adr/0040-personal-data-is-envelope-encrypted.md).
   *
   * No condition on `kms:EncryptionContext:tenantId` yet, although AWS supports one
   * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context): the
   * local cloud's IAM evaluator (`@cloud-copilot/iam-simulate`) ignores `kms:EncryptionContext:<key>` request keys, so
   * the condition would refuse every call there, and the template is the same everywhere. The context is bound all the
   * same: KMS decrypts a data key only under the context it was generated with, and the cipher checks it.
   */
  bindPersonalDataKey(key: IKey, use: 'encrypt' | 'decrypt'): this {
    this.addSetting('PERSONAL_DATA_KEY_ARN', key.keyArn);
    key.grant(this, use === 'encrypt' ? 'kms:GenerateDataKey' : 'kms:Decrypt');
    return this;
  }

  /** Sets `EVENT_BUS_NAME` and grants `events:PutEvents` on that bus only, under `sources` only (`events:source`). */
  bindEventBus(bus: IEventBus, sources: readonly string[]): this {
    this.addSetting('EVENT_BUS_NAME', bus.eventBusName);
    grantPublishAs(this, bus, sources);
    return this;
  }

  /** Sets `<NAME>_QUEUE_URL` and grants sending to that queue only (and encrypting with its key). */
  bindQueue(name: QueueName, queue: IQueue): this {
    this.addEnvironment(queueEnv(name), queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /**
   * Sets `<NAME>_STATE_MACHINE_ARN`; `start` may start executions, `read` may describe them and read their history.
   * `read` is granted on the machine's executions only: CDK's `grantRead` would add `states:DescribeStateMachine`,
   * `DescribeActivity` and `ListActivities` on `*`, every state machine of the account.
   */
  bindStateMachine(name: StateMachineName, stateMachine: IStateMachine, access: ReadonlyArray<'start' | 'read'>): this {
    this.addEnvironment(stateMachineEnv(name), stateMachine.stateMachineArn);
    if (access.includes('start')) stateMachine.grantStartExecution(this);
    if (access.includes('read')) {
      stateMachine.grantExecution(this, 'states:DescribeExecution', 'states:GetExecutionHistory');
    }
    return this;
  }
}
