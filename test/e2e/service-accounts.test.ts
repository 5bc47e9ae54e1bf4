/**
 * Service accounts end to end (issue 11, docs/service-accounts.md): a tenant-admin creates one, it exchanges its
 * credentials for a platform token at POST /oauth/token, and that token works in its project and nowhere else. A
 * revoked secret is refused; an expired token is 401; every step leaves an audit record.
 */
import { randomUUID } from 'node:crypto';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AuditRecordView,
  auditTrailWhen,
  createProject,
  deprovisionLeftovers,
  requestResource,
  tenantTeam,
} from './support/provisioning.js';
import { type ApiResponse, type Caller, call, output, target } from './support/target.js';

interface Account {
  readonly serviceAccountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly secretId: string;
}

async function createServiceAccount(admin: Caller, projectId: string, role = 'member'): Promise<Account> {
  const response = await call('POST', `projects/${projectId}/service-accounts`, {
    caller: admin,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { name: `ci-${randomUUID().slice(0, 8)}`, role },
  });
  if (response.status !== 201) throw new Error(`Could not create an account: ${response.status} ${response.text}`);
  return response.body as Account;
}

/** RFC 6749 §4.4.2 with HTTP Basic client authentication (§2.3.1). */
function requestToken(clientId: string, clientSecret: string): Promise<ApiResponse> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  return call('POST', 'oauth/token', {
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    rawBody: 'grant_type=client_credentials',
  });
}

async function tokenOf(account: Pick<Account, 'clientId' | 'clientSecret'>): Promise<string> {
  const response = await requestToken(account.clientId, account.clientSecret);
  if (response.status !== 200) throw new Error(`No token: ${response.status} ${response.text}`);
  return response.body.access_token as string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Signs a platform token with the stage's KMS key directly, as the token endpoint would, with chosen claims. */
async function signWithPlatformKey(claims: Record<string, unknown>): Promise<string> {
  const keyArn = output('ServiceAccountSigningKeyArn');
  const kms = new KMSClient({
    region: target.region,
    ...(target.awsEndpoint
      ? { endpoint: target.awsEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
      : {}),
  });
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'ES256', typ: 'JWT', kid: keyArn.split('/').at(-1) })}.${part(claims)}`;
  const { Signature } = await kms.send(
    new SignCommand({
      KeyId: keyArn,
      Message: Buffer.from(input),
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );
  return `${input}.${Buffer.from(rawSignature(Signature as Uint8Array)).toString('base64url')}`;
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → R‖S, 32 bytes each (RFC 7518 §3.4). */
function rawSignature(der: Uint8Array): Uint8Array {
  const integers: Buffer[] = [];
  let offset = 2;
  while (offset < der.length) {
    const length = der[offset + 1] as number;
    const value = Buffer.from(der.subarray(offset + 2, offset + 2 + length));
    const trimmed = value.subarray(value.length > 32 ? value.length - 32 : 0);
    integers.push(Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]));
    offset += 2 + length;
  }
  return Buffer.concat(integers);
}

const accountSrn = (tenant: string, projectId: string, id: string) =>
  `srn:sagastack::${tenant}:${projectId}:service-account/${id}`;

describe('service accounts', () => {
  // Not part of any scenario: frees the capacity the scenarios hold, for targets that outlive one run.
  afterAll(deprovisionLeftovers);

  it("works in its own project and nowhere else: not another project, another tenant's, or an admin route", async () => {
    // Prepare
    const a = tenantTeam();
    const b = tenantTeam();
    const ownProject = await createProject(a.admin);
    const otherProject = await createProject(a.admin);
    const otherTenantProject = await createProject(b.admin);
    const account = await createServiceAccount(a.admin, ownProject);
    const elsewhere = await requestResource(a.member, otherProject, { flavor: 'vm.small', region: 'eu-west-1' });
    const token = await tokenOf(account);
    const as = bearer(token);

    // Act
    const own = {
      project: await call('GET', `projects/${ownProject}`, as),
      usage: await call('GET', `projects/${ownProject}/usage`, as),
      provision: await call('POST', `projects/${ownProject}/resources`, {
        ...as,
        headers: { 'Idempotency-Key': `key-${randomUUID()}` },
        body: { type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'from-ci' },
      }),
    };
    const ownResource = await call('GET', `resources/${own.provision.body?.resourceId}`, as);
    const outside = {
      otherProject: await call('GET', `projects/${otherProject}`, as),
      otherProjectResource: await call('GET', `resources/${elsewhere.body.resourceId}`, as),
      otherTenant: await call('GET', `projects/${otherTenantProject}`, as),
      createProject: await call('POST', 'projects', {
        ...as,
        headers: { 'Idempotency-Key': `key-${randomUUID()}` },
        body: { name: 'nope' },
      }),
      audit: await call(
        'GET',
        `audit?resource=${encodeURIComponent(accountSrn(a.tenant, ownProject, account.clientId))}`,
        as,
      ),
      manageAccounts: await call('GET', `projects/${ownProject}/service-accounts`, as),
      catalog: await call('GET', 'products', as),
    };

    // Assess
    expect(own.project.status).toBe(200);
    expect(own.project.body.projectId).toBe(ownProject);
    expect(own.usage.status).toBe(200);
    expect(own.provision.status).toBe(202);
    expect(ownResource.status).toBe(200);
    expect(ownResource.body.projectId).toBe(ownProject);
    // API Gateway refuses routes outside the scope before any function runs; a resource of another project is
    // reached by id, so provisioning answers it as not found, like another tenant's.
    expect(outside.otherProject.status).toBe(403);
    expect(outside.otherProjectResource.status).toBe(404);
    expect(outside.otherTenant.status).toBe(403);
    expect(outside.createProject.status).toBe(403);
    expect(outside.audit.status).toBe(403);
    expect(outside.catalog.status).toBe(403);
    // Inside its project, its role (member) is not tenant-admin.
    expect(outside.manageAccounts.status).toBe(403);
  });

  it('refuses a revoked secret at the next token request, while the rotated-in secret works', async () => {
    // Prepare
    const { admin } = tenantTeam();
    const projectId = await createProject(admin);
    const account = await createServiceAccount(admin, projectId, 'viewer');
    const path = `projects/${projectId}/service-accounts/${account.serviceAccountId}`;
    const added = await call('POST', `${path}/secrets`, {
      caller: admin,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });
    const earlierToken = await tokenOf(account);

    // Act
    const revoked = await call('DELETE', `${path}/secrets/${account.secretId}`, { caller: admin });
    const withRevoked = await requestToken(account.clientId, account.clientSecret);
    const withRotated = await requestToken(account.clientId, added.body.clientSecret);
    const third = await call('POST', `${path}/secrets`, {
      caller: admin,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });
    const fourth = await call('POST', `${path}/secrets`, {
      caller: admin,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });

    // Assess
    expect(added.status).toBe(201);
    expect(revoked.status).toBe(200);
    expect(revoked.body.secrets).toEqual([
      expect.objectContaining({ secretId: account.secretId, status: 'REVOKED' }),
      expect.objectContaining({ secretId: added.body.secretId, status: 'ACTIVE' }),
    ]);
    expect(withRevoked.status).toBe(401);
    expect(withRevoked.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(withRevoked.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(withRotated.status).toBe(200);
    expect(withRotated.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    // At most two active secrets.
    expect(third.status).toBe(201);
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.code).toBe('TOO_MANY_SECRETS');
    // A token issued before the revocation lives out its lifetime (no deny-list: docs/service-accounts.md).
    expect((await call('GET', `projects/${projectId}`, bearer(earlierToken))).status).toBe(200);
  });

  it('answers an expired platform token with 401, and a token of a deleted account is refused at the endpoint', async () => {
    // Prepare
    const { admin } = tenantTeam();
    const projectId = await createProject(admin);
    const account = await createServiceAccount(admin, projectId);
    const now = Math.floor(Date.now() / 1000);
    const issued = JSON.parse(Buffer.from((await tokenOf(account)).split('.')[1] as string, 'base64url').toString());
    const claims = { ...issued, jti: randomUUID() };
    // The same signing with a lifetime still running: so the 401 below is the expiry's, not a bad signature's.
    const current = await signWithPlatformKey({ ...claims, iat: now - 10, exp: now + 600 });
    const expired = await signWithPlatformKey({ ...claims, iat: now - 1000, exp: now - 100 });

    // Act
    const withCurrent = await call('GET', `projects/${projectId}`, bearer(current));
    const withExpired = await call('GET', `projects/${projectId}`, bearer(expired));
    const deleted = await call('DELETE', `projects/${projectId}/service-accounts/${account.serviceAccountId}`, {
      caller: admin,
    });
    const afterDelete = await requestToken(account.clientId, account.clientSecret);

    // Assess
    expect(withCurrent.status).toBe(200);
    expect(withExpired.status).toBe(401);
    expect(deleted.status).toBe(204);
    expect(afterDelete.status).toBe(401);
  });

  it('audits the creation, every token issued or refused, its use and the revocation', async () => {
    // Prepare
    const { tenant, admin } = tenantTeam();
    const projectId = await createProject(admin);
    const account = await createServiceAccount(admin, projectId);
    const srn = accountSrn(tenant, projectId, account.serviceAccountId);

    // Act
    const token = await tokenOf(account);
    await call('GET', `projects/${projectId}`, bearer(token));
    await call(
      'DELETE',
      `projects/${projectId}/service-accounts/${account.serviceAccountId}/secrets/${account.secretId}`,
      {
        caller: admin,
      },
    );
    await requestToken(account.clientId, account.clientSecret);
    const trail = await auditTrailWhen(admin, srn, (records) => records.length >= 5);

    // Assess
    const summary = (record: AuditRecordView) => `${record.action} ${record.outcome}`;
    expect(trail.map(summary).sort()).toEqual(
      [
        'identity.service-account.create SUCCEEDED',
        'identity.token.issue SUCCEEDED',
        'identity.token.use SUCCEEDED',
        'identity.secret.revoke SUCCEEDED',
        'identity.token.issue DENIED',
      ].sort(),
    );
    const machine = { sub: account.serviceAccountId, tenant, roles: ['member'] };
    expect(trail.find((record) => record.action === 'identity.token.use')?.actor).toEqual(machine);
    expect(trail.find((record) => record.action === 'identity.secret.revoke')?.actor).toEqual({
      sub: admin.sub,
      tenant,
      roles: ['tenant-admin'],
    });
  });
});
