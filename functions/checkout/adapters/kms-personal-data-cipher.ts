/**
 * Seals personal data with the AWS Encryption SDK and a KMS keyring: each seal asks KMS for a fresh data key
 * (`GenerateDataKey`) under the personal-data key, so every checkout record has its own data key, and only a
 * function granted `kms:Decrypt` on that key can open it. The encryption context binds the message to its record
 * (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/concepts.html#encryption-context): KMS refuses to
 * decrypt the data key under any other context, and the SDK authenticates the context with the message.
 */
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import { requiredEnv } from '../../../shared/environment.js';
import {
  type PersonalData,
  type PersonalDataCipher,
  PersonalDataIntegrityError,
  type PersonalDataOwner,
} from '../ports/personal-data.js';

/**
 * Says what the data is for, so a message sealed for another purpose under the same key (none today) does not open
 * here.
 */
const PERSONAL_DATA_PURPOSE = 'sagastack:checkout-personal-data';

// Commitment required both ways (the SDK's default and recommendation): a message decrypts to one plaintext only.
// One encrypted data key per message: this keyring writes one, and a message carrying more was not written here
// (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/configure.html#config-limit-keys).
const { encrypt, decrypt } = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  maxEncryptedDataKeys: 1,
});

/** The encryption context of a record's personal data. */
export function encryptionContextOf(owner: PersonalDataOwner): Record<string, string> {
  return { tenantId: owner.tenantId, checkoutId: owner.checkoutId, purpose: PERSONAL_DATA_PURPOSE };
}

export interface KmsPersonalDataCipherOptions {
  /** The personal-data key's ARN. @default `PERSONAL_DATA_KEY_ARN`, which `decryptsPersonalData` and `encryptsPersonalData` set */
  readonly keyArn?: () => string;
}

export function kmsPersonalDataCipher(options: KmsPersonalDataCipherOptions = {}): PersonalDataCipher {
  const keyArn = options.keyArn ?? (() => requiredEnv('PERSONAL_DATA_KEY_ARN'));
  // One client per region the key names, created on first use. The SDK resolves the endpoint itself
  // (AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL), which is how the same bundle reaches AWS, LocalStack or the local cloud.
  const clients = new Map<string, KMS>();
  const clientProvider = (region: string): KMS => {
    let client = clients.get(region);
    if (!client) {
      client = new KMS({ region });
      clients.set(region, client);
    }
    return client;
  };
  // Strict keyrings: the generator encrypts under this key only, and decryption asks KMS for this key only, never for
  // whatever key a message names.
  const keyring = () => {
    const arn = keyArn();
    return new KmsKeyringNode({ generatorKeyId: arn, keyIds: [], clientProvider });
  };

  return {
    async seal(data, owner) {
      const { result } = await encrypt(keyring(), JSON.stringify(data), {
        encryptionContext: encryptionContextOf(owner),
      });
      return result.toString('base64');
    },

    async open(sealed, owner) {
      const { plaintext, messageHeader } = await decrypt(keyring(), Buffer.from(sealed, 'base64'));
      // The SDK has authenticated the context stored in the message; what it does not know is which record the
      // message was read from. A message copied onto another checkout carries its own, valid, context: refuse it
      // (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/best-practices.html, "Use encryption context").
      const expected = encryptionContextOf(owner);
      const mismatched = Object.entries(expected).filter(
        ([name, value]) => messageHeader.encryptionContext[name] !== value,
      );
      if (mismatched.length > 0) {
        throw new PersonalDataIntegrityError(
          `Personal data of checkout ${owner.checkoutId} was sealed for another record (${mismatched.map(([name]) => name).join(', ')} differ)`,
        );
      }
      try {
        return JSON.parse(plaintext.toString('utf8')) as PersonalData;
      } catch (cause) {
        throw new PersonalDataIntegrityError(`Personal data of checkout ${owner.checkoutId} does not parse`, {
          cause,
        });
      }
    },
  };
}
