/**
 * Personal-data ciphers for tests: an in-memory one for use cases, and a fake KMS (aws-sdk-client-mock) behind the
 * real AWS Encryption SDK adapter for handlers. The same fake KMS answers GetPublicKey for the platform's token
 * signing key, which agents' own tokens are verified with (docs/adr/0038-service-accounts.md §8).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type PersonalData,
  type PersonalDataCipher,
  PersonalDataIntegrityError,
  type PersonalDataOwner,
} from '../../../functions/checkout/ports/personal-data.js';

/**
 * Seals by keeping the data in a map and answering an opaque handle, so a test can show that what is stored holds
 * nothing of the data; opening checks the owner as the KMS adapter does.
 */
export function inMemoryCipher(): PersonalDataCipher & { readonly sealed: ReadonlyMap<string, unknown> } {
  const sealed = new Map<string, { data: PersonalData; owner: PersonalDataOwner }>();
  return {
    sealed,
    async seal(data, owner) {
      const handle = `sealed-${sealed.size + 1}`;
      sealed.set(handle, { data: structuredClone(data), owner: { ...owner } });
      return handle;
    },
    async open(handle, owner) {
      const entry = sealed.get(handle);
      if (!entry) throw new PersonalDataIntegrityError(`Nothing was sealed as ${handle}`);
      if (entry.owner.tenantId !== owner.tenantId || entry.owner.checkoutId !== owner.checkoutId) {
        throw new PersonalDataIntegrityError(`${handle} was sealed for another record`);
      }
      return structuredClone(entry.data);
    },
  };
}

export const PERSONAL_DATA_KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';

/**
 * A KMS that does what the SDK needs of it: GenerateDataKey answers a random data key and, as its "ciphertext", a
 * handle to it with the encryption context it was asked under; Decrypt answers the key only under that same context,
 * as KMS does. One per test process (a client class can be mocked once); importing this module installs it and points
 * `PERSONAL_DATA_KEY_ARN` at its key, and `resetFakeKms` forgets every data key and call.
 */
const kms = mockClient(KMSClient);
const dataKeys = new Map<string, { key: Buffer; context: string; keyId: string | undefined }>();
const contextText = (context: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/** The platform's token signing key (the identity stack's on AWS): a P-256 pair generated per test process. */
export const PLATFORM_SIGNING_KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/99999999-8888-7777-6666-555555555555';
export const platformSigningKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export function resetFakeKms(): void {
  kms.reset();
  dataKeys.clear();
  kms.on(GetPublicKeyCommand, { KeyId: PLATFORM_SIGNING_KEY_ARN }).resolves({
    KeyId: PLATFORM_SIGNING_KEY_ARN,
    KeySpec: 'ECC_NIST_P256',
    KeyUsage: 'SIGN_VERIFY',
    PublicKey: new Uint8Array(platformSigningKey.publicKey.export({ format: 'der', type: 'spki' })),
  });
  kms.on(GenerateDataKeyCommand).callsFake((input) => {
    const handle = `data-key-${dataKeys.size + 1}`;
    const key = randomBytes(input.NumberOfBytes ?? 32);
    dataKeys.set(handle, { key, context: contextText(input.EncryptionContext), keyId: input.KeyId });
    // A copy: the SDK zeroes the plaintext it was given once it is done with it.
    return { KeyId: input.KeyId, Plaintext: new Uint8Array(key), CiphertextBlob: Buffer.from(handle) };
  });
  kms.on(DecryptCommand).callsFake((input) => {
    const dataKey = dataKeys.get(Buffer.from(input.CiphertextBlob ?? []).toString());
    if (!dataKey || dataKey.context !== contextText(input.EncryptionContext) || dataKey.keyId !== input.KeyId) {
      throw Object.assign(new Error('The ciphertext refers to a key or context that does not match'), {
        name: 'InvalidCiphertextException',
      });
    }
    return { KeyId: dataKey.keyId, Plaintext: new Uint8Array(dataKey.key) };
  });
}

resetFakeKms();
process.env.PERSONAL_DATA_KEY_ARN ??= PERSONAL_DATA_KEY_ARN;

export { kms as fakeKms };
