/**
 * KMS keys and aliases of a template, created in the local KMS (docs/local-cloud/kms.md). A key's id is derived from
 * its stack and logical id, so the same template deployed again after a restart with `--persist` finds its key, and
 * its material, again: data encrypted before the restart decrypts after it.
 */
import { createHash } from 'node:crypto';
import type { LocalKms } from '../../kms/index.js';
import type { Provisioner, ResourceToProvision } from '../stack-deployer.js';

/** A key's id (`Ref`) and ARN, stable across deployments of the same template: the same whether or not IAM is on. */
function keyIdentity(resource: ResourceToProvision): { ref: string; attributes: Record<string, unknown> } {
  const { accountId, region, stackName } = resource.stack;
  const hex = createHash('sha256').update(`${accountId}/${region}/${stackName}/${resource.logicalId}`).digest('hex');
  // Shaped like the version 4 UUIDs AWS gives keys.
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return {
    ref: keyId,
    attributes: { Arn: `arn:aws:kms:${region}:${accountId}:key/${keyId}`, KeyId: keyId },
  };
}

/** Key properties with no behaviour locally: rotation keeps the same material, tags and deletion windows do nothing. */
const KEY_WITHOUT_EFFECT = [
  'EnableKeyRotation',
  'RotationPeriodInDays',
  'PendingWindowInDays',
  'Tags',
  'MultiRegion',
  'BypassPolicyLockoutSafetyCheck',
];

export function kmsProvisioners(kms: LocalKms): Readonly<Record<string, Provisioner>> {
  return {
    'AWS::KMS::Key': {
      supported: ['KeySpec', 'KeyUsage', 'Enabled', 'Description'],
      // Key policies are not evaluated when IAM is off; with IAM on, `recordingKeyPolicies` records them.
      withoutEffect: ['KeyPolicy', ...KEY_WITHOUT_EFFECT],
      provision: async (resource) => {
        const identity = keyIdentity(resource);
        const { KeySpec, KeyUsage, Enabled, Description } = resource.properties;
        kms.createKey({
          keyId: identity.ref,
          keySpec: KeySpec === undefined ? undefined : String(KeySpec),
          keyUsage: KeyUsage === undefined ? undefined : String(KeyUsage),
          enabled: Enabled !== false && Enabled !== 'false',
          description: Description === undefined ? undefined : String(Description),
        });
        return identity;
      },
    },
    'AWS::KMS::Alias': {
      supported: ['AliasName', 'TargetKeyId'],
      provision: async (resource) => {
        const aliasName = String(resource.properties.AliasName);
        kms.createAlias(aliasName, String(resource.properties.TargetKeyId), { replace: true });
        return { ref: aliasName };
      },
    },
  };
}
