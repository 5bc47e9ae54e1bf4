/**
 * Boots the embedded local cloud: starts the services on loopback, deploys the synthesized stage onto them, and
 * serves the REST API. Used by `npm start`, the end-to-end tests and the benchmarks alike.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalRestApi, type RestApiDefinition } from './apigateway/index.js';
import { readStage } from './assembly/cloud-assembly.js';
import { LOCAL_REGION } from './aws-protocol.js';
import { type ApiGatewayRegistry, apiGatewayProvisioners } from './deploy/provisioners/apigateway.js';
import { dynamoDbProvisioners } from './deploy/provisioners/dynamodb.js';
import { eventBridgeProvisioners } from './deploy/provisioners/events.js';
import { type LambdaRegistry, lambdaProvisioners } from './deploy/provisioners/lambda.js';
import { passiveProvisioners } from './deploy/provisioners/passive.js';
import { sqsProvisioners } from './deploy/provisioners/sqs.js';
import { stepFunctionsProvisioners } from './deploy/provisioners/stepfunctions.js';
import { type DeployedStack, deployStack } from './deploy/stack-deployer.js';
import { startLocalDynamoDb } from './dynamodb/index.js';
import { type EdgeRoutes, edgeListener, listenOnLoopback, type RunningServer } from './edge-server.js';
import { LocalEventBridge } from './eventbridge/index.js';
import { eventBridgeDispatcher, localClients, sendToQueue, stepFunctionsIntegrations } from './integrations.js';
import {
  createLambdaRuntime,
  type LambdaRuntime,
  lambdaApiListener,
  startSqsEventSourceMapping,
} from './lambda/index.js';
import { localAdminListener } from './local-admin.js';
import { startLocalSqs } from './sqs/index.js';
import { LocalStepFunctions } from './stepfunctions/index.js';

export interface LocalCloudOptions {
  /** The cloud assembly `cdk synth` wrote. @default 'cdk.out' */
  readonly assemblyDirectory?: string;
  /** Construct id of the stage to run. @default 'Local' */
  readonly stage?: string;
  /** Keep tables, queues, archives and finished executions here across restarts. @default in memory */
  readonly persistDirectory?: string;
  /** Port of the AWS edge endpoint. @default a free port */
  readonly edgePort?: number;
  /** Port of the REST API. @default a free port */
  readonly apiPort?: number;
  /** Service diagnostics (boot, deliveries, retries). */
  readonly log?: (line: string) => void;
  /** Output of the Lambda functions (Powertools JSON lines). */
  readonly functionLog?: (line: string) => void;
  /**
   * Speeds up waits that only matter on AWS timescales: EventBridge target retries and Lambda async retries start
   * after this many milliseconds instead of a second or minutes. @default 1000
   */
  readonly retryBaseDelayMs?: number;
  /** Multiplies queue visibility timeouts, so redelivery and dead-lettering take seconds in tests. @default 1 */
  readonly queueVisibilityTimeoutScale?: number;
  /**
   * Execution environments one function may run at once on this machine; invocations beyond wait for one.
   * @default one per core, at least two
   */
  readonly maxEnvironmentsPerFunction?: number;
}

export interface LocalCloud {
  /** The AWS endpoint every SDK client uses (`AWS_ENDPOINT_URL`). */
  readonly endpoint: string;
  /** Base URL of the REST API, with its stage path, ending in `/`. */
  readonly apiUrl: string;
  readonly region: string;
  /** Stack outputs by CloudFormation stack name, with API URLs pointing at loopback. */
  readonly outputs: Readonly<Record<string, Record<string, string>>>;
  /** Every output of every stack by output name (names are unique across this app's stacks). */
  readonly output: (name: string) => string;
  readonly services: {
    readonly lambda: LambdaRuntime;
    readonly events: LocalEventBridge;
    readonly stepFunctions: LocalStepFunctions;
    readonly sqs: Awaited<ReturnType<typeof startLocalSqs>>;
    readonly dynamodb: Awaited<ReturnType<typeof startLocalDynamoDb>>;
  };
  stop(): Promise<void>;
}

export async function bootLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = options.log ?? (() => {});
  const persist = (service: string) => {
    if (!options.persistDirectory) return undefined;
    const directory = join(options.persistDirectory, service);
    mkdirSync(directory, { recursive: true });
    return directory;
  };
  const stacks = readStage(options.assemblyDirectory ?? 'cdk.out', options.stage ?? 'Local');
  const region = stacks[0]?.region ?? LOCAL_REGION;

  // The edge listens first: SQS needs its URL for queue URLs. Its routes are filled in as services start.
  const routes: {
    byTargetPrefix: Record<string, EdgeRoutes['byTargetPrefix'][string]>;
    byPathPrefix: Record<string, EdgeRoutes['byPathPrefix'][string]>;
  } = {
    byTargetPrefix: {},
    byPathPrefix: {},
  };
  const edge = await listenOnLoopback(edgeListener(routes), options.edgePort ?? 0);
  const stoppers: Array<() => Promise<void>> = [() => edge.close()];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) {
      await stop().catch((error: unknown) => log(`stop: ${error instanceof Error ? error.message : String(error)}`));
    }
  };

  try {
    const clients = localClients(edge.url, region);
    const dynamodb = await startLocalDynamoDb({ persistDir: persist('dynamodb'), log });
    stoppers.push(() => dynamodb.stop());
    const sqs = await startLocalSqs({
      publicEndpoint: edge.url,
      persistDir: persist('sqs'),
      visibilityTimeoutScale: options.queueVisibilityTimeoutScale,
      log,
    });
    stoppers.push(() => sqs.stop());

    let lambdaRuntime: LambdaRuntime | undefined;
    const lambda = () => {
      if (!lambdaRuntime) throw new Error('Lambda is not running yet');
      return lambdaRuntime;
    };
    const events = new LocalEventBridge({
      dispatcher: eventBridgeDispatcher(clients, sqs, lambda),
      account: stacks[0]?.accountId,
      region,
      persistDir: persist('events'),
      retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
      log,
    });
    const stepFunctions = new LocalStepFunctions({
      integrations: stepFunctionsIntegrations(clients, lambda),
      persistDir: persist('stepfunctions'),
      log,
    });
    routes.byTargetPrefix.DynamoDB_20120810 = dynamodb.listener;
    routes.byTargetPrefix.AmazonSQS = sqs.listener;
    routes.byTargetPrefix.AWSEvents = events.listener();
    routes.byTargetPrefix.AWSStepFunctions = stepFunctions.listener();
    routes.byPathPrefix['/_local/'] = localAdminListener(events);

    const lambdaRegistry: LambdaRegistry = { functions: [], eventSourceMappings: [] };
    const apiRegistry: ApiGatewayRegistry = { apis: new Map() };
    const provisioners = {
      ...passiveProvisioners,
      ...dynamoDbProvisioners(dynamodb),
      ...sqsProvisioners(sqs),
      ...eventBridgeProvisioners(events),
      ...stepFunctionsProvisioners(stepFunctions),
      ...lambdaProvisioners(lambdaRegistry),
      ...apiGatewayProvisioners(apiRegistry),
    };
    const exports = new Map<string, string>();
    const deployed: DeployedStack[] = [];
    for (const stack of stacks) {
      log(`deploying ${stack.displayName}`);
      deployed.push(await deployStack(stack, provisioners, exports));
    }

    lambdaRuntime = createLambdaRuntime({
      functions: lambdaRegistry.functions,
      baseEnvironment: {
        AWS_ENDPOINT_URL: edge.url,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        // No X-Ray daemon runs locally; the SDK must not fail a request because a segment cannot be sent.
        AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      },
      log: options.functionLog ?? log,
      maxEnvironmentsPerFunction: options.maxEnvironmentsPerFunction,
      asyncRetryDelayMs: options.retryBaseDelayMs ?? 1000,
      deliverFailedEvent: async (targetArn, record) => {
        if (!targetArn.startsWith('arn:aws:sqs:'))
          throw new Error(`Lambda failure destination ${targetArn} is not a queue`);
        await sendToQueue(clients, sqs, targetArn, JSON.stringify(record));
      },
    });
    const runtime = lambdaRuntime;
    stoppers.push(() => runtime.stop());
    // Shut EventBridge and Step Functions down before the runtime they call.
    stoppers.push(() => stepFunctions.stop());
    stoppers.push(() => events.close());
    routes.byPathPrefix['/2015-03-31/functions'] = lambdaApiListener(runtime);

    for (const mapping of lambdaRegistry.eventSourceMappings) {
      const queue = await sqs.getQueueByArn(mapping.eventSourceArn);
      if (!queue) throw new Error(`Event source ${mapping.eventSourceArn} is not a queue of this deployment`);
      const poller = startSqsEventSourceMapping({
        sqs: clients.sqs,
        queueUrl: queue.url,
        queueArn: mapping.eventSourceArn,
        functionArn: mapping.functionName,
        batchSize: mapping.batchSize,
        maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        maximumConcurrency: mapping.maximumConcurrency,
        enabled: mapping.enabled,
        runtime,
        log,
      });
      stoppers.push(() => poller.stop());
    }

    const api = await serveRestApi(
      apiRegistry,
      runtime,
      stacks[0]?.accountId ?? '000000000000',
      region,
      options.apiPort,
      log,
    );
    if (api) stoppers.push(() => api.server.close());

    const outputs: Record<string, Record<string, string>> = {};
    for (const stack of deployed) {
      outputs[stack.stackName] = Object.fromEntries(
        Object.entries(stack.outputs).map(([name, value]) => [name, localizeApiUrl(value, api)]),
      );
    }
    const flatOutputs = Object.assign({}, ...Object.values(outputs)) as Record<string, string>;
    return {
      endpoint: edge.url,
      apiUrl: api ? `${api.server.url}${api.basePath}/` : '',
      region,
      outputs,
      output: (name) => {
        const value = flatOutputs[name];
        if (value === undefined)
          throw new Error(`No stack output ${name}; outputs: ${Object.keys(flatOutputs).join(', ')}`);
        return value;
      },
      services: { lambda: runtime, events, stepFunctions, sqs, dynamodb },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface ServedApi {
  readonly server: RunningServer;
  readonly basePath: string;
  readonly restApiId: string;
}

async function serveRestApi(
  registry: ApiGatewayRegistry,
  runtime: LambdaRuntime,
  accountId: string,
  region: string,
  port: number | undefined,
  log: (line: string) => void,
): Promise<ServedApi | undefined> {
  const apis = [...registry.apis.values()];
  if (apis.length === 0) return undefined;
  if (apis.length > 1) throw new Error('The local cloud serves one REST API per stage; this stage defines several');
  const definition = apis[0] as RestApiDefinition;
  if (!definition.stage) throw new Error(`REST API ${definition.restApi.logicalId} has no stage`);
  const api = createLocalRestApi(definition, {
    invokeFunction: async (functionArn, event) => {
      const result = await runtime.invoke(functionArn, event, { invocationType: 'RequestResponse' });
      return 'error' in result ? { error: result.error } : { payload: result.payload };
    },
    accountId,
    region,
    log,
  });
  const server = await listenOnLoopback(api.listener, port ?? 0);
  return { server, basePath: api.basePath, restApiId: definition.restApi.id };
}

/** The template says `https://<id>.execute-api.<region>.amazonaws.com/<stage>/`; locally that API is on loopback. */
function localizeApiUrl(value: string, api: ServedApi | undefined): string {
  if (!api) return value;
  return value.replace(new RegExp(`^https://${api.restApiId}\\.execute-api\\.[^/]+/`), `${api.server.url}/`);
}
