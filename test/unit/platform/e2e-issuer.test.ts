/**
 * Staging's e2e issuer (functions/platform/e2e-issuer.ts, docs/adr/0042-an-e2e-issuer-for-staging.md): its keys'
 * kids are their RFC 7638 thumbprints (https://www.rfc-editor.org/rfc/rfc7638), computed alike where the keys are
 * trusted (synth) and where they sign (the suite), and the suite's choice of signer by target.
 */
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, importSPKI } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_JWT_ISSUER, DEV_JWT_PUBLIC_KEY_PEM } from '../../../functions/platform/dev-keys.js';
import {
  E2E_JWT_AUDIENCE,
  E2E_JWT_ISSUER,
  E2eKeyError,
  e2ePublicKeys,
  e2eSigner,
} from '../../../functions/platform/e2e-issuer.js';
import { importVerificationKeys, verifyClaims, verifyToken } from '../../../shared/auth/jwt.js';
import { CHECKOUT_REQUEST_PROOF_AUDIENCE } from '../../../shared/contracts/events/checkout-events.js';
import { E2eKeyMismatchError, E2eSigningKeyMissingError, suiteSigner } from '../../e2e/support/signer.js';

function rsaPair(modulusLength = 2048) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

describe('the e2e issuer', () => {
  it('names each public key by its RFC 7638 thumbprint, one entry per PEM', async () => {
    // Prepare
    const first = rsaPair();
    const second = rsaPair();

    // Act
    const keys = e2ePublicKeys(`${first.publicKeyPem}\n${second.publicKeyPem}`);

    // Assess
    const thumbprintOf = async (pem: string) => calculateJwkThumbprint(await exportJWK(await importSPKI(pem, 'RS256')));
    expect(keys.map((key) => key.kid)).toEqual([
      await thumbprintOf(first.publicKeyPem),
      await thumbprintOf(second.publicKeyPem),
    ]);
  });

  it.each([
    ['no PEM at all', () => 'not a key'],
    ['a PEM that is no key', () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'],
    ['an RSA key under 2048 bits', () => rsaPair(1024).publicKeyPem],
    [
      'an EC key',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ],
    ['the committed dev key, whose private half anyone has', () => DEV_JWT_PUBLIC_KEY_PEM],
  ])('refuses %s', (_case, pems) => {
    // Act
    const parsing = () => e2ePublicKeys(pems());

    // Assess
    expect(parsing).toThrow(E2eKeyError);
  });

  it('signs user tokens and delegation proofs that verify with the public key under its thumbprint', async () => {
    // Prepare
    const pair = rsaPair();
    const keys = await importVerificationKeys(e2ePublicKeys(pair.publicKeyPem));
    const signer = e2eSigner(pair.privateKeyPem);

    // Act
    const token = await signer.signToken({ sub: 'user-e2e', roles: ['customer'], tenant: 't1' });
    const proof = await signer.signAgentProof({
      agent: 'sa_agent',
      customer: 'user-e2e',
      tenant: 't1',
      idempotencyKey: 'key-1',
    });

    // Assess
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: signer.kid });
    expect(await verifyToken(token, keys, { issuer: E2E_JWT_ISSUER, audience: E2E_JWT_AUDIENCE })).toEqual({
      sub: 'user-e2e',
      roles: ['customer'],
      tenant: 't1',
    });
    const proofClaims = await verifyClaims(proof, keys, {
      issuer: E2E_JWT_ISSUER,
      audience: CHECKOUT_REQUEST_PROOF_AUDIENCE,
    });
    expect(proofClaims).toMatchObject({ sub: 'user-e2e', act: { sub: 'sa_agent' }, idempotency_key: 'key-1' });
  });
});

describe('the suite’s signer (test/e2e/support/signer.ts)', () => {
  it('signs with the dev key against the local cloud and LocalStack, whatever the environment holds', async () => {
    // Prepare
    const environment = { E2E_JWT_PRIVATE_KEY: rsaPair().privateKeyPem };

    // Act
    const signers = [suiteSigner('local', environment), suiteSigner('localstack', environment)];

    // Assess
    for (const signer of signers) {
      const token = await signer.signToken({ sub: 'user-ada', roles: [], tenant: 't1' });
      expect(decodeJwt(token).iss).toBe(DEV_JWT_ISSUER);
    }
  });

  it('signs as the e2e issuer against AWS, with the key of E2E_JWT_PRIVATE_KEY', async () => {
    // Prepare
    const pair = rsaPair();

    // Act
    const signer = suiteSigner('aws', {
      E2E_JWT_PRIVATE_KEY: pair.privateKeyPem,
      E2E_JWT_PUBLIC_KEYS: pair.publicKeyPem,
    });

    // Assess
    const token = await signer.signToken({ sub: 'user-ada', roles: [], tenant: 't1' });
    expect(decodeJwt(token).iss).toBe(E2E_JWT_ISSUER);
    expect(decodeProtectedHeader(token).kid).toBe(e2ePublicKeys(pair.publicKeyPem)[0]?.kid);
  });

  it('stops against AWS without the key, and with a key that is not the half of one Staging trusts', () => {
    // Prepare
    const environments = {
      missing: {},
      mismatched: { E2E_JWT_PRIVATE_KEY: rsaPair().privateKeyPem, E2E_JWT_PUBLIC_KEYS: rsaPair().publicKeyPem },
    };

    // Act
    const signing = (environment: NodeJS.ProcessEnv) => () => suiteSigner('aws', environment);

    // Assess
    expect(signing(environments.missing)).toThrow(E2eSigningKeyMissingError);
    expect(signing(environments.mismatched)).toThrow(E2eKeyMismatchError);
  });
});
