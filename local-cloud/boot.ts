/**
 * Boots the embedded local cloud in three steps, used by `npm start`, the end-to-end tests and the benchmarks alike:
 * 1. **start** the stateful services (DynamoDB, SQS, KMS, EventBridge, Step Functions) behind one edge endpoint;
 * 2. **deploy** the synthesized stage onto them, stack by stack, as CloudFormation would;
 * 3. **wire** what the deployment describes: the Lambda runtime with its functions, SQS event source mappings and
 *    the REST API, each service reaching the others in-process (`integrations.ts`).
 * Every service is a `LocalService` (listener, whenIdle, stop); the edge routes to each by its `edgeRoutes`.
 */

import { mkdirSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { createLocalRestApi, type RestApiDefinition } from './apigateway/index.js';
import { readStage, type StackArtifact } from './assembly/cloud-assembly.js';
import { jsonApiListener, LOCAL_REGION } from './aws-protocol.js';
import { GraphLayouts } from './console/graph-layouts.js';
import { CONSOLE_PATH, consoleListener } from './console/server.js';
import { type ApiGatewayRegistry, apiGatewayProvisioners } from './deploy/provisioners/apigateway.js';
import { dynamoDbProvisioners } from './deploy/provisioners/dynamodb.js';
import { eventBridgeProvisioners } from './deploy/provisioners/events.js';
import { kmsProvisioners } from './deploy/provisioners/kms.js';
import { type LambdaRegistry, lambdaProvisioners } from './deploy/provisioners/lambda.js';
import { passiveProvisioners } from './deploy/provisioners/passive.js';
import { sqsProvisioners } from './deploy/provisioners/sqs.js';
import { stepFunctionsProvisioners } from './deploy/provisioners/stepfunctions.js';
import { type DeployedStack, deployStack } from './deploy/stack-deployer.js';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynamodb/index.js';
import { edgeListener, listenOnLoopback, type RunningServer } from './edge-server.js';
import { eventBridgeApi, LocalEventBridge } from './eventbridge/index.js';
import { FAULTS_PATH, faultsListener } from './faults/api.js';
import { FaultInjector, type FaultPlan } from './faults/fault-plan.js';
import { iamEnabled, iamProvisioners, LocalIam, recordingKeyPolicies, recordingQueueKeys } from './iam/index.js';
import {
  eventBridgeDispatcher,
  type LocalServices,
  localEventSourceQueue,
  sendToQueue,
  stepFunctionsIntegrations,
} from './integrations.js';
import { kmsService, LocalKms } from './kms/index.js';
import {
  createLambdaRuntime,
  DEFAULT_POLLERS,
  type FunctionSpec,
  InvalidFunctionConfigurationError,
  type LambdaRuntime,
  lambdaApiListener,
  startSqsEventSourceMapping,
} from './lambda/index.js';
import { localAdminListener } from './local-admin.js';
import { type LocalService, whenAllIdle } from './local-service.js';
import { LogBook } from './log-book.js';
import { type Usage, UsageMeter } from './metering.js';
import { type LocalSqs, startLocalSqs } from './sqs/index.js';
import { LocalStepFunctions, stepFunctionsApi, withCallbackFaults } from './stepfunctions/index.js';
import { countingThrottledCalls, type ThrottledApiCalls, ThrottledApiCounter } from './throttled-apis.js';

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
  /**
   * The longest wait between two EventBridge target retries (their backoff doubles up to it). AWS waits up to
   * minutes; tests that let a refused event run out its retries to the DLQ cap it. @default 60000
   */
  readonly retryMaxDelayMs?: number;
  /** Multiplies queue visibility timeouts, so redelivery and dead-lettering take seconds in tests. @default 1 */
  readonly queueVisibilityTimeoutScale?: number;
  /** Multiplies Task HeartbeatSeconds, so a missed heartbeat shows in seconds in tests. @default 1 */
  readonly heartbeatTimeoutScale?: number;
  /**
   * Lays the deployed state machines out for the saga console in the background once booted (about 0.8 s of one
   * core), so that a browser's first view of an execution finds its graph ready. `npm start` and the bench turn it
   * on; tests, which boot many clouds and rarely open the console, leave it off. @default false
   */
  readonly warmConsoleLayouts?: boolean;
  /**
   * Multiplies Step Functions' waits before a Retry (`IntervalSeconds` and `MaxDelaySeconds`, backoff and jitter
   * kept), so retried sagas finish sooner in tests. @default 1
   */
  readonly retryIntervalScale?: number;
  /**
   * Execution environments one function may run at once on this machine; invocations beyond wait for one.
   * @default one per core but one, at least one
   */
  readonly maxEnvironmentsPerFunction?: number;
  /** Every function environment writes a V8 CPU profile here when it ends (`npm run bench -- --profile`). */
  readonly cpuProfileDirectory?: string;
  /** Faults to inject at the services' boundaries (`faults/fault-plan.ts`); none when unset. */
  readonly faults?: FaultPlan;
  /**
   * How functions reach `AWS_ENDPOINT_URL`: `in-process`, as messages to the edge's listener (ADR 0019), or `http`,
   * through the loopback port as any other client. @default 'in-process', or `LOCAL_CLOUD_FUNCTION_TRANSPORT`
   */
  readonly functionTransport?: 'in-process' | 'http';
  /**
   * Checks every AWS call a function makes against its role's policies, as AWS does (local-cloud/iam/, ADR 0025).
   * @default true, or `LOCAL_CLOUD_IAM` (`on` or `off`)
   */
  readonly iam?: boolean;
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
    readonly sqs: LocalSqs;
    readonly dynamodb: LocalDynamoDb;
    readonly kms: LocalKms;
  };
  /** Resolves once no service has work in progress. */
  whenIdle(): Promise<void>;
  /** What the services did that AWS would bill, counted since boot (`metering.ts`); compare two with `usageBetween`. */
  usage(): Usage;
  /** Calls to the APIs AWS throttles at a low account-wide rate, counted since boot (`throttled-apis.ts`). */
  throttledApiCalls(): ThrottledApiCalls;
  /** The faults injected so far, when booted with a plan. */
  readonly faults: FaultInjector | undefined;
  stop(): Promise<void>;
}

/** Everything `stop()` must undo, in the reverse order it was set up. */
class Teardown {
  private readonly steps: Array<() => Promise<void>> = [];
  constructor(private readonly log: (line: string) => void) {}
  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.reverse()) {
      await step().catch((error: unknown) =>
        this.log(`stop: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}

export async function bootLocalCloud(requested: LocalCloudOptions = {}): Promise<LocalCloud> {
  // Every line the services and the functions log is also kept, for GET /_local/logs (log-book.ts).
  const logBook = new LogBook();
  const options: LocalCloudOptions = {
    ...requested,
    log: logBook.tee(requested.log),
    functionLog: logBook.tee(requested.functionLog ?? requested.log),
  };
  const log = options.log ?? (() => {});
  const stacks = readStage(options.assemblyDirectory ?? 'cdk.out', options.stage ?? 'Local');
  const region = stacks[0]?.region ?? LOCAL_REGION;
  const teardown = new Teardown(log);
  const meter = new UsageMeter();
  const faults = options.faults ? new FaultInjector(options.faults) : undefined;
  let stepFunctionsOfIam: LocalStepFunctions | undefined;
  let kmsOfIam: LocalKms | undefined;
  const iam = iamEnabled(options.iam)
    ? new LocalIam({
        region,
        account: stacks[0]?.accountId ?? '000000000000',
        stateMachineOfTaskToken: (token) => stepFunctionsOfIam?.stateMachineOfTaskToken(token),
        kmsKeyArnOf: (identifier) => kmsOfIam?.keyArnOf(identifier),
        kmsKeyArnOfCiphertext: (blob) => kmsOfIam?.keyArnOfCiphertext(Buffer.from(blob, 'base64')),
      })
    : undefined;
  try {
    const started = await start(options, stacks, teardown, meter, faults, iam, logBook);
    stepFunctionsOfIam = started.stepFunctions;
    kmsOfIam = started.kms;
    if (faults) {
      started.mount({
        name: 'faults',
        listener: faultsListener(faults),
        edgeRoutes: { pathPrefixes: [FAULTS_PATH] },
        whenIdle: async () => {},
        stop: async () => {},
      });
    }
    const deployment = await deploy(stacks, started, iam);
    const wired = await wire(options, started, deployment, teardown, meter, faults, iam);
    if (options.warmConsoleLayouts) {
      // Not awaited: the console's layout thread loads elkjs and lays the deployed sagas out while the caller goes
      // on, so that a fresh browser's first execution view finds its layout ready (graph-layouts.ts). Bounded, for a
      // persisted directory that keeps many machines; this app deploys three.
      void started.consoleLayouts.warmUp(
        started.stepFunctions.listStateMachines({ maxResults: 50 }).stateMachines.map((machine) => machine.definition),
      );
    }
    const outputs: Record<string, Record<string, string>> = {};
    for (const stack of deployment.stacks) {
      outputs[stack.stackName] = Object.fromEntries(
        Object.entries(stack.outputs).map(([name, value]) => [name, localizeApiUrl(value, wired.api)]),
      );
    }
    const flatOutputs = Object.assign({}, ...Object.values(outputs)) as Record<string, string>;
    const services = [...started.services, ...wired.services];
    return {
      endpoint: started.edge.url,
      apiUrl: wired.api ? `${wired.api.server.url}${wired.api.basePath}/` : '',
      region,
      outputs,
      output: (name) => {
        const value = flatOutputs[name];
        if (value === undefined)
          throw new Error(`No stack output ${name}; outputs: ${Object.keys(flatOutputs).join(', ')}`);
        return value;
      },
      services: {
        lambda: wired.lambda,
        events: started.events,
        stepFunctions: started.stepFunctions,
        sqs: started.sqs,
        dynamodb: started.dynamodb,
        kms: started.kms,
      },
      whenIdle: () => whenAllIdle(services),
      usage: () => meter.snapshot(),
      throttledApiCalls: () => started.throttledCalls.snapshot(),
      faults,
      stop: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

interface StartedServices {
  readonly edge: RunningServer;
  /** What the edge port serves, for the functions' in-process requests (ADR 0019). */
  readonly edgeListener: RequestListener;
  readonly dynamodb: LocalDynamoDb;
  readonly sqs: LocalSqs;
  readonly events: LocalEventBridge;
  readonly stepFunctions: LocalStepFunctions;
  readonly kms: LocalKms;
  /** The console's graph layouts, warmed up once the stacks are deployed. */
  readonly consoleLayouts: GraphLayouts;
  /** How services call each other; `lambda` is there once `wire` created the runtime. */
  readonly calls: LocalServices;
  /** The edge's calls to the APIs AWS throttles at a low rate (`throttled-apis.ts`). */
  readonly throttledCalls: ThrottledApiCounter;
  readonly setLambda: (runtime: LambdaRuntime) => void;
  readonly services: LocalService[];
  /** Routes the edge to the service; its `stop` joins the teardown unless the caller placed it already. */
  readonly mount: (service: LocalService, options?: { stoppedByTeardown: boolean }) => void;
}

/** Step 1: the edge endpoint and the stateful services, empty. */
async function start(
  options: LocalCloudOptions,
  stacks: StackArtifact[],
  teardown: Teardown,
  meter: UsageMeter,
  faults: FaultInjector | undefined,
  iam: LocalIam | undefined,
  logBook: LogBook,
): Promise<StartedServices> {
  const log = options.log ?? (() => {});
  const guard = iam?.guard();
  const throttledCalls = new ThrottledApiCounter();
  const persist = (service: string) => {
    if (!options.persistDirectory) return undefined;
    const directory = join(options.persistDirectory, service);
    mkdirSync(directory, { recursive: true });
    return directory;
  };
  // The edge listens first: SQS needs its URL for queue URLs. Routes are added as services are mounted.
  const routes = {
    byTargetPrefix: {} as Record<string, LocalService['listener']>,
    byPathPrefix: {} as Record<string, LocalService['listener']>,
  };
  const routedEdge = edgeListener(routes);
  const edge = await listenOnLoopback(routedEdge, options.edgePort ?? 0);
  teardown.add(() => edge.close());
  const services: LocalService[] = [];
  const mount: StartedServices['mount'] = (service, mountOptions = { stoppedByTeardown: true }) => {
    services.push(service);
    for (const prefix of service.edgeRoutes.targetPrefixes ?? []) routes.byTargetPrefix[prefix] = service.listener;
    for (const prefix of service.edgeRoutes.pathPrefixes ?? []) routes.byPathPrefix[prefix] = service.listener;
    if (mountOptions.stoppedByTeardown) teardown.add(() => service.stop());
  };

  const dynamodb = await startLocalDynamoDb({ persistDir: persist('dynamodb'), log, meter, faults, guard });
  mount({
    name: 'dynamodb',
    listener: dynamodb.listener,
    edgeRoutes: { targetPrefixes: ['DynamoDB_20120810'] },
    whenIdle: async () => {},
    stop: () => dynamodb.stop(),
  });
  const sqs = await startLocalSqs({
    publicEndpoint: edge.url,
    persistDir: persist('sqs'),
    visibilityTimeoutScale: options.queueVisibilityTimeoutScale,
    log,
    meter,
    guard,
  });
  mount({
    name: 'sqs',
    listener: sqs.listener,
    edgeRoutes: { targetPrefixes: ['AmazonSQS'] },
    whenIdle: async () => {},
    stop: () => sqs.stop(),
  });

  const kms = new LocalKms({
    account: stacks[0]?.accountId ?? '000000000000',
    region: stacks[0]?.region ?? LOCAL_REGION,
    persistDirectory: persist('kms'),
  });
  mount(kmsService(kms, guard));

  let lambdaRuntime: LambdaRuntime | undefined;
  // The runtime comes later (step 3), but stops after EventBridge and Step Functions, which call it: teardown runs
  // last-added first.
  teardown.add(async () => lambdaRuntime?.stop());
  let events: LocalEventBridge | undefined;
  let stepFunctions: LocalStepFunctions | undefined;
  const calls: LocalServices = {
    dynamodb,
    sqs,
    events: () => required(events, 'EventBridge'),
    stepFunctions: () => required(stepFunctions, 'Step Functions'),
    lambda: () => required(lambdaRuntime, 'Lambda'),
    faults,
    iam,
  };
  events = new LocalEventBridge({
    dispatcher: eventBridgeDispatcher(calls),
    account: stacks[0]?.accountId,
    region: stacks[0]?.region ?? LOCAL_REGION,
    persistDir: persist('events'),
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    retryMaxDelayMs: options.retryMaxDelayMs,
    log,
    meter,
  });
  const bridge = events;
  mount({
    name: 'events',
    listener: jsonApiListener(eventBridgeApi(bridge), guard),
    edgeRoutes: { targetPrefixes: ['AWSEvents'] },
    whenIdle: () => bridge.whenIdle(),
    // Cuts retry waits short: one last attempt, then the target's dead-letter queue.
    stop: () => bridge.close(),
  });
  routes.byPathPrefix['/_local/'] = localAdminListener(bridge, logBook);
  // The saga console: static files whose scripts call this same endpoint's AWS APIs (docs/console.md).
  const consoleLayouts = new GraphLayouts(log);
  teardown.add(() => consoleLayouts.close());
  routes.byPathPrefix[CONSOLE_PATH.slice(0, -1)] = consoleListener(consoleLayouts);
  stepFunctions = new LocalStepFunctions({
    integrations: stepFunctionsIntegrations(calls),
    heartbeatTimeoutScale: options.heartbeatTimeoutScale,
    retryIntervalScale: options.retryIntervalScale,
    persistDir: persist('stepfunctions'),
    log,
    meter,
  });
  const machines = stepFunctions;
  mount({
    name: 'stepfunctions',
    listener: jsonApiListener(
      countingThrottledCalls(
        faults ? withCallbackFaults(stepFunctionsApi(machines), machines, faults) : stepFunctionsApi(machines),
        'states',
        throttledCalls,
      ),
      guard,
    ),
    edgeRoutes: { targetPrefixes: ['AWSStepFunctions'] },
    whenIdle: () => machines.whenIdle(),
    // Running executions end ABORTED.
    stop: () => machines.stop(),
  });
  return {
    edge,
    edgeListener: routedEdge,
    dynamodb,
    sqs,
    events: bridge,
    stepFunctions: machines,
    kms,
    consoleLayouts,
    calls,
    throttledCalls,
    setLambda: (runtime) => {
      lambdaRuntime = runtime;
    },
    services,
    mount,
  };
}

interface Deployment {
  readonly stacks: DeployedStack[];
  readonly functions: LambdaRegistry;
  readonly apis: ApiGatewayRegistry;
}

/** Step 2: every stack of the stage, in order, onto the started services. */
async function deploy(
  stacks: StackArtifact[],
  started: StartedServices,
  iam: LocalIam | undefined,
): Promise<Deployment> {
  const functions: LambdaRegistry = { functions: [], eventSourceMappings: [] };
  const apis: ApiGatewayRegistry = { apis: new Map() };
  const provisioners = {
    ...passiveProvisioners,
    ...(iam ? iamProvisioners(iam.store) : {}),
    ...dynamoDbProvisioners(started.dynamodb),
    ...(iam ? recordingQueueKeys(iam.store, sqsProvisioners(started.sqs)) : sqsProvisioners(started.sqs)),
    ...eventBridgeProvisioners(started.events),
    ...stepFunctionsProvisioners(started.stepFunctions),
    ...lambdaProvisioners(functions),
    ...apiGatewayProvisioners(apis),
    ...(iam ? recordingKeyPolicies(iam.store, kmsProvisioners(started.kms)) : kmsProvisioners(started.kms)),
  };
  const exports = new Map<string, string>();
  const deployed: DeployedStack[] = [];
  for (const stack of stacks) deployed.push(await deployStack(stack, provisioners, exports));
  for (const spec of functions.functions) if (spec.roleArn) iam?.store.addFunction(spec.name, spec.roleArn);
  return { stacks: deployed, functions, apis };
}

interface ServedApi {
  readonly server: RunningServer;
  readonly basePath: string;
  readonly restApiId: string;
}

/** Step 3: the Lambda runtime, its event source mappings and the REST API, from what the stacks declared. */
async function wire(
  options: LocalCloudOptions,
  started: StartedServices,
  deployment: Deployment,
  teardown: Teardown,
  meter: UsageMeter,
  faults: FaultInjector | undefined,
  iam: LocalIam | undefined,
): Promise<{ lambda: LambdaRuntime; api: ServedApi | undefined; services: LocalService[] }> {
  const log = options.log ?? (() => {});
  const runtime = createLambdaRuntime({
    functions: deployment.functions.functions,
    baseEnvironment: {
      AWS_ENDPOINT_URL: started.edge.url,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    log: options.functionLog ?? log,
    maxEnvironmentsPerFunction: options.maxEnvironmentsPerFunction,
    cpuProfileDirectory: options.cpuProfileDirectory,
    awsEndpointListener: functionTransportOf(options) === 'http' ? undefined : started.edgeListener,
    faults,
    minimumEnvironments: pollersPerFunction(deployment.functions),
    meter,
    asyncRetryDelayMs: options.retryBaseDelayMs ?? 1000,
    deliverFailedEvent: async (targetArn, record) => {
      if (!targetArn.startsWith('arn:aws:sqs:'))
        throw new Error(`Lambda failure destination ${targetArn} is not a queue`);
      await sendToQueue(started.sqs, targetArn, JSON.stringify(record));
    },
  });
  started.setLambda(runtime);
  const lambda: LocalService = {
    name: 'lambda',
    listener: lambdaApiListener(runtime),
    edgeRoutes: { pathPrefixes: ['/2015-03-31/functions'] },
    whenIdle: () => runtime.whenIdle(),
    stop: () => runtime.stop(),
  };
  // Its stop is already in the teardown, after the services that invoke it.
  started.mount(lambda, { stoppedByTeardown: false });

  for (const mapping of deployment.functions.eventSourceMappings) {
    const queue = await started.sqs.getQueueByArn(mapping.eventSourceArn);
    if (!queue) throw new Error(`Event source ${mapping.eventSourceArn} is not a queue of this deployment`);
    await iam?.assertEventSourceMappingAllowed(mapping.functionName.split(':').at(-1) ?? '', mapping.eventSourceArn);
    assertVisibilityCoversFunctionTimeout(started.sqs, runtime, mapping.eventSourceArn, mapping.functionName);
    const poller = startSqsEventSourceMapping({
      queue: localEventSourceQueue(started.sqs, mapping.eventSourceArn),
      queueArn: mapping.eventSourceArn,
      functionArn: mapping.functionName,
      batchSize: mapping.batchSize,
      maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
      reportBatchItemFailures: mapping.reportBatchItemFailures,
      maximumConcurrency: mapping.maximumConcurrency,
      enabled: mapping.enabled,
      runtime,
      log,
      faults,
    });
    teardown.add(() => poller.stop());
  }

  const api = await serveRestApi(deployment.apis, runtime, started, options.apiPort, log, meter, iam);
  const services: LocalService[] = [lambda];
  if (api) {
    services.push(api.service);
    teardown.add(() => api.service.stop());
  }
  return { lambda: runtime, api: api?.served, services };
}

async function serveRestApi(
  registry: ApiGatewayRegistry,
  runtime: LambdaRuntime,
  started: StartedServices,
  port: number | undefined,
  log: (line: string) => void,
  meter: UsageMeter,
  iam: LocalIam | undefined,
): Promise<{ served: ServedApi; service: LocalService } | undefined> {
  const apis = [...registry.apis.values()];
  if (apis.length === 0) return undefined;
  if (apis.length > 1) throw new Error('The local cloud serves one REST API per stage; this stage defines several');
  const definition = apis[0] as RestApiDefinition;
  if (!definition.stage) throw new Error(`REST API ${definition.restApi.logicalId} has no stage`);
  const api = createLocalRestApi(definition, {
    invokeFunction: async (functionArn, event, sourceArn) => {
      // A function whose permissions do not let this API in: API Gateway's "Invalid permissions on Lambda function".
      const refusal = await iam?.deliveryRefusal({
        service: 'apigateway.amazonaws.com',
        action: 'lambda:InvokeFunction',
        resource: functionArn,
        sourceArn,
      });
      if (refusal)
        throw new Error(
          `Execution failed due to configuration error: Invalid permissions on Lambda function (${refusal})`,
        );
      const result = await runtime.invoke(functionArn, event, { invocationType: 'RequestResponse' });
      return 'error' in result ? { error: result.error } : { payload: result.payload };
    },
    accountId: started.events.account,
    region: started.events.region,
    log,
    meter,
  });
  const server = await listenOnLoopback(api.listener, port ?? 0);
  return {
    served: { server, basePath: api.basePath, restApiId: definition.restApi.id },
    service: {
      name: 'apigateway',
      listener: api.listener,
      edgeRoutes: {},
      // Requests in flight are Lambda invocations: the Lambda service's idleness covers them.
      whenIdle: async () => {},
      stop: () => server.close(),
    },
  };
}

/**
 * The pollers of the SQS event source mappings of each function (their MaximumConcurrency, 5 by default): a worker
 * behind a queue spends its time waiting, and its parallelism is what its mapping promises.
 */
function pollersPerFunction(registry: LambdaRegistry): (spec: FunctionSpec) => number {
  const pollers = new Map<string, number>();
  for (const mapping of registry.eventSourceMappings) {
    if (!mapping.enabled) continue;
    const name = mapping.functionName.split(':').at(mapping.functionName.startsWith('arn:') ? 6 : 0) ?? '';
    pollers.set(name, (pollers.get(name) ?? 0) + (mapping.maximumConcurrency ?? DEFAULT_POLLERS));
  }
  return (spec) => pollers.get(spec.name) ?? 1;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not running yet`);
  return value;
}

/** The template says `https://<id>.execute-api.<region>.amazonaws.com/<stage>/`; locally that API is on loopback. */
function localizeApiUrl(value: string, api: ServedApi | undefined): string {
  if (!api) return value;
  return value.replace(new RegExp(`^https://${api.restApiId}\\.execute-api\\.[^/]+/`), `${api.server.url}/`);
}

function functionTransportOf(options: LocalCloudOptions): 'in-process' | 'http' {
  const chosen = options.functionTransport ?? process.env.LOCAL_CLOUD_FUNCTION_TRANSPORT;
  if (chosen === undefined || chosen === 'in-process' || chosen === 'http') return chosen ?? 'in-process';
  throw new Error(`LOCAL_CLOUD_FUNCTION_TRANSPORT must be 'in-process' or 'http', not '${chosen}'`);
}

/**
 * Lambda refuses an SQS event source mapping whose queue's visibility timeout is shorter than the function's timeout
 * (`InvalidParameterValueException` at `CreateEventSourceMapping`, in these words). Judged on the template's timeout,
 * not the scaled one tests boot with: the SQS poller covers the scaled one (sqs-event-source.ts).
 */
function assertVisibilityCoversFunctionTimeout(
  sqs: LocalSqs,
  runtime: LambdaRuntime,
  queueArn: string,
  functionName: string,
): void {
  const visibilitySeconds = sqs.configuredVisibilityTimeoutSeconds(queueArn);
  const functionTimeoutSeconds = runtime.getFunction(functionName).timeoutSeconds;
  if (visibilitySeconds === undefined || visibilitySeconds >= functionTimeoutSeconds) return;
  throw new InvalidFunctionConfigurationError(
    `Event source mapping of ${functionName} on ${queueArn}: Queue visibility timeout: ${visibilitySeconds} seconds is less than Function timeout: ${functionTimeoutSeconds} seconds`,
  );
}
