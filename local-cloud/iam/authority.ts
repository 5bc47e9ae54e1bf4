/**
 * Decides whether a function may make an AWS call, as AWS would: the caller's role's identity policies, explicit deny
 * before allow, wildcards, condition keys. The evaluation is `@cloud-copilot/iam-simulate` (docs/adr/0025); decisions
 * are cached, because the same function makes the same call thousands of times and an evaluation costs ~0.2 ms.
 */
import { createValidatedPolicy, validateIdentityPolicy } from '@cloud-copilot/iam-policy';
import { getDenialReasons, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { CallerIdentity, NamedPolicy, PolicyStore } from './policy-store.js';

/** One permission a call needs: the IAM action on a resource, with the condition keys the call sets. */
export interface RequiredPermission {
  /** `dynamodb:PutItem`. */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
  /** Condition keys of the request, e.g. `{ 'events:source': ['sagastack.checkout'] }`. @default none */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** A refusal, worded as AWS words it. */
export interface AccessRefusal {
  readonly permission: RequiredPermission;
  readonly message: string;
}

/**
 * Actions the service reference types as `Resource: "*"` although AWS authorizes them against the state machine
 * whose task the token belongs to (CDK's `grantTaskResponse` grants exactly that): evaluated without the reference's
 * resource check.
 */
const TASK_TOKEN_ACTIONS = new Set(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']);
const MAX_CACHED_DECISIONS = 20_000;

type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export class IamAuthority {
  private readonly decisions = new Map<string, Decision>();
  private readonly validated = new WeakMap<NamedPolicy, { name: string; policy: unknown }>();
  private cachedForVersion = -1;

  constructor(private readonly store: PolicyStore) {}

  /** The function that signed with `accessKeyId`, or `undefined` when no function did (unrestricted). */
  callerOf(accessKeyId: string | undefined): CallerIdentity | undefined {
    return this.store.callerOf(accessKeyId);
  }

  /** The first permission `caller` lacks, or `undefined` when every one is allowed. */
  async refusal(
    caller: CallerIdentity,
    permissions: readonly RequiredPermission[],
  ): Promise<AccessRefusal | undefined> {
    for (const permission of permissions) {
      const decision = await this.decide(caller, permission);
      if (decision !== 'Allowed') return { permission, message: refusalMessage(caller, permission, decision) };
    }
    return undefined;
  }

  private async decide(caller: CallerIdentity, permission: RequiredPermission): Promise<Decision> {
    if (this.cachedForVersion !== this.store.version) {
      this.decisions.clear();
      this.cachedForVersion = this.store.version;
    }
    const key = `${caller.roleName}\n${permission.action}\n${permission.resource}\n${JSON.stringify(permission.context ?? {})}`;
    const cached = this.decisions.get(key);
    if (cached) return cached;
    const decision = await this.evaluate(caller, permission);
    if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
    this.decisions.set(key, decision);
    return decision;
  }

  private async evaluate(caller: CallerIdentity, permission: RequiredPermission): Promise<Decision> {
    const [, , , , account = ''] = caller.sessionArn.split(':');
    const simulation = {
      request: {
        principal: caller.sessionArn,
        action: permission.action,
        resource: { resource: permission.resource, accountId: account },
        contextVariables: {
          // The loopback endpoint is plain HTTP, but stands for AWS's HTTPS one: queues' enforceSSL policies hold.
          'aws:SecureTransport': 'true',
          'aws:PrincipalArn': caller.sessionArn,
          'aws:PrincipalAccount': account,
          ...toMutable(permission.context),
        },
      },
      identityPolicies: caller.policies.map((policy) => this.validatedPolicy(policy)),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    } as Parameters<typeof runSimulation>[0];
    if (TASK_TOKEN_ACTIONS.has(permission.action)) return runUnsafeSimulation(simulation, {}) as Decision;
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') {
      throw new Error(`IAM evaluation of ${permission.action} failed: ${JSON.stringify(result.errors)}`);
    }
    if (result.resultType !== 'single') return 'ImplicitlyDenied';
    const explicit = getDenialReasons(result.result.analysis).some((reason) => reason.denialType === 'Explicit');
    return result.overallResult === 'Allowed' ? 'Allowed' : explicit ? 'ExplicitlyDenied' : 'ImplicitlyDenied';
  }

  private validatedPolicy(policy: NamedPolicy): { name: string; policy: unknown } {
    let validated = this.validated.get(policy);
    if (!validated) {
      validated = {
        name: policy.name,
        policy: createValidatedPolicy(policy.document as never, validateIdentityPolicy, { name: policy.name }),
      };
      this.validated.set(policy, validated);
    }
    return validated;
  }
}

function refusalMessage(caller: CallerIdentity, permission: RequiredPermission, decision: Decision): string {
  const because =
    decision === 'ExplicitlyDenied'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${permission.action} action`;
  return `User: ${caller.sessionArn} is not authorized to perform: ${permission.action} on resource: ${permission.resource} ${because}`;
}

const toMutable = (context: RequiredPermission['context']): Record<string, string | string[]> =>
  Object.fromEntries(
    Object.entries(context ?? {}).map(([key, value]) => [key, typeof value === 'string' ? value : [...value]]),
  );
