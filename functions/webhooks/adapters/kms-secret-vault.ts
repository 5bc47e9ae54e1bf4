/**
 * The secret vault on KMS (WEBHOOK_SECRET_KEY_ID): `Encrypt` and `Decrypt` of the 32-byte secrets directly (KMS
 * takes up to 4 KiB), with the encryption context `{ tenantId, webhookId }`, which KMS binds to the ciphertext and
 * writes to CloudTrail with every use. Registration and rotation are granted `kms:Encrypt`, the deliverer alone
 * `kms:Decrypt`, so no other function can read a secret even with the table in hand. Decrypt with another context fails
 * with InvalidCiphertextException (https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html).
 */
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { requiredEnv } from '../../../shared/environment.js';
import type { SecretOpener, SecretOwner, SecretSealer } from '../ports/secret-vault.js';

let kmsClient: KMSClient | undefined;
/** One client per execution environment; the endpoint comes from `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL`. */
const kms = (): KMSClient => {
  kmsClient ??= new KMSClient({});
  return kmsClient;
};

const encryptionContext = (owner: SecretOwner) => ({ tenantId: owner.tenantId, webhookId: owner.webhookId });

export function kmsSecretSealer(client: () => KMSClient = kms): SecretSealer {
  return {
    async seal(secret, owner) {
      const { CiphertextBlob } = await client().send(
        new EncryptCommand({
          KeyId: requiredEnv('WEBHOOK_SECRET_KEY_ID'),
          Plaintext: Buffer.from(secret, 'utf8'),
          EncryptionContext: encryptionContext(owner),
        }),
      );
      if (!CiphertextBlob) throw new Error('KMS answered Encrypt without a ciphertext');
      return Buffer.from(CiphertextBlob).toString('base64');
    },
  };
}

export function kmsSecretOpener(client: () => KMSClient = kms): SecretOpener {
  return {
    async open(ciphertext, owner) {
      const { Plaintext } = await client().send(
        new DecryptCommand({
          // Named, so that a ciphertext of another key is refused rather than decrypted with whatever key made it.
          KeyId: requiredEnv('WEBHOOK_SECRET_KEY_ID'),
          CiphertextBlob: Buffer.from(ciphertext, 'base64'),
          EncryptionContext: encryptionContext(owner),
        }),
      );
      if (!Plaintext) throw new Error('KMS answered Decrypt without a plaintext');
      return Buffer.from(Plaintext).toString('utf8');
    },
  };
}
