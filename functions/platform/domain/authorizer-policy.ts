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
      readonly Resource: string | readonly string[];
    }>;
  };
  /**
   * API Gateway passes these to the integration as `requestContext.authorizer.*`; values must be scalars. `project`
   * only for a platform token: the one project it may act in.
   */
  readonly context: {
    readonly sub: string;
    readonly tenant: string;
    readonly roles: string;
    readonly project?: string;
  };
}

/** `arn:...:execute-api:<region>:<account>:<apiId>/<stage>` of the method ARN asked for. */
function apiStageOf(methodArn: string): string {
  const match = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\//.exec(methodArn);
  if (!match?.[1]) throw new UnauthorizedError('The methodArn is not an execute-api ARN');
  return match[1];
}

/**
 * `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<method>/<path>` → every method and path of that
 * API stage. The policy is cached by token (the authorizer's TTL) and reused for the caller's next requests, whatever
 * route they hit, so it must not name the one route that was asked for; routes check roles themselves.
 */
export function apiWideResourceOf(methodArn: string): string {
  return `${apiStageOf(methodArn)}/*/*`;
}

/**
 * What a project-scoped token may reach, whatever route it asks for first (the policy is cached by token): its
 * project and everything under it, and resources by id, whose project only their owner knows, so the provisioning
 * use cases check it against the scope (docs/service-accounts.md). Every other route (carts, checkouts, audit,
 * projects of the tenant) is refused by API Gateway with 403 before any function runs. A cached policy is applied to
 * every request within the TTL: https://repost.aws/knowledge-center/api-gateway-lambda-authorization-errors
 */
function projectScopedResourcesOf(methodArn: string, project: string): string[] {
  const stage = apiStageOf(methodArn);
  return [`${stage}/*/projects/${project}`, `${stage}/*/projects/${project}/*`, `${stage}/*/resources/*`];
}

export function allowPolicy(identity: VerifiedIdentity & { project?: string }, methodArn: string): AuthorizerPolicy {
  const { project } = identity;
  return {
    principalId: identity.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: project === undefined ? apiWideResourceOf(methodArn) : projectScopedResourcesOf(methodArn, project),
        },
      ],
    },
    context: {
      sub: identity.sub,
      tenant: identity.tenant,
      roles: identity.roles.join(','),
      ...(project === undefined ? {} : { project }),
    },
  };
}
