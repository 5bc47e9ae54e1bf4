import { generateKeyPairSync, sign } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type CryptoKey, importJWK } from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashClientSecret } from '../../../../../functions/identity/domain/client-secret.js';
import { handler as getJwks } from '../../../../../functions/identity/handlers/api/get-jwks.js';
import { handler as issueToken } from '../../../../../functions/identity/handlers/api/issue-token.js';
import { verifyPlatformToken } from '../../../../../shared/auth/platform-keys.js';
import { JsonWebKeySet } from '../../../../../shared/contracts/identity-api.js';
import { lambdaContext } from '../../../support/lambda.js';
import { API_AUDIENCE, KEY_ARN, KEY_ID, PLATFORM_ISSUER } from '../../support.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    SERVICE_ACCOUNTS_TABLE_NAME: 'service-accounts',
    EVENT_BUS_NAME: 'sagastack-bus',
    PLATFORM_TOKEN_ISSUER: 'https://platform.sagastack.test',
    PLATFORM_TOKEN_AUDIENCE: 'sagastack-api',
    PLATFORM_SIGNING_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
const eventBridge = mockClient(EventBridgeClient);
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicKeyDer = new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' }));

const CLIENT_ID = 'sa_0123456789abcdef01234567';
const SECRET = `sas_${'A'.repeat(43)}`;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

beforeEach(() => {
  dynamo.reset();
  kms.reset();
  eventBridge.reset();
  dynamo.on(GetCommand, { Key: { serviceAccountId: CLIENT_ID } }).resolves({
    Item: {
      serviceAccountId: CLIENT_ID,
      tenantId: 'tenant-a',
      projectId: 'prj_1',
      name: 'ci',
      role: 'member',
      createdAt: '2026-12-01T10:00:00.000Z',
      secrets: [{ secretId: 'sec_1', ...hashClientSecret(SECRET), createdAt: '2026-12-01T10:00:00.000Z' }],
      version: 1,
    },
  });
  // KMS signs as documented: a DER-encoded ECDSA signature of SHA-256 over the raw message.
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    Signature: sign('sha256', input.Message, { key: key.privateKey, dsaEncoding: 'der' }),
  }));
  kms.on(GetPublicKeyCommand).resolves({ PublicKey: publicKeyDer, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

function tokenRequest(headers: Record<string, string>, body: string): APIGatewayProxyEvent {
  return {
    body,
    headers,
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/oauth/token',
    requestContext: { requestId: 'req-1' },
  } as unknown as APIGatewayProxyEvent;
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const call = (headers: Record<string, string>, body: string) =>
  issueToken(tokenRequest(headers, body), lambdaContext) as Promise<APIGatewayProxyResult>;

describe('POST /oauth/token (handler, SDK mocks)', () => {
  it('answers a KMS-signed ES256 token that the published key set verifies, never cached', async () => {
    // Act
    const response = await call({ ...FORM, Authorization: basic(CLIENT_ID, SECRET) }, 'grant_type=client_credentials');
    const jwks = (await getJwks(tokenRequest({}, ''), lambdaContext)) as APIGatewayProxyResult;

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const body = JSON.parse(response.body);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(kms.commandCalls(SignCommand)[0]?.args[0].input).toMatchObject({
      KeyId: KEY_ARN,
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    const keySet = JsonWebKeySet.parse(JSON.parse(jwks.body));
    expect(keySet.keys.map((jwk) => jwk.kid)).toEqual([KEY_ID]);
    const published = await importJWK(keySet.keys[0] as object, 'ES256');
    const identity = await verifyPlatformToken(
      body.access_token,
      { keyFor: async (kid) => (kid === KEY_ID ? (published as CryptoKey) : undefined) },
      { issuer: PLATFORM_ISSUER, audience: API_AUDIENCE },
    );
    expect(identity).toMatchObject({ sub: CLIENT_ID, tenant: 'tenant-a', roles: ['member'], project: 'prj_1' });
    const audited = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]);
    expect(audited).toEqual([expect.objectContaining({ Source: 'sagastack.identity', DetailType: 'AuditEvent.v1' })]);
  });

  it('refuses a wrong secret with 401 invalid_client and a Basic challenge (RFC 6749 §5.2)', async () => {
    // Act
    const response = await call(
      FORM,
      `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=sas_${'B'.repeat(43)}`,
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({
      'WWW-Authenticate': 'Basic realm="sagastack"',
      'Cache-Control': 'no-store',
    });
    expect(JSON.parse(response.body)).toEqual({
      error: 'invalid_client',
      error_description: 'The client id or secret is not valid',
    });
    expect(kms.commandCalls(SignCommand)).toHaveLength(0);
  });

  it.each([
    ['another grant', FORM, 'grant_type=authorization_code&code=x', 'unsupported_grant_type'],
    ['a JSON body', { 'Content-Type': 'application/json' }, '{"grant_type":"client_credentials"}', 'invalid_request'],
  ])('answers %s with 400 %s', async (_case, headers, body, error) => {
    // Act
    const response = await call(headers, body);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error });
    expect(response.headers).not.toHaveProperty('WWW-Authenticate');
  });

  it('answers a KMS failure with the API’s 500 envelope, not an OAuth error', async () => {
    // Prepare
    kms.on(SignCommand).rejects(new Error('KMS is unavailable'));

    // Act
    const response = await call({ ...FORM, Authorization: basic(CLIENT_ID, SECRET) }, 'grant_type=client_credentials');

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'INTERNAL' } });
  });
});
