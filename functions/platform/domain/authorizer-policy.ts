/**
 * The IAM policy a TOKEN authorizer returns to API Gateway. Pure, so the shape is tested without a token.
 */

import type { VerifiedIdentity } from '../../../shared/auth/jwt.js';
import { UnauthorizedError } from '../../../shared/errors.js';

export interface AuthorizerPolicy {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: ReadonlyArray<{
      readonly Action: 'execute-api:Invoke';
      readonly Effect: 'Allow';
      readonly Resource: string;
    }>;
  };
  /** API Gateway passes these to the integration as `requestContext.authorizer.*`; values must be scalars. */
  readonly context: { readonly sub: string; readonly tenant: string; readonly roles: string };
}

/**
 * `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<method>/<path>` → every method and path of that
 * API stage. The policy is cached by token (the authorizer's TTL) and reused for the caller's next requests, whatever
 * route they hit, so it must not name the one route that was asked for; routes check roles themselves.
 */
export function apiWideResourceOf(methodArn: string): string {
  const match = /^arn:([^:]+):execute-api:([^:]+):([^:]+):([^/]+)\/([^/]+)\//.exec(methodArn);
  if (!match) throw new UnauthorizedError('The methodArn is not an execute-api ARN');
  const [, partition, region, account, apiId, stage] = match;
  return `arn:${partition}:execute-api:${region}:${account}:${apiId}/${stage}/*/*`;
}

export function allowPolicy(identity: VerifiedIdentity, methodArn: string): AuthorizerPolicy {
  return {
    principalId: identity.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWideResourceOf(methodArn) }],
    },
    context: { sub: identity.sub, tenant: identity.tenant, roles: identity.roles.join(',') },
  };
}
