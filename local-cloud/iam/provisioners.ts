/**
 * The identity resources of a template, recorded in the policy store as they deploy: roles with their inline and
 * managed policies, and the policies attached to roles by name. They still resolve `Ref` and `Fn::GetAtt` as before.
 */
import { roleIdentity } from '../deploy/provisioners/passive.js';
import type { Provisioner } from '../deploy/stack-deployer.js';
import type { PolicyDocument } from './managed-policies.js';
import { listOf, type PolicyStore } from './policy-store.js';

/** `http://127.0.0.1:4566/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
function queueArnOf(queueUrl: string, region: string): string {
  const [name = '', account = ''] = queueUrl.split('/').reverse();
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

export function iamProvisioners(store: PolicyStore): Readonly<Record<string, Provisioner>> {
  return {
    'AWS::IAM::Role': {
      supported: ['ManagedPolicyArns', 'Policies', 'RoleName'],
      // Who may assume the role is the platform's business locally: functions and state machines act as theirs.
      withoutEffect: ['AssumeRolePolicyDocument', 'Description', 'Path', 'Tags', 'MaxSessionDuration'],
      provision: async (resource) => {
        const role = roleIdentity(resource);
        store.addRole(role.ref, resource.properties);
        return role;
      },
    },
    'AWS::IAM::Policy': {
      supported: ['PolicyDocument', 'PolicyName', 'Roles'],
      // The local cloud has no IAM users or groups: nothing signs as one.
      withoutEffect: ['Users', 'Groups'],
      provision: async (resource) => {
        const name = String(resource.properties.PolicyName ?? resource.generatedName());
        for (const role of listOf(resource.properties.Roles).map(String)) {
          store.attach(role, name, resource.properties.PolicyDocument as PolicyDocument);
        }
        return { ref: name };
      },
    },
    'AWS::SQS::QueuePolicy': {
      supported: ['PolicyDocument', 'Queues'],
      provision: async (resource) => {
        const statements = listOf((resource.properties.PolicyDocument as PolicyDocument).Statement);
        for (const url of listOf(resource.properties.Queues).map(String)) {
          store.addResourceStatements(queueArnOf(url, resource.stack.region), statements);
        }
        return { ref: resource.generatedName() };
      },
    },
    // A function's resource policy, one statement per permission: which service (or account) may invoke it, from
    // which source.
    'AWS::Lambda::Permission': {
      supported: ['Action', 'FunctionName', 'Principal', 'SourceArn', 'SourceAccount'],
      provision: async (resource) => {
        const { Action, FunctionName, Principal, SourceArn, SourceAccount } = resource.properties as Record<
          string,
          string | undefined
        >;
        const name = String(FunctionName);
        const functionArn = name.startsWith('arn:')
          ? name
          : `arn:aws:lambda:${resource.stack.region}:${resource.stack.accountId}:function:${name}`;
        const condition: Record<string, Record<string, string>> = {};
        if (SourceArn) condition.ArnLike = { 'AWS:SourceArn': SourceArn };
        if (SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': SourceAccount };
        const principal = String(Principal).endsWith('.amazonaws.com') ? { Service: Principal } : { AWS: Principal };
        store.addResourceStatements(functionArn, [
          {
            Sid: resource.logicalId,
            Effect: 'Allow',
            Principal: principal,
            Action,
            Resource: functionArn,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
          },
        ]);
        return { ref: resource.generatedName() };
      },
    },
    'AWS::IAM::ManagedPolicy': {
      supported: ['PolicyDocument', 'ManagedPolicyName', 'Roles'],
      withoutEffect: ['Description', 'Path'],
      provision: async (resource) => {
        const name = String(resource.properties.ManagedPolicyName ?? resource.generatedName());
        const arn = `arn:aws:iam::${resource.stack.accountId}:policy/${name}`;
        for (const role of listOf(resource.properties.Roles).map(String)) {
          store.attach(role, arn, resource.properties.PolicyDocument as PolicyDocument);
        }
        return { ref: arn };
      },
    },
  };
}

/**
 * The SQS provisioners, each queue's encryption key also recorded: sending to a queue encrypted with a customer key
 * needs `kms:GenerateDataKey` on it, receiving `kms:Decrypt`, through SQS (`kms:ViaService`).
 */
export function recordingQueueKeys(
  store: PolicyStore,
  provisioners: Readonly<Record<string, Provisioner>>,
): Readonly<Record<string, Provisioner>> {
  const queue = provisioners['AWS::SQS::Queue'];
  if (!queue) return provisioners;
  return {
    ...provisioners,
    'AWS::SQS::Queue': {
      ...queue,
      provision: async (resource) => {
        const provisioned = await queue.provision(resource);
        const key = resource.properties.KmsMasterKeyId;
        if (typeof key === 'string' && key.startsWith('arn:'))
          store.setQueueKey(String(provisioned.attributes?.Arn), key);
        return provisioned;
      },
    },
  };
}

/**
 * The KMS provisioners, each key's policy also recorded as its resource policy: IAM evaluates it with the caller's
 * identity policies (a key policy with the account's root statement lets them decide, as CDK's default one does).
 */
export function recordingKeyPolicies(
  store: PolicyStore,
  provisioners: Readonly<Record<string, Provisioner>>,
): Readonly<Record<string, Provisioner>> {
  const key = provisioners['AWS::KMS::Key'];
  if (!key) return provisioners;
  return {
    ...provisioners,
    'AWS::KMS::Key': {
      ...key,
      supported: [...(key.supported === 'checked-by-service' ? [] : key.supported), 'KeyPolicy'],
      withoutEffect: (key.withoutEffect ?? []).filter((property) => property !== 'KeyPolicy'),
      provision: async (resource) => {
        const provisioned = await key.provision(resource);
        const policy = resource.properties.KeyPolicy as PolicyDocument | undefined;
        store.addResourceStatements(String(provisioned.attributes?.Arn), listOf(policy?.Statement));
        return provisioned;
      },
    },
  };
}
