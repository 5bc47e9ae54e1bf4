/**
 * Decides whether a function may make an AWS call, as AWS would: the caller's role's identity policies, explicit deny
 * before allow, wildcards, condition keys. The evaluation is `@cloud-copilot/iam-simulate` (docs/adr/0025); decisions
 * are cached, because the same function makes the same call thousands of times and an evaluation costs ~0.2 ms.
 */
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
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
  private readonly validatedPolicies = new WeakMap<NamedPolicy, { name: string; policy: unknown }>();
  private readonly namedConditionKeys = new WeakMap<NamedPolicy, ReadonlySet<string> | 'every'>();
  private cachedForVersion = -1;
  private evaluationCount = 0;

  constructor(private readonly store: PolicyStore) {}

  /** How many decisions were evaluated rather than answered from the cache: how well the cache serves. */
  get evaluations(): number {
    return this.evaluationCount;
  }

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

  /**
   * Whether some value of the condition keys `permission` leaves out could allow it: the caller holds the action on
   * the resource, under conditions. (iam-simulate's Discovery mode, which reports conditional access.)
   */
  async allowsUnderSomeCondition(caller: CallerIdentity, permission: RequiredPermission): Promise<boolean> {
    const key = `discovery\n${caller.roleName}\n${permission.action}\n${permission.resource}\n${JSON.stringify(permission.context ?? {})}`;
    const decision = await this.cached(key, () => this.evaluate(caller, permission, 'Discovery'));
    return decision === 'Allowed';
  }

  /**
   * Whether an AWS service (`events.amazonaws.com`, `apigateway.amazonaws.com`) may act on a resource of the account
   * on behalf of `sourceArn` (a rule, an API): decided by the resource's policy alone, as for a service principal.
   */
  async serviceRefusal(
    service: string,
    permission: RequiredPermission,
    resourcePolicy: NamedPolicy | undefined,
  ): Promise<AccessRefusal | undefined> {
    const key = `${service}\n${permission.action}\n${permission.resource}\n${JSON.stringify(permission.context ?? {})}`;
    const decision = await this.cached(key, async () => {
      if (!resourcePolicy) return 'ImplicitlyDenied';
      const [, , , , account = ''] = permission.resource.split(':');
      return simulate(
        {
          request: {
            principal: service,
            action: permission.action,
            resource: { resource: permission.resource, accountId: account },
            contextVariables: {
              'aws:SecureTransport': 'true',
              'aws:SourceAccount': account,
              ...toMutable(permission.context),
            },
          },
          identityPolicies: [],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: this.validated(resourcePolicy, 'resource').policy,
        } as Parameters<typeof runSimulation>[0],
        permission.action,
      );
    });
    if (decision === 'Allowed') return undefined;
    const because =
      decision === 'ExplicitlyDenied'
        ? 'with an explicit deny in a resource-based policy'
        : `because no resource-based policy allows the ${permission.action} action`;
    return {
      permission,
      message: `${service} is not authorized to perform: ${permission.action} on resource: ${permission.resource} ${because}`,
    };
  }

  private async decide(caller: CallerIdentity, permission: RequiredPermission): Promise<Decision> {
    const decisive = this.decisiveContext(caller, permission);
    const key = `${caller.roleName}\n${permission.action}\n${permission.resource}\n${JSON.stringify(decisive)}`;
    return this.cached(key, () => this.evaluate(caller, permission));
  }

  /**
   * The condition keys of `permission` that a policy judging it names: only they can change the decision, so only
   * they belong in its cache key. A KMS call carries its encryption context as keys of its own
   * (`kms:EncryptionContext:checkoutId`), different for every record; in the key, they made every record's call a
   * new evaluation (two a checkout, about 0.5 ms each) although no policy of the app names them. A policy naming a key
   * that stands for a set of keys (`kms:EncryptionContextKeys`, `aws:TagKeys`) keeps the whole context.
   */
  private decisiveContext(
    caller: CallerIdentity,
    permission: RequiredPermission,
  ): RequiredPermission['context'] | undefined {
    const context = permission.context;
    if (!context) return undefined;
    const resourcePolicy = this.store.resourcePolicyOf(permission.resource);
    const named = new Set<string>();
    for (const policy of resourcePolicy ? [...caller.policies, resourcePolicy] : caller.policies) {
      const keys = this.conditionKeysNamedBy(policy);
      if (keys === 'every') return context;
      for (const key of keys) named.add(key);
    }
    return Object.fromEntries(Object.entries(context).filter(([key]) => named.has(key.toLowerCase())));
  }

  /** The condition keys a policy names (lowercase), in its conditions and its `${...}` variables; read once. */
  private conditionKeysNamedBy(policy: NamedPolicy): ReadonlySet<string> | 'every' {
    let keys = this.namedConditionKeys.get(policy);
    if (!keys) {
      keys = conditionKeysOf(policy.document);
      this.namedConditionKeys.set(policy, keys);
    }
    return keys;
  }

  private async cached(key: string, evaluate: () => Promise<Decision>): Promise<Decision> {
    if (this.cachedForVersion !== this.store.version) {
      this.decisions.clear();
      this.cachedForVersion = this.store.version;
    }
    const cached = this.decisions.get(key);
    if (cached) return cached;
    this.evaluationCount += 1;
    const decision = await evaluate();
    if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
    this.decisions.set(key, decision);
    return decision;
  }

  private async evaluate(
    caller: CallerIdentity,
    permission: RequiredPermission,
    simulationMode: 'Strict' | 'Discovery' = 'Strict',
  ): Promise<Decision> {
    const resourcePolicy = this.store.resourcePolicyOf(permission.resource);
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
      identityPolicies: caller.policies.map((policy) => this.validated(policy, 'identity')),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // The resource's own policy counts too (a key policy must let the account's policies decide; a queue policy's
      // explicit deny holds against any caller).
      ...(resourcePolicy ? { resourcePolicy: this.validated(resourcePolicy, 'resource').policy } : {}),
    } as Parameters<typeof runSimulation>[0];
    if (TASK_TOKEN_ACTIONS.has(permission.action)) return runUnsafeSimulation(simulation, {}) as Decision;
    return simulate(simulation, permission.action, simulationMode);
  }

  /** The policy validated once (the evaluator skips validating it again), for identity or resource use. */
  private validated(policy: NamedPolicy, use: 'identity' | 'resource'): { name: string; policy: unknown } {
    let validated = this.validatedPolicies.get(policy);
    if (!validated) {
      const validator = use === 'identity' ? validateIdentityPolicy : validateResourcePolicy;
      validated = {
        name: policy.name,
        policy: createValidatedPolicy(policy.document as never, validator, { name: policy.name }),
      };
      this.validatedPolicies.set(policy, validated);
    }
    return validated;
  }
}

/** Condition keys that stand for a set of keys of the request: a policy naming one depends on every key. */
const KEY_SET_CONDITION_KEYS = new Set(['kms:encryptioncontextkeys', 'aws:tagkeys']);

/**
 * The condition keys a policy document names, lowercase (IAM compares them without case): the keys of its statements'
 * `Condition` blocks and the `${...}` policy variables anywhere in it. `'every'` when it names a key-set key.
 */
function conditionKeysOf(document: unknown): ReadonlySet<string> | 'every' {
  const keys = new Set<string>();
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const condition = (statement as { Condition?: unknown } | undefined)?.Condition;
    if (!condition || typeof condition !== 'object') continue;
    for (const byKey of Object.values(condition)) {
      if (byKey && typeof byKey === 'object') for (const key of Object.keys(byKey)) keys.add(key.toLowerCase());
    }
  }
  for (const [, variable = ''] of JSON.stringify(document ?? {}).matchAll(/\$\{([^}]+)\}/g)) {
    keys.add(variable.toLowerCase());
  }
  return [...keys].some((key) => KEY_SET_CONDITION_KEYS.has(key)) ? 'every' : keys;
}

/** Runs one simulation: `Allowed`, or which kind of denial. */
async function simulate(
  simulation: Parameters<typeof runSimulation>[0],
  action: string,
  simulationMode: 'Strict' | 'Discovery' = 'Strict',
): Promise<Decision> {
  const result = await runSimulation(simulation, { simulationMode });
  if (result.resultType === 'error') {
    throw new Error(`IAM evaluation of ${action} failed: ${JSON.stringify(result.errors)}`);
  }
  return decisionOf(result);
}

/** `Allowed`, or which kind of denial, from a simulation's result. */
function decisionOf(result: Awaited<ReturnType<typeof runSimulation>>): Decision {
  if (result.resultType !== 'single') return 'ImplicitlyDenied';
  const explicit = getDenialReasons(result.result.analysis).some((reason) => reason.denialType === 'Explicit');
  return result.overallResult === 'Allowed' ? 'Allowed' : explicit ? 'ExplicitlyDenied' : 'ImplicitlyDenied';
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
