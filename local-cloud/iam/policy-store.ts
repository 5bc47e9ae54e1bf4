/**
 * The identity side of a deployment: each role's policies (inline, attached `AWS::IAM::Policy` and
 * `AWS::IAM::ManagedPolicy`, and AWS managed policies by ARN), and which function, by its access key id, acts as
 * which role. Filled while the stacks deploy; read on every call a function makes.
 */
import { functionAccessKeyId } from './credentials.js';
import { managedPolicy, type PolicyDocument } from './managed-policies.js';

export interface NamedPolicy {
  /** Where the policy comes from, as a refusal names it: the policy's name or the managed policy's ARN. */
  readonly name: string;
  readonly document: PolicyDocument;
}

/** A function's identity as AWS shows it in a refusal: its role's session, named after the function. */
export interface CallerIdentity {
  readonly roleName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<function>`. */
  readonly sessionArn: string;
  readonly policies: readonly NamedPolicy[];
}

/** @public A deployment refused for a managed policy the local cloud cannot evaluate; boot fails with it. */
export class UnknownManagedPolicyError extends Error {
  constructor(role: string, arn: string) {
    super(
      `Role ${role} attaches the managed policy ${arn}, which the local cloud does not know (local-cloud/iam/managed-policies.ts); add its document there`,
    );
    this.name = 'UnknownManagedPolicyError';
  }
}

export class PolicyStore {
  private readonly policiesByRole = new Map<string, NamedPolicy[]>();
  /** Resource policies by the ARN of what they guard: queue policies, and functions' `AWS::Lambda::Permission`s. */
  private readonly resourcePolicies = new Map<string, NamedPolicy>();
  /** The customer managed key of each encrypted queue, by the queue's ARN. */
  private readonly queueKeys = new Map<string, string>();
  private readonly callers = new Map<string, { roleArn: string; functionName: string }>();
  /** Bumped on every change, so that cached decisions of an older store are never reused. */
  private generation = 0;

  get version(): number {
    return this.generation;
  }

  /** An `AWS::IAM::Role`: its inline policies and the managed policies it attaches. */
  addRole(roleName: string, properties: { Policies?: unknown; ManagedPolicyArns?: unknown }): void {
    const inline = listOf(properties.Policies) as Array<{ PolicyName?: string; PolicyDocument?: PolicyDocument }>;
    for (const policy of inline) {
      if (policy.PolicyDocument) this.attach(roleName, String(policy.PolicyName ?? 'inline'), policy.PolicyDocument);
    }
    for (const arn of listOf(properties.ManagedPolicyArns).map(String)) {
      const document = managedPolicy(arn);
      if (!document) throw new UnknownManagedPolicyError(roleName, arn);
      this.attach(roleName, arn, document);
    }
  }

  /** An `AWS::IAM::Policy` or `AWS::IAM::ManagedPolicy`, attached to the roles it names. */
  attach(roleName: string, name: string, document: PolicyDocument): void {
    const policies = this.policiesByRole.get(roleName) ?? [];
    policies.push({ name, document });
    this.policiesByRole.set(roleName, policies);
    this.generation++;
  }

  /** A function that acts as `roleArn`; its calls are signed with `functionAccessKeyId(functionName)`. */
  addFunction(functionName: string, roleArn: string): void {
    this.callers.set(functionAccessKeyId(functionName), { roleArn, functionName });
    this.generation++;
  }

  /** Adds the statements of a resource policy of `resourceArn` (a queue's policy, a function's permission). */
  addResourceStatements(resourceArn: string, statements: readonly unknown[]): void {
    const earlier = (this.resourcePolicies.get(resourceArn)?.document.Statement ?? []) as unknown[];
    this.resourcePolicies.set(resourceArn, {
      name: resourceArn,
      document: { Version: '2012-10-17', Statement: [...earlier, ...statements] },
    });
    this.generation++;
  }

  setQueueKey(queueArn: string, keyArn: string): void {
    this.queueKeys.set(queueArn, keyArn);
    this.generation++;
  }

  /** The customer managed key a queue is encrypted with, if any. */
  keyOfQueue(queueArn: string): string | undefined {
    return this.queueKeys.get(queueArn);
  }

  /** The resource policy of `resourceArn`, or `undefined` when it has none (only identity policies can allow then). */
  resourcePolicyOf(resourceArn: string): NamedPolicy | undefined {
    return this.resourcePolicies.get(resourceArn);
  }

  /** The identity of a role acting for a service (a state machine's role), named as AWS names its session. */
  roleIdentity(roleArn: string, sessionName: string): CallerIdentity {
    const [, , , , account = '', resource = ''] = roleArn.split(':');
    const roleName = resource.slice(resource.lastIndexOf('/') + 1);
    return {
      roleName,
      sessionArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      policies: this.policiesByRole.get(roleName) ?? [],
    };
  }

  /** The identity of a function's role, as its calls and its event source mappings are judged. */
  functionIdentity(functionName: string): CallerIdentity | undefined {
    return this.callerOf(functionAccessKeyId(functionName));
  }

  /** Who signed with `accessKeyId`; `undefined` for a key no function holds (an operator, a test, a tool). */
  callerOf(accessKeyId: string | undefined): CallerIdentity | undefined {
    const caller = accessKeyId ? this.callers.get(accessKeyId) : undefined;
    // A function's session is named after the function, as Lambda names it.
    return caller ? this.roleIdentity(caller.roleArn, caller.functionName) : undefined;
  }
}

/** A CloudFormation property that may be one value or a list, as a list (`undefined` → none). */
export const listOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];
