/**
 * The identity resources of a template, recorded in the policy store as they deploy: roles with their inline and
 * managed policies, and the policies attached to roles by name. They still resolve `Ref` and `Fn::GetAtt` as before.
 */
import { roleIdentity } from '../deploy/provisioners/passive.js';
import type { Provisioner } from '../deploy/stack-deployer.js';
import type { PolicyDocument } from './managed-policies.js';
import type { PolicyStore } from './policy-store.js';

const roleNames = (roles: unknown): string[] => (Array.isArray(roles) ? roles.map(String) : []);

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
        for (const role of roleNames(resource.properties.Roles)) {
          store.attach(role, name, resource.properties.PolicyDocument as PolicyDocument);
        }
        return { ref: name };
      },
    },
    'AWS::IAM::ManagedPolicy': {
      supported: ['PolicyDocument', 'ManagedPolicyName', 'Roles'],
      withoutEffect: ['Description', 'Path'],
      provision: async (resource) => {
        const name = String(resource.properties.ManagedPolicyName ?? resource.generatedName());
        const arn = `arn:aws:iam::${resource.stack.accountId}:policy/${name}`;
        for (const role of roleNames(resource.properties.Roles)) {
          store.attach(role, arn, resource.properties.PolicyDocument as PolicyDocument);
        }
        return { ref: arn };
      },
    },
  };
}
