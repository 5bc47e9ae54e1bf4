import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { apiRoutes } from '../../shared/contracts/api-routes.js';
import { EVENT_SOURCES } from '../../shared/contracts/events/sources.js';
import { buildDate, gitCommit, packageVersion } from '../build-info.js';
import { authorizerTrustSettings, type StageConfig } from '../config/stages.js';
import { tuning } from '../config/tuning.js';
import { ApiFirewall } from '../constructs/api-firewall.js';
import { AppFunction } from '../constructs/app-function.js';

export interface ApiStackProps extends StackProps {
  readonly config: StageConfig;
  /**
   * The API handlers of every context, by the command name the routes give (`handler` in the API contract); a name
   * served by two contexts fails the synth.
   */
  readonly handlers: ReadonlyArray<ReadonlyMap<string, IFunction>>;
  /** What readiness reads: one table per context, with its key attributes, e.g. `{ table: catalog, keys: 'sku' }`. */
  readonly readinessChecks: ReadonlyArray<{ readonly table: ITableV2; readonly keys: string }>;
  /**
   * Platform-issued tokens (service accounts), which the authorizer accepts beside user tokens: their issuer, the KMS
   * key whose public half verifies them, and the bus on which it audits their use. @default user tokens only
   */
  readonly platformTokens?: { readonly issuer: string; readonly signingKey: IKey; readonly eventBus: IEventBus };
}

/**
 * Errors that never reach a Lambda (no token, denied, throttled, unknown route) use the same envelope as handlers.
 * The two defaults set no status: a status on DEFAULT_4XX/5XX would override every unlisted type (413, 504, ...).
 */
const GATEWAY_ERRORS: ReadonlyArray<{ type: ResponseType; status?: string; code: string }> = [
  { type: ResponseType.UNAUTHORIZED, status: '401', code: 'UNAUTHORIZED' },
  { type: ResponseType.ACCESS_DENIED, status: '403', code: 'FORBIDDEN' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: '404', code: 'NOT_FOUND' },
  { type: ResponseType.THROTTLED, status: '429', code: 'THROTTLED' },
  { type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: '500', code: 'INTERNAL' },
  // API Gateway's own 10 MB limit: the same code as a handler's 413 for a body over the platform's far smaller one.
  { type: ResponseType.REQUEST_TOO_LARGE, status: '413', code: 'PAYLOAD_TOO_LARGE' },
  // The WAF's managed rule groups (where the stage has one); its rate and size rules answer 429 and 413 themselves.
  { type: ResponseType.WAF_FILTERED, status: '403', code: 'REQUEST_BLOCKED' },
  { type: ResponseType.DEFAULT_4XX, code: 'REQUEST_REFUSED' },
  { type: ResponseType.DEFAULT_5XX, code: 'INTERNAL' },
];

/**
 * The public REST API (v1): a JWT-verifying Lambda authorizer guards every route except `/health/*`, and on stages
 * with `firewall` a WAF web ACL guards the stage. Handlers belong to their contexts' stacks; this stack only routes to
 * them.
 */
export class ApiStack extends Stack {
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      // The name is the ApiName dimension of the API's metrics: one per stage, so stages never share alarms.
      restApiName: `sagastack-${config.name}`,
      description: `sagastack ${config.name} API`,
      cloudWatchRole: true,
      deployOptions: {
        stageName: config.name,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        throttlingRateLimit: tuning.api.throttlingRateLimit,
        throttlingBurstLimit: tuning.api.throttlingBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    for (const { type, status, code } of GATEWAY_ERRORS) {
      this.restApi.addGatewayResponse(type.responseType, {
        type,
        statusCode: status,
        responseHeaders: { 'Content-Type': "'application/json'" },
        templates: {
          'application/json': `{"error":{"code":"${code}","message":$context.error.messageString,"correlationId":"$context.requestId"}}`,
        },
      });
    }

    const authorizerFn = new AppFunction(this, 'AuthorizerFn', {
      stage: config,
      entry: 'functions/platform/handlers/authorizer.ts',
      description: 'Verifies user JWTs (RS256) and service account tokens (ES256) for the REST API',
      serviceName: 'platform',
      // Staging's also name its e2e issuer (docs/adr/0042-an-e2e-issuer-for-staging.md); prod's never can.
      environment: authorizerTrustSettings(config),
    });
    if (props.platformTokens) {
      const { issuer, signingKey, eventBus } = props.platformTokens;
      authorizerFn
        .addSetting('PLATFORM_TOKEN_ISSUER', issuer)
        .addSetting('PLATFORM_TOKEN_AUDIENCE', config.jwt.audience)
        .addSetting('PLATFORM_SIGNING_KEY_ARN', signingKey.keyArn)
        // It audits the use of the identity context's tokens, under that context's source only.
        .bindEventBus(eventBus, [EVENT_SOURCES.identity]);
      signingKey.grant(authorizerFn, 'kms:GetPublicKey');
    }
    const authorizer = new TokenAuthorizer(this, 'JwtAuthorizer', {
      handler: authorizerFn,
      identitySource: 'method.request.header.Authorization',
      resultsCacheTtl: Duration.seconds(tuning.api.authorizerCacheTtlSeconds),
    });

    const health = new AppFunction(this, 'HealthFn', {
      stage: config,
      entry: 'functions/platform/handlers/health.ts',
      description: 'GET /health/live and /health/ready',
      serviceName: 'platform',
      environment: {
        APP_VERSION: packageVersion(),
        APP_COMMIT: gitCommit(),
        APP_BUILD_DATE: buildDate(),
        // One store per bounded context: readiness means every context can reach its data.
        HEALTH_CHECK_TABLES: props.readinessChecks.map(({ table, keys }) => `${table.tableName}:${keys}`).join(','),
      },
    });
    for (const { table } of props.readinessChecks) table.grantReadData(health);

    // Every route of the API contract, wired to the handler it names: the contract, docs/openapi.json and this API
    // cannot drift.
    const handlers = new Map<string, IFunction>([['Health', health]]);
    for (const [name, handler] of props.handlers.flatMap((context) => [...context])) {
      if (handlers.has(name)) throw new Error(`Two contexts declare the API handler ${name}`);
      handlers.set(name, handler);
    }
    const resources = new Map<string, IResource>([['', this.restApi.root]]);
    const resourceFor = (path: string): IResource => {
      const known = resources.get(path);
      if (known) return known;
      const slash = path.lastIndexOf('/');
      const created = resourceFor(path.slice(0, slash)).addResource(path.slice(slash + 1));
      resources.set(path, created);
      return created;
    };
    for (const route of apiRoutes) {
      const handler = handlers.get(route.handler);
      if (!handler) {
        throw new Error(
          `The API contract routes ${route.method} ${route.path} to ${route.handler}, which no context declares`,
        );
      }
      const method = resourceFor(route.path).addMethod(
        route.method,
        new LambdaIntegration(handler),
        route.public
          ? { authorizationType: AuthorizationType.NONE }
          : { authorizer, authorizationType: AuthorizationType.CUSTOM },
      );
      if (route.public) {
        for (const rule of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
          Validations.of(method).acknowledge({
            id: rule,
            reason: route.path.startsWith('/health/')
              ? 'Health checks are public by design: load balancers and uptime probes call them without a token.'
              : 'Public by design: a service account authenticates to the token endpoint with its client credentials (RFC 6749 §2.3.1), and the key set holds public keys only.',
          });
        }
      }
    }
    const unrouted = [...handlers.keys()].filter((name) => !apiRoutes.some((route) => route.handler === name));
    if (unrouted.length > 0) throw new Error(`Handlers without a route in the API contract: ${unrouted.join(', ')}`);

    if (config.firewall) {
      new ApiFirewall(this, 'Firewall', {
        stage: this.restApi.deploymentStage,
        name: `sagastack-${config.name}-api`,
      });
    }
    // APIG3 (a stage without WAF) is acknowledged only where the stage has none: with the firewall it does not arise.
    const acknowledged = [
      'AwsSolutions-APIG2',
      ...(config.firewall ? [] : ['AwsSolutions-APIG3']),
      'AwsSolutions-COG4',
    ];
    for (const rule of acknowledged) {
      Validations.of(this.restApi).acknowledge({ id: rule, reason: API_ACKNOWLEDGEMENTS[rule] as string });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.restApi.url, description: 'Base URL of the REST API' });
  }
}

const API_ACKNOWLEDGEMENTS: Record<string, string> = {
  'AwsSolutions-APIG2':
    'Requests are validated in each Lambda with the zod schemas that also generate docs/openapi.json, so errors carry field details in the project envelope.',
  'AwsSolutions-APIG3':
    'This stage runs without the WAF web ACL (StageSettings.firewall, on for staging and prod; docs/adr/0030-edge-protection.md): it is throttled by tuning.api and its handlers refuse bodies over tuning.api.maxRequestBodyBytes.',
  'AwsSolutions-COG4':
    'Authorization is a Lambda authorizer verifying RS256 JWTs from the organisation issuer; Cognito is not used (ADR 0003).',
};
