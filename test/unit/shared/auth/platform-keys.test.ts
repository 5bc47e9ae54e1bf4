import { generateKeyPairSync } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyIdOf, kmsPublicKey, kmsVerificationKeys } from '../../../../shared/auth/platform-keys.js';
import { platformTokenTrustFromEnv } from '../../../../shared/auth/platform-trust-from-env.js';

const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
const KEY_ID = '11111111-2222-3333-4444-555555555555';
const kms = mockClient(KMSClient);
const publicKeyDer = new Uint8Array(
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }),
);

beforeEach(() => {
  kms.reset();
});

describe('the platform key as verifiers see it', () => {
  it('names tokens by the KMS key id, and refuses anything that is no key ARN', () => {
    // Act
    const named = keyIdOf(KEY_ARN);
    const refused = () => keyIdOf('alias/platform-tokens');

    // Assess
    expect(named).toBe(KEY_ID);
    expect(refused).toThrow('is not a KMS key ARN');
  });

  it('refuses a KMS key that is not an ECC_NIST_P256 signing key (GetPublicKey)', async () => {
    // Prepare
    kms.on(GetPublicKeyCommand).resolves({ PublicKey: publicKeyDer, KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });

    // Act
    const reading = kmsPublicKey(KEY_ARN);

    // Assess
    await expect(reading).rejects.toThrow('is not an ECC_NIST_P256 SIGN_VERIFY key');
  });

  it('resolves its own kid only, and reads the key again after a failed read, not after a good one', async () => {
    // Prepare
    let reads = 0;
    const keys = kmsVerificationKeys(KEY_ARN, async () => {
      reads += 1;
      if (reads === 1) throw new Error('KMS is throttling');
      return publicKeyDer;
    });

    // Act
    const other = await keys.keyFor('another-key');
    const failed = keys.keyFor(KEY_ID);
    await expect(failed).rejects.toThrow('KMS is throttling');
    const first = await keys.keyFor(KEY_ID);
    const second = await keys.keyFor(KEY_ID);

    // Assess
    expect(other).toBeUndefined();
    expect(first).toBeDefined();
    expect(second).toBe(first);
    expect(reads).toBe(2);
  });
});

describe('platformTokenTrustFromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('is absent where the stage issues no platform tokens, and reads issuer, audience and key where it does', () => {
    // Prepare
    delete process.env.PLATFORM_TOKEN_ISSUER;
    const absent = platformTokenTrustFromEnv();
    Object.assign(process.env, {
      PLATFORM_TOKEN_ISSUER: 'https://platform.sagastack.test',
      PLATFORM_TOKEN_AUDIENCE: 'sagastack-api',
      PLATFORM_SIGNING_KEY_ARN: KEY_ARN,
    });

    // Act
    const present = platformTokenTrustFromEnv();

    // Assess
    expect(absent).toBeUndefined();
    expect(present).toMatchObject({ issuer: 'https://platform.sagastack.test', audience: 'sagastack-api' });
  });
});
