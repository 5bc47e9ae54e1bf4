/**
 * Evaluation of the IAM policy a Lambda authorizer returns, the way API Gateway does it: only `execute-api:Invoke`
 * on the request's method ARN matters, `*` and `?` are wildcards, and an explicit Deny wins over any Allow.
 */

interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

/** A policy document that parsed; evaluate it against each request's method ARN. */
export interface AuthorizerPolicy {
  statements: PolicyStatement[];
}

export type PolicyDecision = 'allow' | 'implicit-deny' | 'explicit-deny';

/** Raised for a policy API Gateway would not understand either; surfaces as `AUTHORIZER_CONFIGURATION_ERROR`. */
export class MalformedAuthorizerPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAuthorizerPolicyError';
  }
}

function stringList(value: unknown, member: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((entry) => typeof entry === 'string')) {
    throw new MalformedAuthorizerPolicyError(`policy statement ${member} must be a string or a list of strings`);
  }
  return list as string[];
}

export function parseAuthorizerPolicy(document: unknown): AuthorizerPolicy {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new MalformedAuthorizerPolicyError('policyDocument must be an object');
  }
  const rawStatements = (document as Record<string, unknown>).Statement;
  if (rawStatements === undefined) throw new MalformedAuthorizerPolicyError('policyDocument has no Statement');
  const statements = (Array.isArray(rawStatements) ? rawStatements : [rawStatements]).map((raw): PolicyStatement => {
    if (typeof raw !== 'object' || raw === null)
      throw new MalformedAuthorizerPolicyError('a Statement is not an object');
    const statement = raw as Record<string, unknown>;
    for (const key of Object.keys(statement)) {
      if (!['Effect', 'Action', 'Resource', 'Sid'].includes(key)) {
        // NotAction, NotResource, Condition...: evaluating them half-way could grant access AWS would refuse.
        throw new MalformedAuthorizerPolicyError(`policy statement member ${key} is not supported by the local cloud`);
      }
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw new MalformedAuthorizerPolicyError(`policy statement Effect must be Allow or Deny`);
    }
    return {
      effect: statement.Effect,
      actions: stringList(statement.Action, 'Action'),
      resources: stringList(statement.Resource, 'Resource'),
    };
  });
  return { statements };
}

function wildcardPattern(pattern: string, flags: string): RegExp {
  const body = pattern
    .split('')
    .map((character) => {
      if (character === '*') return '.*';
      if (character === '?') return '.';
      return character.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`, flags);
}

export function evaluateAuthorizerPolicy(policy: AuthorizerPolicy, methodArn: string): PolicyDecision {
  let allowed = false;
  for (const statement of policy.statements) {
    const coversAction = statement.actions.some((action) => wildcardPattern(action, 'i').test('execute-api:Invoke'));
    const coversResource = statement.resources.some((resource) => wildcardPattern(resource, '').test(methodArn));
    if (!coversAction || !coversResource) continue;
    if (statement.effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}
