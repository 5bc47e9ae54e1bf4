/**
 * Task `Resource` ARNs: which ones the local cloud can route, how they appear in the execution history, and how their
 * errors are named for Retry and Catch.
 */

type IntegrationPattern = 'requestResponse' | 'waitForTaskToken' | 'sync';

/** Where a Task state's work goes. */
export interface TaskRoute {
  /**
   * `lambdaFunction`: a plain function ARN (result is the payload, history uses LambdaFunction* events).
   * `stateMachine`: `states:startExecution`, a nested execution run by Step Functions itself.
   */
  kind: 'lambdaFunction' | 'lambdaInvoke' | 'service' | 'stateMachine';
  pattern: IntegrationPattern;
  /** Service as written in the ARN, e.g. `sqs`, `dynamodb`, `lambda`. */
  service: string;
  /** Action as written in the ARN, e.g. `sendMessage`, `putItem`, `invoke`. */
  action: string;
  /** True for `arn:aws:states:::aws-sdk:*` integrations. */
  sdk: boolean;
  /** The function of a `lambdaFunction` route. */
  functionArn?: string;
  /** `resourceType` / `resource` of the TaskScheduled history event. */
  resourceType: string;
  resource: string;
  /** Prefix of service errors as Retry and Catch see them, e.g. `DynamoDB` or (aws-sdk) `DynamoDb`. */
  errorPrefix: string;
  /**
   * `.sync` (1): the job's output as AWS's Java SDK describes it, its `Output` a JSON string; `.sync:2`: `Output` parsed.
   * Set only for the `sync` pattern.
   */
  syncVersion?: 1 | 2;
}

export type RouteResult = { route: TaskRoute } | { unsupported: string };

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9$_-]+)?$/;
const STATES_INTEGRATION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]*:(?:\d{12})?:(.+)$/;

/**
 * The optimized integrations the local cloud runs, with the error prefix AWS gives their failures and whether AWS
 * offers `.waitForTaskToken` and `.sync` (run a job) for them. All but `states` are routed to `TaskIntegrations`;
 * `states:startExecution` starts a nested execution of this Step Functions.
 */
const OPTIMIZED_INTEGRATIONS: Record<
  string,
  { actions: readonly string[]; errorPrefix: string; callback: boolean; sync: boolean }
> = {
  lambda: { actions: ['invoke'], errorPrefix: 'Lambda', callback: true, sync: false },
  sqs: { actions: ['sendMessage'], errorPrefix: 'SQS', callback: true, sync: false },
  events: { actions: ['putEvents'], errorPrefix: 'EventBridge', callback: true, sync: false },
  sns: { actions: ['publish'], errorPrefix: 'SNS', callback: true, sync: false },
  dynamodb: {
    actions: ['putItem', 'getItem', 'updateItem', 'deleteItem'],
    errorPrefix: 'DynamoDB',
    callback: false,
    sync: false,
  },
  states: { actions: ['startExecution'], errorPrefix: 'StepFunctions', callback: true, sync: true },
};

/**
 * AWS names aws-sdk integration errors `<ServiceName>.<ErrorName>` with the service in PascalCase, which cannot be
 * derived from the lowercase ARN segment alone (`acmpca` is `AcmPca`); these are the services a saga plausibly calls.
 */
const SDK_ERROR_PREFIXES: Record<string, string> = {
  apigateway: 'ApiGateway',
  cloudwatch: 'CloudWatch',
  cloudwatchlogs: 'CloudWatchLogs',
  dynamodb: 'DynamoDb',
  eventbridge: 'EventBridge',
  firehose: 'Firehose',
  kinesis: 'Kinesis',
  kms: 'Kms',
  lambda: 'Lambda',
  s3: 'S3',
  secretsmanager: 'SecretsManager',
  ses: 'Ses',
  sesv2: 'SesV2',
  sfn: 'Sfn',
  sns: 'Sns',
  sqs: 'Sqs',
  ssm: 'Ssm',
};

/** Classifies a Task `Resource`; anything not listed here is refused at boot. */
export function routeTaskResource(resource: string): RouteResult {
  if (LAMBDA_FUNCTION_ARN.test(resource)) {
    return {
      route: {
        kind: 'lambdaFunction',
        pattern: 'requestResponse',
        service: 'lambda',
        action: 'invoke',
        sdk: false,
        functionArn: resource,
        resourceType: 'lambda',
        resource,
        errorPrefix: 'Lambda',
      },
    };
  }
  const integration = STATES_INTEGRATION_ARN.exec(resource)?.[1];
  if (integration === undefined) return { unsupported: `Task resource '${resource}'` };
  if (integration.startsWith('activity:')) return { unsupported: `activity resource '${resource}'` };

  const sdk = integration.startsWith('aws-sdk:');
  const serviceAndAction = sdk ? integration.slice('aws-sdk:'.length) : integration;
  const colon = serviceAndAction.indexOf(':');
  if (colon <= 0) return { unsupported: `Task resource '${resource}'` };
  const service = serviceAndAction.slice(0, colon);
  const actionWithPattern = serviceAndAction.slice(colon + 1);
  const dot = actionWithPattern.indexOf('.');
  const action = dot === -1 ? actionWithPattern : actionWithPattern.slice(0, dot);
  const suffix = dot === -1 ? '' : actionWithPattern.slice(dot + 1);
  const pattern = parsePattern(suffix);
  if (pattern === undefined) return { unsupported: `integration pattern '.${suffix}' of '${resource}'` };

  const route = {
    pattern,
    service,
    action,
    sdk,
    resourceType: sdk ? `aws-sdk:${service}` : service,
    resource: actionWithPattern,
  };
  if (sdk) {
    if (pattern !== 'requestResponse') {
      return {
        unsupported: `'.${suffix}' on the AWS SDK integration '${resource}' (AWS offers it only on optimized ones)`,
      };
    }
    return { route: { ...route, kind: 'service', errorPrefix: sdkErrorPrefix(service) } };
  }
  const optimized = OPTIMIZED_INTEGRATIONS[service];
  if (optimized === undefined || !optimized.actions.includes(action)) {
    return { unsupported: `optimized integration '${resource}'` };
  }
  if (pattern === 'waitForTaskToken' && !optimized.callback) {
    return { unsupported: `'.waitForTaskToken' on '${service}:${action}'` };
  }
  if (pattern === 'sync' && !optimized.sync) return { unsupported: `'.${suffix}' integration '${resource}'` };
  const kind = service === 'lambda' ? 'lambdaInvoke' : service === 'states' ? 'stateMachine' : 'service';
  const syncVersion = pattern === 'sync' ? (suffix === 'sync:2' ? 2 : 1) : undefined;
  return {
    route: { ...route, kind, errorPrefix: optimized.errorPrefix, ...(syncVersion ? { syncVersion } : {}) },
  };
}

function parsePattern(suffix: string): IntegrationPattern | undefined {
  if (suffix === '') return 'requestResponse';
  if (suffix === 'waitForTaskToken') return 'waitForTaskToken';
  if (suffix === 'sync' || suffix === 'sync:2') return 'sync';
  return undefined;
}

function sdkErrorPrefix(service: string): string {
  return SDK_ERROR_PREFIXES[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
}
