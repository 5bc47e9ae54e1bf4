/**
 * A service account: a machine identity of one project, with a role below tenant-admin and at most two active
 * secrets (one in use, one being rotated in). Pure: no AWS imports.
 */
import { createHash } from 'node:crypto';
import type { ServiceAccountRole } from '../../../shared/contracts/identity-api.js';

/** At most two active secrets: the one in use and its replacement during a rotation. */
export const MAX_ACTIVE_SECRETS = 2;

export interface StoredSecret {
  readonly secretId: string;
  /** Base64 of SHA-256(salt ‖ secret): the secret itself is never stored (docs/adr/0038-service-accounts.md). */
  readonly hash: string;
  /** Base64 of 16 random bytes, one per secret. */
  readonly salt: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface ServiceAccount {
  readonly serviceAccountId: string;
  readonly tenantId: string;
  readonly projectId: string;
  readonly name: string;
  readonly role: ServiceAccountRole;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly secrets: readonly StoredSecret[];
  /** Incremented by every change, so two concurrent changes of the secrets cannot both win. */
  readonly version: number;
}

const isActive = (secret: StoredSecret): boolean => secret.revokedAt === undefined;

export const activeSecrets = (account: ServiceAccount): StoredSecret[] => account.secrets.filter(isActive);

/**
 * An id derived from the tenant, the caller and their Idempotency-Key: a repeat of a creation finds what the first
 * one made instead of making a second. The client id is the account id (docs/adr/0038-service-accounts.md).
 */
function derivedId(prefix: 'sa' | 'sec', length: number, ...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${prefix}_${hex.slice(0, length)}`;
}

export const serviceAccountIdFor = (tenantId: string, callerSub: string, idempotencyKey: string): string =>
  derivedId('sa', 24, 'service-account', tenantId, callerSub, idempotencyKey);

/** The secret a request adds, derived like the account, so that a repeat of the request is recognised. */
export const secretIdFor = (serviceAccountId: string, callerSub: string, idempotencyKey: string): string =>
  derivedId('sec', 16, 'secret', serviceAccountId, callerSub, idempotencyKey);

/**
 * `srn:sagastack::{tenantId}:{projectId}:service-account/{id}`: global like its project, so that the audit trail of
 * the account is read like any other resource's.
 */
export function serviceAccountSrn(account: Pick<ServiceAccount, 'tenantId' | 'projectId' | 'serviceAccountId'>) {
  return `srn:sagastack::${account.tenantId}:${account.projectId}:service-account/${account.serviceAccountId}`;
}
