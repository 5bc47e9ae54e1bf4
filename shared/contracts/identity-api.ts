/**
 * Request and response bodies of the identity API: service accounts (machine identities scoped to one project), the
 * OAuth 2.0 token endpoint that exchanges their credentials for a short-lived platform token, and the key set that
 * verifies those tokens. `IDENTITY_API_ROUTES` describes the routes for `api-routes.ts` and the OpenAPI document.
 */
import * as z from 'zod';
import type { ApiRoute } from './api-route.js';
import { Identifier } from './common.js';

/**
 * What a service account may be: never `tenant-admin`, so a leaked secret cannot manage the tenant. `checkout-agent`
 * grants nothing on the API's routes: it lets the account present its token with an agent's CheckoutRequested.v1
 * (docs/adr/0038-service-accounts.md §8).
 */
export const ServiceAccountRole = z.enum(['member', 'viewer', 'checkout-agent']);
export type ServiceAccountRole = z.infer<typeof ServiceAccountRole>;

export const CreateServiceAccountBody = z
  .object({
    name: z.string().trim().min(1).max(64),
    role: ServiceAccountRole,
  })
  .strict();
export type CreateServiceAccountBody = z.infer<typeof CreateServiceAccountBody>;

const ClientSecret = z.string().describe('Shown once, never stored: only its salted hash is kept');

export const ServiceAccountCreated = z.object({
  serviceAccountId: Identifier,
  clientId: Identifier,
  clientSecret: ClientSecret,
  secretId: Identifier,
});
export type ServiceAccountCreated = z.infer<typeof ServiceAccountCreated>;

const SecretStatus = z.enum(['ACTIVE', 'REVOKED']);

const ServiceAccountSecretView = z.object({
  secretId: Identifier,
  status: SecretStatus,
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});

export const ServiceAccountView = z.object({
  serviceAccountId: Identifier,
  clientId: Identifier,
  projectId: Identifier,
  tenantId: z.string(),
  name: z.string(),
  role: ServiceAccountRole,
  createdAt: z.string(),
  secrets: z.array(ServiceAccountSecretView),
});
export type ServiceAccountView = z.infer<typeof ServiceAccountView>;

const ServiceAccountList = z.object({ serviceAccounts: z.array(ServiceAccountView) });

export const SecretCreated = z.object({
  serviceAccountId: Identifier,
  secretId: Identifier,
  clientSecret: ClientSecret,
});
export type SecretCreated = z.infer<typeof SecretCreated>;

export const ServiceAccountPath = z.object({ projectId: Identifier, serviceAccountId: Identifier });
export const ServiceAccountSecretPath = ServiceAccountPath.extend({ secretId: Identifier });
export const ProjectServiceAccountsPath = z.object({ projectId: Identifier });

/**
 * `POST /oauth/token`'s body, `application/x-www-form-urlencoded` as RFC 6749 §4.4.2 requires. The client
 * authenticates with HTTP Basic or with `client_id` and `client_secret` here (§2.3.1), never both.
 */
const TokenRequestForm = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  scope: z.string().optional().describe('Ignored: a token carries the project scope of its account'),
});

/** RFC 6749 §5.1. */
export const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** RFC 6749 §5.2: the token endpoint's errors, instead of the API's error envelope. */
export const OAuthErrorCode = z.enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
]);
export type OAuthErrorCode = z.infer<typeof OAuthErrorCode>;
const OAuthErrorBody = z.object({ error: OAuthErrorCode, error_description: z.string().optional() });

/** RFC 7517: the public keys that verify platform-issued tokens (EC P-256, ES256). */
export const JsonWebKeySet = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
});
export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;

const TENANT_ADMIN = ['tenant-admin'] as const;

/** The identity routes, for `apiRoutes` (and so the OpenAPI document and the API construct). */
export const IDENTITY_API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/projects/{projectId}/service-accounts',
    handler: 'CreateServiceAccount',
    summary:
      'Create a service account of the project, role member, viewer or checkout-agent; the secret is shown once (tenant-admin)',
    idempotencyKey: true,
    roles: TENANT_ADMIN,
    pathParameters: ProjectServiceAccountsPath,
    body: CreateServiceAccountBody,
    success: { status: 201, schema: ServiceAccountCreated },
    errors: [400, 409],
  },
  {
    method: 'GET',
    path: '/projects/{projectId}/service-accounts',
    handler: 'ListServiceAccounts',
    summary: 'The service accounts of a project, without secrets (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: ProjectServiceAccountsPath,
    success: { status: 200, schema: ServiceAccountList },
    errors: [400],
  },
  {
    method: 'GET',
    path: '/projects/{projectId}/service-accounts/{serviceAccountId}',
    handler: 'GetServiceAccount',
    summary: 'One service account with the status of its secrets (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: ServiceAccountPath,
    success: { status: 200, schema: ServiceAccountView },
    errors: [400, 404],
  },
  {
    method: 'DELETE',
    path: '/projects/{projectId}/service-accounts/{serviceAccountId}',
    handler: 'DeleteServiceAccount',
    summary:
      'Delete a service account: its secrets stop working at once, its tokens expire on their own (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: ServiceAccountPath,
    success: { status: 204, schema: z.undefined() },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/projects/{projectId}/service-accounts/{serviceAccountId}/secrets',
    handler: 'AddServiceAccountSecret',
    summary: 'Add a secret for a rotation, at most two active; shown once (tenant-admin)',
    idempotencyKey: true,
    roles: TENANT_ADMIN,
    pathParameters: ServiceAccountPath,
    success: { status: 201, schema: SecretCreated },
    errors: [400, 404, 409],
  },
  {
    method: 'DELETE',
    path: '/projects/{projectId}/service-accounts/{serviceAccountId}/secrets/{secretId}',
    handler: 'RevokeServiceAccountSecret',
    summary: 'Revoke a secret: refused at the next token request (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: ServiceAccountSecretPath,
    success: { status: 200, schema: ServiceAccountView },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/oauth/token',
    handler: 'IssueToken',
    summary:
      'OAuth 2.0 client credentials grant (RFC 6749 §4.4): a 15-minute ES256 platform token for a service account',
    public: true,
    body: TokenRequestForm,
    bodyMediaType: 'application/x-www-form-urlencoded',
    success: { status: 200, schema: TokenResponse },
    errorBody: OAuthErrorBody,
    errors: [400, 401],
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: 'GetJwks',
    summary: 'The public keys that verify platform-issued tokens (RFC 7517)',
    public: true,
    success: { status: 200, schema: JsonWebKeySet },
    errors: [],
  },
];
