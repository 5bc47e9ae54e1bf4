import { generateKeyPairSync } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/identity/handlers/api/get-jwks.js';
import { JsonWebKeySet } from '../../../../../shared/contracts/identity-api.js';
import { apiEvent, lambdaContext } from '../../../support/lambda.js';
import { KEY_ARN, KEY_ID } from '../../support.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    PLATFORM_SIGNING_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555',
  });
});

const kms = mockClient(KMSClient);
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('GET /.well-known/jwks.json (handler, SDK mock)', () => {
  it("publishes the signing key's public half as a P-256 JWK named by the key id, read from KMS once", async () => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({
      PublicKey: new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' })),
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
    });
    const request = apiEvent({ caller: { sub: '', tenant: '', roles: [] } });

    // Act
    const first = (await handler(request, lambdaContext)) as APIGatewayProxyResult;
    const second = (await handler(request, lambdaContext)) as APIGatewayProxyResult;

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.headers?.['Cache-Control']).toBe('public, max-age=600');
    const published = JsonWebKeySet.parse(JSON.parse(first.body));
    const expected = key.publicKey.export({ format: 'jwk' });
    expect(published.keys).toEqual([
      { kty: 'EC', crv: 'P-256', x: expected.x, y: expected.y, kid: KEY_ID, alg: 'ES256', use: 'sig' },
    ]);
    expect(second.body).toBe(first.body);
    expect(kms.commandCalls(GetPublicKeyCommand).map((call) => call.args[0].input)).toEqual([{ KeyId: KEY_ARN }]);
  });
});
