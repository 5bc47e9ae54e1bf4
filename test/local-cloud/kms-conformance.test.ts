/**
 * The local KMS against the KMS API reference (https://docs.aws.amazon.com/kms/latest/APIReference/), through the
 * unchanged `@aws-sdk/client-kms`: each case cites the page whose behaviour it checks.
 */
import { constants, createHash, createPublicKey, publicEncrypt, verify } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  type KMSClient,
  ListAliasesCommand,
  ReEncryptCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, failureOf, REGION, type ServedKms, serveKms } from './kms-harness.js';

let served: ServedKms;
let client: KMSClient;

beforeAll(async () => {
  served = await serveKms();
  client = served.client();
});
afterAll(async () => {
  await served?.server.close();
});

const text = (value: string) => Buffer.from(value, 'utf8');

async function newKey(KeySpec = 'SYMMETRIC_DEFAULT', KeyUsage = 'ENCRYPT_DECRYPT') {
  const created = await client.send(new CreateKeyCommand({ KeySpec: KeySpec as never, KeyUsage: KeyUsage as never }));
  return created.KeyMetadata as { KeyId: string; Arn: string };
}

describe('Encrypt and Decrypt (symmetric)', () => {
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html: "KeyId ... optional for symmetric keys"
  it('round-trips with an encryption context, Decrypt finding the key in the ciphertext', async () => {
    // Prepare
    const key = await newKey();
    const context = { tenant: 't-1', purpose: 'webhook-secret' };

    // Act
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('s3cret'), EncryptionContext: context }),
    );
    const decrypted = await client.send(
      new DecryptCommand({
        CiphertextBlob: encrypted.CiphertextBlob,
        EncryptionContext: { purpose: 'webhook-secret', tenant: 't-1' },
      }),
    );

    // Assess
    expect(Buffer.from(encrypted.CiphertextBlob as Uint8Array).includes(text('s3cret'))).toBe(false);
    expect(encrypted.KeyId).toBe(key.Arn);
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).toString('utf8')).toBe('s3cret');
    expect(decrypted.KeyId).toBe(key.Arn);
    expect(decrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
  });

  // https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html: the same context must be supplied.
  it.each([
    ['another value', { tenant: 't-2' }],
    ['no context', undefined],
    ['an extra pair', { tenant: 't-1', more: 'x' }],
  ])('refuses to decrypt under %s with InvalidCiphertextException', async (_case, context) => {
    // Prepare
    const key = await newKey();
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('pii'), EncryptionContext: { tenant: 't-1' } }),
    );

    // Act
    const error = await failureOf(
      client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context })),
    );

    // Assess
    expect(error.name).toBe('InvalidCiphertextException');
  });

  // API_Decrypt.html, Errors: IncorrectKeyException when KeyId is not the key that encrypted the ciphertext.
  it('refuses a KeyId other than the encrypting key with IncorrectKeyException', async () => {
    // Prepare
    const [key, other] = [await newKey(), await newKey()];
    const encrypted = await client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('pii') }));

    // Act
    const error = await failureOf(
      client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, KeyId: other.KeyId })),
    );

    // Assess
    expect(error.name).toBe('IncorrectKeyException');
  });

  // API_Decrypt.html, Errors: InvalidCiphertextException "the specified ciphertext ... was otherwise corrupted".
  it('refuses an altered ciphertext with InvalidCiphertextException', async () => {
    // Prepare
    const key = await newKey();
    const encrypted = await client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('pii') }));
    const altered = Buffer.from(encrypted.CiphertextBlob as Uint8Array);
    altered[altered.length - 1] = (altered[altered.length - 1] as number) ^ 1;

    // Act
    const error = await failureOf(client.send(new DecryptCommand({ CiphertextBlob: altered })));

    // Assess
    expect(error.name).toBe('InvalidCiphertextException');
  });

  // https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html
  it('re-encrypts under another key and context', async () => {
    // Prepare
    const [source, destination] = [await newKey(), await newKey()];
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: source.KeyId, Plaintext: text('moving'), EncryptionContext: { v: '1' } }),
    );

    // Act
    const reEncrypted = await client.send(
      new ReEncryptCommand({
        CiphertextBlob: encrypted.CiphertextBlob,
        SourceEncryptionContext: { v: '1' },
        DestinationKeyId: destination.Arn,
        DestinationEncryptionContext: { v: '2' },
      }),
    );
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: reEncrypted.CiphertextBlob, EncryptionContext: { v: '2' } }),
    );

    // Assess
    expect(reEncrypted.SourceKeyId).toBe(source.Arn);
    expect(decrypted.KeyId).toBe(destination.Arn);
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).toString('utf8')).toBe('moving');
  });
});

describe('Encrypt and Decrypt (asymmetric)', () => {
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html: KeyId and EncryptionAlgorithm "required"
  // for a ciphertext of an asymmetric key, which may be encrypted outside KMS with the public key.
  it('decrypts what Node encrypted with the public key of an RSA key (RSAES_OAEP_SHA_256)', async () => {
    // Prepare
    const key = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
    const spki = createPublicKey({ key: Buffer.from(publicKey.PublicKey as Uint8Array), format: 'der', type: 'spki' });
    const ciphertext = publicEncrypt(
      { key: spki, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      text('offline secret'),
    );

    // Act
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: ciphertext, KeyId: key.Arn, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
    );
    const withoutKeyId = await failureOf(
      client.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })),
    );

    // Assess
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).toString('utf8')).toBe('offline secret');
    expect(publicKey.EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
    expect(withoutKeyId.name).toBe('ValidationException');
  });
});

describe('GenerateDataKey', () => {
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html
  it('returns a plaintext data key and its encrypted copy, which Decrypt opens to the same key', async () => {
    // Prepare
    const key = await newKey();

    // Act
    const dataKey = await client.send(
      new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { doc: '42' } }),
    );
    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: { doc: '42' } }),
    );

    // Assess
    expect(dataKey.Plaintext?.length).toBe(32);
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).equals(Buffer.from(dataKey.Plaintext as Uint8Array))).toBe(
      true,
    );
  });

  // https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyWithoutPlaintext.html
  it('without plaintext returns only the encrypted data key, of NumberOfBytes', async () => {
    // Prepare
    const key = await newKey();

    // Act
    const dataKey = await client.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, NumberOfBytes: 64 }),
    );
    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }));

    // Assess
    expect(dataKey).not.toHaveProperty('Plaintext');
    expect(decrypted.Plaintext?.length).toBe(64);
  });

  // API_GenerateDataKey.html: "You must specify either the KeySpec or the NumberOfBytes parameter (but not both)".
  it('refuses a request with neither KeySpec nor NumberOfBytes with ValidationException', async () => {
    // Prepare
    const key = await newKey();

    // Act
    const error = await failureOf(client.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })));

    // Assess
    expect(error.name).toBe('ValidationException');
  });
});

describe('key identifiers and aliases', () => {
  // API_Encrypt.html, KeyId: "key ID, key ARN, alias name, or alias ARN";
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html,
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html
  it('accepts a key by id, key ARN, alias name and alias ARN, and lists the alias', async () => {
    // Prepare
    const key = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: 'alias/personal-data', TargetKeyId: key.Arn }));
    const identifiers = [
      key.KeyId,
      key.Arn,
      'alias/personal-data',
      `arn:aws:kms:${REGION}:${ACCOUNT}:alias/personal-data`,
    ];

    // Act
    const described = await Promise.all(identifiers.map((KeyId) => client.send(new DescribeKeyCommand({ KeyId }))));
    const aliases = await client.send(new ListAliasesCommand({ KeyId: key.KeyId }));

    // Assess
    expect(described.map((answer) => answer.KeyMetadata?.Arn)).toEqual(identifiers.map(() => key.Arn));
    expect(aliases.Aliases?.map((alias) => [alias.AliasName, alias.TargetKeyId, alias.AliasArn])).toEqual([
      ['alias/personal-data', key.KeyId, `arn:aws:kms:${REGION}:${ACCOUNT}:alias/personal-data`],
    ]);
  });

  // API_CreateAlias.html, Errors: AlreadyExistsException; API_DescribeKey.html, Errors: NotFoundException.
  it('refuses a second alias of the same name, and an unknown alias or key', async () => {
    // Prepare
    const key = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: key.KeyId }));

    // Act
    const errors = await Promise.all([
      failureOf(client.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: key.KeyId }))),
      failureOf(client.send(new DescribeKeyCommand({ KeyId: 'alias/missing' }))),
      failureOf(client.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-a000-000000000000' }))),
    ]);

    // Assess
    expect(errors.map((error) => error.name)).toEqual([
      'AlreadyExistsException',
      'NotFoundException',
      'NotFoundException',
    ]);
  });

  // API_CreateAlias.html, TargetKeyId: "Specify the key ID or key ARN" (not an alias).
  it('refuses an alias as the target of an alias', async () => {
    // Prepare
    const key = await newKey();
    await client.send(new CreateAliasCommand({ AliasName: 'alias/first', TargetKeyId: key.KeyId }));

    // Act
    const error = await failureOf(
      client.send(new CreateAliasCommand({ AliasName: 'alias/second', TargetKeyId: 'alias/first' })),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
  });
});

describe('key usage, key state and key specs', () => {
  // API_Encrypt.html, API_Sign.html, API_GenerateMac.html, Errors: InvalidKeyUsageException.
  it('refuses an operation the key usage does not allow with InvalidKeyUsageException', async () => {
    // Prepare
    const [signing, symmetric, hmac] = [
      await newKey('ECC_NIST_P256', 'SIGN_VERIFY'),
      await newKey(),
      await newKey('HMAC_256', 'GENERATE_VERIFY_MAC'),
    ];

    // Act
    const errors = await Promise.all([
      failureOf(client.send(new EncryptCommand({ KeyId: signing.KeyId, Plaintext: text('x') }))),
      failureOf(
        client.send(new SignCommand({ KeyId: symmetric.KeyId, Message: text('x'), SigningAlgorithm: 'ECDSA_SHA_256' })),
      ),
      failureOf(
        client.send(
          new GenerateMacCommand({ KeyId: symmetric.KeyId, Message: text('x'), MacAlgorithm: 'HMAC_SHA_256' }),
        ),
      ),
      failureOf(client.send(new GenerateDataKeyCommand({ KeyId: hmac.KeyId, KeySpec: 'AES_256' }))),
      // The usage is right, the algorithm is not the key spec's.
      failureOf(
        client.send(new SignCommand({ KeyId: signing.KeyId, Message: text('x'), SigningAlgorithm: 'ECDSA_SHA_384' })),
      ),
    ]);

    // Assess
    expect(errors.map((error) => error.name)).toEqual(Array(5).fill('InvalidKeyUsageException'));
  });

  // https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html; API_Encrypt.html, Errors:
  // DisabledException. DescribeKey still answers, with KeyState Disabled.
  it('refuses a disabled key with DisabledException', async () => {
    // Prepare
    const key = await newKey();
    await client.send(new DisableKeyCommand({ KeyId: key.KeyId }));

    // Act
    const error = await failureOf(client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x') })));
    const described = await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));

    // Assess
    expect(error.name).toBe('DisabledException');
    expect(described.KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
  });

  // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html, KeyUsage: HMAC keys are
  // GENERATE_VERIFY_MAC; https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
  it('refuses to create a key whose usage its spec does not allow with ValidationException', async () => {
    // Act
    const error = await failureOf(
      client.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'ENCRYPT_DECRYPT' })),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
  });

  // https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html, KeyMetadata
  it('describes a signing key with the algorithms of its spec', async () => {
    // Prepare
    const key = await newKey('RSA_2048', 'SIGN_VERIFY');

    // Act
    const described = await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }));

    // Assess
    expect(described.KeyMetadata).toMatchObject({
      AWSAccountId: ACCOUNT,
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
    });
    expect(described.KeyMetadata?.SigningAlgorithms).toContain('RSASSA_PSS_SHA_256');
    expect(described.KeyMetadata?.CreationDate).toBeInstanceOf(Date);
  });
});

describe('Sign, Verify and GetPublicKey', () => {
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html,
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_GetPublicKey.html ("DER-encoded X.509 public key, also
  // known as SubjectPublicKeyInfo"), https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
  it.each([
    ['RSA_2048', 'RSASSA_PSS_SHA_256', 'sha256', { padding: 6, saltLength: 32 }],
    ['RSA_3072', 'RSASSA_PKCS1_V1_5_SHA_384', 'sha384', { padding: 1 }],
    ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256', {}],
    ['ECC_NIST_P384', 'ECDSA_SHA_384', 'sha384', {}],
  ])('signs with %s (%s) a signature Node verifies with the public key', async (spec, algorithm, hash, padding) => {
    // Prepare
    const key = await newKey(spec, 'SIGN_VERIFY');
    const message = text('header.payload');

    // Act
    const signed = await client.send(
      new SignCommand({ KeyId: key.KeyId, Message: message, SigningAlgorithm: algorithm as never }),
    );
    const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));

    // Assess
    const spki = createPublicKey({ key: Buffer.from(publicKey.PublicKey as Uint8Array), format: 'der', type: 'spki' });
    expect(verify(hash, message, { key: spki, ...padding }, Buffer.from(signed.Signature as Uint8Array))).toBe(true);
    expect(publicKey.SigningAlgorithms).toContain(algorithm);
    expect(publicKey.KeySpec).toBe(spec);
  });

  // API_Verify.html: "If the signature is verified, the value of the SignatureValid field ... is true. If the
  // signature verification fails, the Verify operation fails with an KMSInvalidSignatureException".
  it('verifies its signature, and refuses it for a changed message with KMSInvalidSignatureException', async () => {
    // Prepare
    const key = await newKey('ECC_NIST_P521', 'SIGN_VERIFY');
    const signed = await client.send(
      new SignCommand({ KeyId: key.KeyId, Message: text('v1'), SigningAlgorithm: 'ECDSA_SHA_512' }),
    );
    const verifyMessage = (message: string) =>
      client.send(
        new VerifyCommand({
          KeyId: key.KeyId,
          Message: text(message),
          Signature: signed.Signature,
          SigningAlgorithm: 'ECDSA_SHA_512',
        }),
      );

    // Act
    const verified = await verifyMessage('v1');
    const error = await failureOf(verifyMessage('v2'));

    // Assess
    expect(verified.SignatureValid).toBe(true);
    expect(error.name).toBe('KMSInvalidSignatureException');
  });

  // API_Sign.html, MessageType: "When the value is DIGEST, KMS skips the hashing step"; a message and its digest
  // are the same message for Verify.
  it.each([
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256', 'sha256'],
    ['RSA_3072', 'RSASSA_PSS_SHA_256', 'sha256'],
    ['RSA_2048', 'RSASSA_PSS_SHA_512', 'sha512'],
  ])(
    'signs with %s (%s) a DIGEST so that the RAW message verifies, in KMS and in Node',
    async (spec, algorithm, hash) => {
      // Prepare
      const key = await newKey(spec, 'SIGN_VERIFY');
      const message = text('a message too large to send, in principle');
      const digest = createHash(hash).update(message).digest();

      // Act
      const signed = await client.send(
        new SignCommand({
          KeyId: key.KeyId,
          Message: digest,
          MessageType: 'DIGEST',
          SigningAlgorithm: algorithm as never,
        }),
      );
      const verified = await client.send(
        new VerifyCommand({
          KeyId: key.KeyId,
          Message: message,
          Signature: signed.Signature,
          SigningAlgorithm: algorithm as never,
        }),
      );

      // Assess
      expect(verified.SignatureValid).toBe(true);
      const publicKey = await client.send(new GetPublicKeyCommand({ KeyId: key.KeyId }));
      const spki = createPublicKey({
        key: Buffer.from(publicKey.PublicKey as Uint8Array),
        format: 'der',
        type: 'spki',
      });
      const padding = algorithm.startsWith('RSASSA_PSS_')
        ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }
        : { padding: constants.RSA_PKCS1_PADDING };
      expect(verify(hash, message, { key: spki, ...padding }, Buffer.from(signed.Signature as Uint8Array))).toBe(true);
    },
  );

  // A documented difference (docs/local-cloud/kms.md): ECDSA over a precomputed digest is not emulated.
  it('refuses a DIGEST for ECDSA with UnsupportedOperationException rather than signing it wrongly', async () => {
    // Prepare
    const key = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');

    // Act
    const error = await failureOf(
      client.send(
        new SignCommand({
          KeyId: key.KeyId,
          Message: createHash('sha256').update('m').digest(),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('UnsupportedOperationException');
  });

  // API_GetPublicKey.html, Errors: UnsupportedOperationException for a symmetric key.
  it('gives no public key of a symmetric key', async () => {
    // Prepare
    const key = await newKey();

    // Act
    const error = await failureOf(client.send(new GetPublicKeyCommand({ KeyId: key.KeyId })));

    // Assess
    expect(error.name).toBe('UnsupportedOperationException');
  });
});

describe('GenerateMac and VerifyMac', () => {
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html,
  // https://docs.aws.amazon.com/kms/latest/APIReference/API_VerifyMac.html ("If the MAC verification fails, the
  // VerifyMac operation fails with a KMSInvalidMacException")
  it('verifies its MAC, and refuses it for a changed message with KMSInvalidMacException', async () => {
    // Prepare
    const key = await newKey('HMAC_384', 'GENERATE_VERIFY_MAC');
    const generated = await client.send(
      new GenerateMacCommand({ KeyId: key.KeyId, Message: text('client-secret'), MacAlgorithm: 'HMAC_SHA_384' }),
    );
    const verifyMac = (message: string) =>
      client.send(
        new VerifyMacCommand({
          KeyId: key.KeyId,
          Message: text(message),
          Mac: generated.Mac,
          MacAlgorithm: 'HMAC_SHA_384',
        }),
      );

    // Act
    const verified = await verifyMac('client-secret');
    const error = await failureOf(verifyMac('client-secreT'));

    // Assess
    expect(generated.Mac?.length).toBe(48);
    expect(verified.MacValid).toBe(true);
    expect(error.name).toBe('KMSInvalidMacException');
  });
});
