import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { OAuthError } from '../../../functions/identity/domain/oauth-request.js';
import { issueToken } from '../../../functions/identity/use-cases/issue-token.js';
import {
  addSecret,
  createServiceAccount,
  deleteServiceAccount,
  getServiceAccount,
  listServiceAccounts,
  type ManagePorts,
  revokeSecret,
} from '../../../functions/identity/use-cases/manage-service-accounts.js';
import { verifyPlatformToken } from '../../../shared/auth/platform-keys.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { ConflictError, NotFoundError, UnauthorizedError } from '../../../shared/errors.js';
import {
  API_AUDIENCE,
  InMemoryServiceAccounts,
  KEY_ID,
  PLATFORM_ISSUER,
  RecordingAudit,
  testSigningKey,
} from './support.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const ADMIN: Principal = { sub: 'admin-1', tenant: 'tenant-a', roles: ['tenant-admin'] };
const OTHER_TENANT_ADMIN: Principal = { sub: 'admin-2', tenant: 'tenant-b', roles: ['tenant-admin'] };
const PROJECT = 'prj_1';
const SETTINGS = { issuer: PLATFORM_ISSUER, audience: API_AUDIENCE, lifetimeSeconds: 900 };

let accounts: InMemoryServiceAccounts;
let audit: RecordingAudit;
let ports: ManagePorts;

beforeEach(() => {
  accounts = new InMemoryServiceAccounts();
  audit = new RecordingAudit();
  ports = { accounts, audit, clock: () => new Date('2026-12-01T10:00:00Z') };
});

const create = (key = 'key-00000001', principal = ADMIN, role: 'member' | 'viewer' = 'member') =>
  createServiceAccount(
    { projectId: PROJECT, body: { name: 'ci', role }, principal, idempotencyKey: key, correlationId: 'c-1' },
    ports,
  );

const tokenFor = (clientId: string, clientSecret: string, signing = testSigningKey()) =>
  issueToken(
    { credentials: { clientId, clientSecret }, correlationId: 'c-2' },
    { accounts, audit, signer: signing.signer, settings: SETTINGS },
  );

describe('service accounts (use cases, in-memory ports)', () => {
  it('creates an account with one active secret, keeps only its salted hash, and audits the creation', async () => {
    // Act
    const created = await create();

    // Assess
    expect(created).toEqual({
      serviceAccountId: expect.stringMatching(/^sa_[a-f0-9]{24}$/),
      clientId: created.serviceAccountId,
      clientSecret: expect.stringMatching(/^sas_/),
      secretId: expect.stringMatching(/^sec_/),
    });
    expect(JSON.stringify([...accounts.items.values()])).not.toContain(created.clientSecret);
    const view = await getServiceAccount(
      { ...created, projectId: PROJECT, principal: ADMIN, correlationId: 'c' },
      ports,
    );
    expect(view).toMatchObject({ projectId: PROJECT, tenantId: 'tenant-a', role: 'member' });
    expect(view.secrets).toEqual([
      { secretId: created.secretId, status: 'ACTIVE', createdAt: '2026-12-01T10:00:00.000Z' },
    ]);
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: 'identity.service-account.create',
        outcome: 'SUCCEEDED',
        srn: `srn:sagastack::tenant-a:${PROJECT}:service-account/${created.serviceAccountId}`,
        actor: { sub: 'admin-1', tenant: 'tenant-a', roles: ['tenant-admin'] },
      }),
    ]);
  });

  it('answers a repeated request with 409 SECRET_SHOWN_ONCE, never the secret again, and makes no second account', async () => {
    // Prepare
    const first = await create();

    // Act
    const repeat = create();

    // Assess
    await expect(repeat).rejects.toMatchObject({ code: 'SECRET_SHOWN_ONCE', details: { id: first.serviceAccountId } });
    await expect(repeat).rejects.toBeInstanceOf(ConflictError);
    expect(accounts.items.size).toBe(1);
  });

  it("hides another tenant's account as not found, and lists only the caller's tenant's accounts", async () => {
    // Prepare
    const mine = await create();
    await create('key-00000002', OTHER_TENANT_ADMIN);

    // Act
    const reading = getServiceAccount(
      {
        serviceAccountId: mine.serviceAccountId,
        projectId: PROJECT,
        principal: OTHER_TENANT_ADMIN,
        correlationId: 'c',
      },
      ports,
    );
    const listed = await listServiceAccounts({ projectId: PROJECT, principal: ADMIN, correlationId: 'c' }, ports);

    // Assess
    await expect(reading).rejects.toBeInstanceOf(NotFoundError);
    expect(listed.map((account) => account.serviceAccountId)).toEqual([mine.serviceAccountId]);
  });

  it('keeps at most two active secrets: a third is refused until one is revoked', async () => {
    // Prepare
    const { serviceAccountId, secretId } = await create();
    const request = { serviceAccountId, projectId: PROJECT, principal: ADMIN, correlationId: 'c' };
    const second = await addSecret({ ...request, idempotencyKey: 'key-00000010' }, ports);

    // Act
    const third = addSecret({ ...request, idempotencyKey: 'key-00000011' }, ports);
    await expect(third).rejects.toMatchObject({ code: 'TOO_MANY_SECRETS' });
    const afterRevoke = await revokeSecret({ ...request, secretId }, ports);
    const thirdAgain = await addSecret({ ...request, idempotencyKey: 'key-00000011' }, ports);

    // Assess
    expect(second.secretId).not.toBe(secretId);
    expect(afterRevoke.secrets.map((secret) => secret.status)).toEqual(['REVOKED', 'ACTIVE']);
    expect(thirdAgain.clientSecret).toMatch(/^sas_/);
    expect(audit.entries.map((entry) => entry.action)).toEqual([
      'identity.service-account.create',
      'identity.secret.add',
      'identity.secret.revoke',
      'identity.secret.add',
    ]);
  });
});

describe('issueToken (client credentials)', () => {
  it('signs a 15-minute ES256 token with the tenant, role, project scope and client id, and audits the issue', async () => {
    // Prepare
    const signing = testSigningKey();
    const { clientId, clientSecret, serviceAccountId } = await create('key-00000001', ADMIN, 'viewer');

    // Act
    const answer = await tokenFor(clientId, clientSecret, signing);

    // Assess
    expect(answer).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(decodeProtectedHeader(answer.access_token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: KEY_ID });
    const identity = await verifyPlatformToken(answer.access_token, signing.verificationKeys, {
      issuer: PLATFORM_ISSUER,
      audience: API_AUDIENCE,
    });
    expect(identity).toEqual({
      sub: serviceAccountId,
      tenant: 'tenant-a',
      roles: ['viewer'],
      project: PROJECT,
      tokenId: expect.any(String),
    });
    const claims = decodeJwt(answer.access_token);
    expect(claims.client_id).toBe(clientId);
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'identity.token.issue',
      outcome: 'SUCCEEDED',
      actor: { sub: serviceAccountId, tenant: 'tenant-a', roles: ['viewer'] },
      details: { jti: claims.jti },
    });
  });

  it('refuses a revoked secret at the next request, audited as DENIED, while the other secret still works', async () => {
    // Prepare
    const { serviceAccountId, clientSecret, secretId } = await create();
    const request = { serviceAccountId, projectId: PROJECT, principal: ADMIN, correlationId: 'c' };
    const replacement = await addSecret({ ...request, idempotencyKey: 'key-00000010' }, ports);
    await revokeSecret({ ...request, secretId }, ports);

    // Act
    const refused = tokenFor(serviceAccountId, clientSecret);
    const accepted = await tokenFor(serviceAccountId, replacement.clientSecret);

    // Assess
    await expect(refused).rejects.toMatchObject({ code: 'invalid_client' });
    await expect(refused).rejects.toBeInstanceOf(OAuthError);
    expect(accepted.token_type).toBe('Bearer');
    expect(
      audit.entries.filter((entry) => entry.action === 'identity.token.issue').map((entry) => entry.outcome),
    ).toEqual(['DENIED', 'SUCCEEDED']);
  });

  it('refuses an unknown client and a deleted account with the same invalid_client', async () => {
    // Prepare
    const { serviceAccountId, clientSecret } = await create();
    await deleteServiceAccount({ serviceAccountId, projectId: PROJECT, principal: ADMIN, correlationId: 'c' }, ports);

    // Act
    const deleted = tokenFor(serviceAccountId, clientSecret);
    const unknown = tokenFor('sa_000000000000000000000000', clientSecret);
    const malformed = tokenFor('not-a-client', clientSecret);

    // Assess
    for (const refused of [deleted, unknown, malformed]) {
      await expect(refused).rejects.toMatchObject({
        code: 'invalid_client',
        description: 'The client id or secret is not valid',
      });
    }
  });
});

describe('verifyPlatformToken', () => {
  it('refuses a platform token whose signature is not the platform key’s', async () => {
    // Prepare
    const { clientId, clientSecret } = await create();
    const answer = await tokenFor(clientId, clientSecret, testSigningKey());

    // Act
    const verifying = verifyPlatformToken(answer.access_token, testSigningKey().verificationKeys, {
      issuer: PLATFORM_ISSUER,
      audience: API_AUDIENCE,
    });

    // Assess
    await expect(verifying).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
