import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { tuning } from '../config/tuning.js';
import { SagastackStage } from '../sagastack-stage.js';
import { repositoryRoot } from './repository-root.js';

/**
 * How every function is bundled, shared with the test that holds each bundle to `tuning.lambda.bundleBudgetKb`.
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  target: 'node22',
  // ES modules let esbuild drop what a function does not use (zod's locales, most of Powertools); CommonJS output
  // keeps whole modules. `module` entry points first, for the same reason.
  format: 'esm',
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require() for Node's built-ins, and an ES module has no require of its own.
  banner:
    "import { createRequire as __sagastackRequire } from 'node:module'; const require = __sagastackRequire(import.meta.url);",
  // The Lambda runtime provides the AWS SDK v3; keeping it out makes bundles small. Each client a bundle imports is
  // still loaded at its cold start, so code imports only the clients it uses (shared/aws/*-client.ts).
  externalModules: ['@aws-sdk/*'],
} as const;

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
  /** Extra environment variables; prefer the `bind*` methods, which also grant access. @default none */
  readonly environment?: Record<string, string>;
  /** Key for the environment variables at rest. @default AWS managed key */
  readonly environmentEncryption?: IKey;
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
export class AppFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const stage = SagastackStage.configOf(scope);
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    super(scope, id, {
      entry: `${repositoryRoot}/${props.entry}`,
      handler: 'handler',
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
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}/package-lock.json`,
      bundling: {
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: true,
        target: FUNCTION_BUNDLING.target,
        format: OutputFormat.ESM,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        // index.meta.json beside each bundle says what it is made of.
        metafile: true,
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        forceDockerBundling: false,
      },
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

  /**
   * Sets `<NAME>_TABLE_NAME` and grants `access` to the table (and its key). `put` grants PutItem alone: the
   * function can add items but never update or delete one (the audit trail).
   */
  bindTable(name: string, table: ITable, access: 'read' | 'write' | 'readWrite' | 'put'): this {
    this.addEnvironment(`${name}_TABLE_NAME`, table.tableName);
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
    this.addEnvironment('IDEMPOTENCY_TTL_SECONDS', String(tuning.idempotency.ttlSeconds));
    return this.bindTable('IDEMPOTENCY', table, 'readWrite');
  }

  /** Sets `EVENT_BUS_NAME` and grants `events:PutEvents` on that bus only. */
  bindEventBus(bus: IEventBus): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /** Sets `<NAME>_STATE_MACHINE_ARN`; `start` may start executions, `read` may describe them and read their history. */
  bindStateMachine(name: string, stateMachine: IStateMachine, access: ReadonlyArray<'start' | 'read'>): this {
    this.addEnvironment(`${name}_STATE_MACHINE_ARN`, stateMachine.stateMachineArn);
    if (access.includes('start')) stateMachine.grantStartExecution(this);
    if (access.includes('read')) stateMachine.grantRead(this);
    return this;
  }
}
