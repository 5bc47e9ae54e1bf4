/**
 * GET /health/live (the function runs) and GET /health/ready (its tables answer; 503 otherwise), one function routed
 * by the API resource. Public: load balancers and uptime checks carry no token.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { NotFoundError } from '../../../shared/errors.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { errorResponse } from '../../../shared/http/error-envelope.js';
import { dynamoTableProbe } from '../adapters/dynamo-table-probe.js';
import { readinessInputFromEnv } from '../adapters/readiness-from-env.js';
import { checkReadiness } from '../use-cases/check-readiness.js';

const live = apiHandler({ public: true }, async () => ({ statusCode: 200, body: { status: 'ok' } }));
const ready = apiHandler({ public: true }, async () => {
  const readiness = await checkReadiness(readinessInputFromEnv(), { probe: dynamoTableProbe() });
  return { statusCode: readiness.status === 'ok' ? 200 : 503, body: readiness };
});

export const handler = async (event: APIGatewayProxyEvent, context: Context) => {
  // `resource` is the route template; `path` is the request path, which may carry a base-path mapping prefix.
  const routes = [event.resource, event.path].filter((route): route is string => typeof route === 'string');
  if (routes.some((route) => route.endsWith('/health/live'))) return live(event, context);
  if (routes.some((route) => route.endsWith('/health/ready'))) return ready(event, context);
  return errorResponse(new NotFoundError('Route', routes[0] ?? ''), event.requestContext?.requestId ?? 'health');
};
