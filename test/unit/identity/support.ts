/**
 * In-memory ports of the identity context, and a signer with a P-256 key generated per run that answers DER
 * signatures exactly as KMS `Sign` does, so the use cases run end to end without AWS.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { derToJoseSignature } from '../../../functions/identity/domain/platform-token.js';
import type { ServiceAccount } from '../../../functions/identity/domain/service-account.js';
import type { AuditEntry, AuditTrail } from '../../../functions/identity/ports/audit.js';
import type { ServiceAccounts } from '../../../functions/identity/ports/service-accounts.js';
import type { TokenSigner } from '../../../functions/identity/ports/token-signer.js';
import type { VerificationKeys } from '../../../shared/auth/jwt.js';
import { kmsVerificationKeys } from '../../../shared/auth/platform-keys.js';

export const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
export const KEY_ID = '11111111-2222-3333-4444-555555555555';
export const PLATFORM_ISSUER = 'https://platform.sagastack.test';
export const API_AUDIENCE = 'sagastack-api';

export class InMemoryServiceAccounts implements ServiceAccounts {
  readonly items = new Map<string, ServiceAccount>();

  async create(account: ServiceAccount) {
    const existing = this.items.get(account.serviceAccountId);
    if (existing) return { created: false, account: existing };
    this.items.set(account.serviceAccountId, account);
    return { created: true, account };
  }

  async find(serviceAccountId: string) {
    return this.items.get(serviceAccountId);
  }

  async listByProject(projectId: string) {
    return [...this.items.values()].filter((account) => account.projectId === projectId);
  }

  async replaceSecrets(account: ServiceAccount, expectedVersion: number) {
    const current = this.items.get(account.serviceAccountId);
    if (!current || current.version !== expectedVersion) return false;
    this.items.set(account.serviceAccountId, account);
    return true;
  }

  async delete(serviceAccountId: string) {
    return this.items.delete(serviceAccountId);
  }
}

export class RecordingAudit implements AuditTrail {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry) {
    this.entries.push(entry);
  }
}

export interface TestSigningKey {
  readonly signer: TokenSigner;
  readonly verificationKeys: VerificationKeys;
  readonly publicKeyDer: Uint8Array;
  readonly privateKey: KeyObject;
}

/** A P-256 key that signs as KMS does (DER `ECDSA-Sig-Value` over SHA-256 of the raw message). */
export function testSigningKey(): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyDer = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const signer: TokenSigner = {
    keyId: KEY_ID,
    async sign(message) {
      return derToJoseSignature(sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
    },
  };
  return { signer, publicKeyDer, privateKey, verificationKeys: kmsVerificationKeys(KEY_ARN, async () => publicKeyDer) };
}
