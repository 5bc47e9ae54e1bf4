/**
 * Service accounts as a tenant-admin manages them (the API route checks the role): create, read, list, delete, add a
 * secret and revoke one. Secrets are answered once, at creation, and never stored or replayed: a repeated request
 * (same Idempotency-Key) finds what the first one made and says that its secret was already shown.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type {
  CreateServiceAccountBody,
  SecretCreated,
  ServiceAccountCreated,
  ServiceAccountView,
} from '../../../shared/contracts/identity-api.js';
import { ConflictError, NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { generateClientSecret, hashClientSecret } from '../domain/client-secret.js';
import {
  activeSecrets,
  MAX_ACTIVE_SECRETS,
  type ServiceAccount,
  type StoredSecret,
  secretIdFor,
  serviceAccountIdFor,
  serviceAccountSrn,
} from '../domain/service-account.js';
import type { AuditEntry, AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ServiceAccounts } from '../ports/service-accounts.js';

export interface ManagePorts {
  readonly accounts: ServiceAccounts;
  readonly audit: AuditTrail;
  readonly clock?: Clock;
}

interface Caller {
  readonly principal: Principal;
  readonly correlationId: string;
}

interface AccountRequest extends Caller {
  readonly projectId: string;
  readonly serviceAccountId: string;
}

/** How often a change of the secrets is tried again when another change won the race. */
const MAX_SECRET_UPDATE_ATTEMPTS = 3;

export async function createServiceAccount(
  command: Caller & { projectId: string; body: CreateServiceAccountBody; idempotencyKey: string },
  ports: ManagePorts,
): Promise<ServiceAccountCreated> {
  const { principal, projectId, body } = command;
  const serviceAccountId = serviceAccountIdFor(principal.tenant, principal.sub, command.idempotencyKey);
  const secretId = secretIdFor(serviceAccountId, principal.sub, command.idempotencyKey);
  const clientSecret = generateClientSecret();
  const createdAt = (ports.clock ?? systemClock)().toISOString();
  // No check that the project exists: it is provisioning's, and the account's token can only ever reach projects of
  // its tenant that provisioning finds (docs/adr/0038-service-accounts.md).
  const { created, account } = await ports.accounts.create({
    serviceAccountId,
    tenantId: principal.tenant,
    projectId,
    name: body.name,
    role: body.role,
    createdBy: principal.sub,
    createdAt,
    secrets: [{ secretId, ...hashClientSecret(clientSecret), createdAt }],
    version: 1,
  });
  if (!created) {
    const sameRequest =
      account.tenantId === principal.tenant &&
      account.projectId === projectId &&
      account.name === body.name &&
      account.role === body.role;
    if (!sameRequest) throw keyReused();
    throw secretShownOnce(serviceAccountId);
  }
  await record(ports, command, account, 'identity.service-account.create', { name: body.name, role: body.role });
  logger.info('Service account created', { serviceAccountId, projectId });
  return { serviceAccountId, clientId: serviceAccountId, clientSecret, secretId };
}

export async function getServiceAccount(request: AccountRequest, ports: ManagePorts): Promise<ServiceAccountView> {
  return viewOf(await findOwnAccount(request, ports.accounts));
}

export async function listServiceAccounts(
  request: Caller & { projectId: string },
  ports: ManagePorts,
): Promise<ServiceAccountView[]> {
  const accounts = await ports.accounts.listByProject(request.projectId);
  // Another tenant may have named the same project id in its own path: only the caller's tenant's accounts count.
  return accounts.filter((account) => account.tenantId === request.principal.tenant).map(viewOf);
}

export async function deleteServiceAccount(request: AccountRequest, ports: ManagePorts): Promise<void> {
  const account = await findOwnAccount(request, ports.accounts);
  if (!(await ports.accounts.delete(account.serviceAccountId))) throw notFound(request.serviceAccountId);
  await record(ports, request, account, 'identity.service-account.delete');
  logger.info('Service account deleted', { serviceAccountId: account.serviceAccountId });
}

export async function addSecret(
  command: AccountRequest & { idempotencyKey: string },
  ports: ManagePorts,
): Promise<SecretCreated> {
  const secretId = secretIdFor(command.serviceAccountId, command.principal.sub, command.idempotencyKey);
  const clientSecret = generateClientSecret();
  const account = await changeSecrets(command, ports, (current, now) => {
    if (current.secrets.some((secret) => secret.secretId === secretId)) throw secretShownOnce(secretId);
    if (activeSecrets(current).length >= MAX_ACTIVE_SECRETS) {
      throw new ConflictError(
        'TOO_MANY_SECRETS',
        `A service account has at most ${MAX_ACTIVE_SECRETS} active secrets; revoke one first`,
      );
    }
    return [...current.secrets, { secretId, ...hashClientSecret(clientSecret), createdAt: now }];
  });
  await record(ports, command, account, 'identity.secret.add', { secretId });
  return { serviceAccountId: account.serviceAccountId, secretId, clientSecret };
}

export async function revokeSecret(
  command: AccountRequest & { secretId: string },
  ports: ManagePorts,
): Promise<ServiceAccountView> {
  let revoked = false;
  const account = await changeSecrets(command, ports, (current, now) => {
    const target = current.secrets.find((secret) => secret.secretId === command.secretId);
    if (!target) throw new NotFoundError('Secret', command.secretId);
    revoked = target.revokedAt === undefined;
    // A repeat of the revocation changes nothing and answers the same.
    if (!revoked) return undefined;
    return current.secrets.map((secret) => (secret === target ? { ...secret, revokedAt: now } : secret));
  });
  if (revoked) await record(ports, command, account, 'identity.secret.revoke', { secretId: command.secretId });
  return viewOf(account);
}

/**
 * Applies `change` to the account's current secrets, again on a fresh read if another change won the race;
 * `change` answers `undefined` when there is nothing to write.
 */
async function changeSecrets(
  request: AccountRequest,
  ports: ManagePorts,
  change: (current: ServiceAccount, now: string) => readonly StoredSecret[] | undefined,
): Promise<ServiceAccount> {
  for (let attempt = 1; attempt <= MAX_SECRET_UPDATE_ATTEMPTS; attempt += 1) {
    const current = await findOwnAccount(request, ports.accounts);
    const secrets = change(current, (ports.clock ?? systemClock)().toISOString());
    if (!secrets) return current;
    const next = { ...current, secrets, version: current.version + 1 };
    if (await ports.accounts.replaceSecrets(next, current.version)) return next;
  }
  throw new ConflictError('CONCURRENT_CHANGE', 'The service account changed while this request ran; retry');
}

/** The caller's tenant's account of that project; anything else is "not found", so nothing leaks. */
async function findOwnAccount(request: AccountRequest, accounts: ServiceAccounts): Promise<ServiceAccount> {
  const account = await accounts.find(request.serviceAccountId);
  if (!account || account.tenantId !== request.principal.tenant || account.projectId !== request.projectId) {
    throw notFound(request.serviceAccountId);
  }
  return account;
}

function viewOf(account: ServiceAccount): ServiceAccountView {
  return {
    serviceAccountId: account.serviceAccountId,
    clientId: account.serviceAccountId,
    projectId: account.projectId,
    tenantId: account.tenantId,
    name: account.name,
    role: account.role,
    createdAt: account.createdAt,
    secrets: account.secrets.map((secret) => ({
      secretId: secret.secretId,
      status: secret.revokedAt === undefined ? 'ACTIVE' : 'REVOKED',
      createdAt: secret.createdAt,
      ...(secret.revokedAt === undefined ? {} : { revokedAt: secret.revokedAt }),
    })),
  };
}

async function record(
  ports: ManagePorts,
  caller: Caller,
  account: ServiceAccount,
  action: string,
  details?: AuditEntry['details'],
): Promise<void> {
  const { principal } = caller;
  await ports.audit.record({
    action,
    outcome: 'SUCCEEDED',
    srn: serviceAccountSrn(account),
    tenantId: account.tenantId,
    actor: { sub: principal.sub, tenant: principal.tenant, roles: [...principal.roles] },
    correlationId: caller.correlationId,
    ...(details ? { details } : {}),
  });
}

const notFound = (serviceAccountId: string) => new NotFoundError('Service account', serviceAccountId);

const keyReused = () =>
  new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body');

/** A secret is shown once: a repeated request learns what was made, never the secret again. */
const secretShownOnce = (id: string) =>
  new ConflictError(
    'SECRET_SHOWN_ONCE',
    'This request was already served and its secret shown; add a new secret if it was lost',
    { id },
  );
