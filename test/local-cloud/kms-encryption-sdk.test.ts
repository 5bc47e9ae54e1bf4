/**
 * The AWS Encryption SDK (`@aws-crypto/client-node`), as the platform uses it for personal data and webhook secrets,
 * with a KMS keyring whose client reaches the local KMS: GenerateDataKey on encrypt, Decrypt on decrypt, the
 * encryption context bound to both
 * (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/use-kms-keyring.html).
 */
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMS } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION, type ServedKms, serveKms } from './kms-harness.js';

let served: ServedKms;

beforeAll(async () => {
  served = await serveKms();
});
afterAll(async () => {
  await served?.server.close();
});

describe('the AWS Encryption SDK on the local KMS', () => {
  it('encrypts and decrypts with a KmsKeyringNode and an encryption context', async () => {
    // Prepare
    const created = await served.client().send(new CreateKeyCommand({}));
    const keyArn = created.KeyMetadata?.Arn as string;
    const keyring = new KmsKeyringNode({
      generatorKeyId: keyArn,
      clientProvider: () =>
        new KMS({
          endpoint: served.server.url,
          region: REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
    });
    const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const encryptionContext = { tenant: 'acme', field: 'email' };

    // Act
    const { result: ciphertext } = await encrypt(keyring, 'ada@example.com', { encryptionContext });
    const { plaintext, messageHeader } = await decrypt(keyring, ciphertext);

    // Assess
    expect(ciphertext.includes(Buffer.from('ada@example.com'))).toBe(false);
    expect(plaintext.toString('utf8')).toBe('ada@example.com');
    expect(messageHeader.encryptionContext).toMatchObject(encryptionContext);
    expect(messageHeader.encryptedDataKeys[0]?.providerInfo).toBe(keyArn);
  });
});
