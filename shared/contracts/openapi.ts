/** Builds the OpenAPI 3.1 document from `apiRoutes`; zod 4 writes the JSON Schemas (2020-12, as OpenAPI 3.1 uses). */
import * as z from 'zod';
import { apiRoutes } from './api-routes.js';
import { ErrorEnvelope } from './common.js';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Malformed JSON or a schema violation, with field details',
  401: 'Missing, invalid or expired token',
  403: 'The caller lacks the required role',
  404: 'Unknown, or owned by someone else',
  409: 'Conflict (idempotency key reused with another body, request in progress, stock)',
  422: 'A business rule refuses the request',
  429: 'Throttled',
  500: 'Unexpected error',
  503: 'A dependency is unavailable; retry with the same Idempotency-Key',
};

const schema = (type: z.ZodType) => z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' });

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const errorResponse = { $ref: '#/components/responses/Error' };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of apiRoutes) {
    const pathShape = (route.pathParameters?.shape ?? {}) as Record<string, z.ZodType>;
    const parameters: unknown[] = Object.entries(pathShape).map(([name, parameter]) => ({
      name,
      in: 'path',
      required: true,
      schema: schema(parameter),
    }));
    for (const [name, parameter] of Object.entries((route.query?.shape ?? {}) as Record<string, z.ZodType>)) {
      parameters.push({
        name,
        in: 'query',
        required: !parameter.safeParse(undefined).success,
        schema: schema(parameter),
      });
    }
    if (route.idempotencyKey) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: 'Same key and body: the same result. Same key, another body: 409.',
        schema: { type: 'string', minLength: 8, maxLength: 128 },
      });
    }
    const errors = route.public ? route.errors : [...new Set([...route.errors, 401, 403, 429, 500])].sort();
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      ...(route.public ? { security: [] } : {}),
      ...(route.roles ? { description: `Requires one of the roles: ${route.roles.join(', ')}.` } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { [route.bodyMediaType ?? 'application/json']: { schema: schema(route.body) } },
            },
          }
        : {}),
      responses: {
        [route.success.status]: {
          description: STATUS_TEXT[route.success.status] ?? 'Success',
          // 204 No Content carries no body to describe.
          ...(route.success.status === 204
            ? {}
            : { content: { 'application/json': { schema: schema(route.success.schema) } } }),
        },
        ...Object.fromEntries(
          errors.map((status) => [
            status,
            route.errorBody
              ? {
                  description: STATUS_TEXT[status],
                  content: { 'application/json': { schema: schema(route.errorBody) } },
                }
              : { ...errorResponse, description: STATUS_TEXT[status] },
          ]),
        ),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'sagastack API',
      version,
      description:
        'Checkout API of sagastack. Every error uses one envelope: { error: { code, message, details?, correlationId } }.',
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        variables: { apiId: { default: 'api' }, region: { default: 'eu-west-1' }, stage: { default: 'dev' } },
      },
    ],
    security: [{ bearerJwt: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat:
            'JWT: a user token (RS256; claims sub, roles, tenant) or a service account token from POST /oauth/token (ES256; plus project, its scope)',
        },
      },
      responses: {
        Error: { description: 'Error envelope', content: { 'application/json': { schema: schema(ErrorEnvelope) } } },
      },
    },
  };
}
