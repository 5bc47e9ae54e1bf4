/**
 * The KMS JSON 1.1 protocol (`X-Amz-Target: TrentService.<Operation>`) over the engine: binary members travel as
 * base64 strings, as the SDK sends and reads them
 * (https://docs.aws.amazon.com/kms/latest/APIReference/CommonParameters.html).
 */
import type { JsonOperation, JsonProtocolApi } from '../aws-protocol.js';
import { kmsError } from './errors.js';
import type { LocalKms } from './local-kms.js';

export const KMS_TARGET_PREFIX = 'TrentService';

/** The binary members of KMS requests. */
const BLOB_MEMBERS = new Set(['Plaintext', 'CiphertextBlob', 'Message', 'Signature', 'Mac']);

function decoded(input: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [member, value] of Object.entries(input)) {
    if (BLOB_MEMBERS.has(member) && value !== undefined && value !== null) {
      if (typeof value !== 'string') throw kmsError.validation(`${member} must be base64-encoded binary data`);
      result[member] = Buffer.from(value, 'base64');
    } else {
      result[member] = value;
    }
  }
  return result;
}

function encoded(output: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(output).map(([member, value]) => [
      member,
      Buffer.isBuffer(value) ? value.toString('base64') : value,
    ]),
  );
}

export function kmsApi(kms: LocalKms): JsonProtocolApi {
  const operation =
    (run: (input: Record<string, unknown>) => object): JsonOperation =>
    async (input) =>
      encoded(run(decoded(input)));
  return {
    targetPrefix: KMS_TARGET_PREFIX,
    contentType: 'application/x-amz-json-1.1',
    operations: {
      CreateKey: operation((input) => ({
        KeyMetadata: kms.metadataOf(
          kms.createKey({
            keySpec: stringOr(input.KeySpec ?? input.CustomerMasterKeySpec),
            keyUsage: stringOr(input.KeyUsage),
            description: stringOr(input.Description),
          }),
        ),
      })),
      CreateAlias: operation((input) => {
        kms.createAlias(String(input.AliasName ?? ''), String(input.TargetKeyId ?? ''));
        return {};
      }),
      DescribeKey: operation((input) => kms.describeKey(input)),
      ListKeys: operation(() => kms.listKeys()),
      ListAliases: operation((input) => kms.listAliases(input)),
      EnableKey: operation((input) => {
        kms.setEnabled(String(input.KeyId ?? ''), true);
        return {};
      }),
      DisableKey: operation((input) => {
        kms.setEnabled(String(input.KeyId ?? ''), false);
        return {};
      }),
      Encrypt: operation((input) => kms.encrypt(input)),
      Decrypt: operation((input) => kms.decrypt(input)),
      ReEncrypt: operation((input) => kms.reEncrypt(input)),
      GenerateDataKey: operation((input) => kms.generateDataKey(input)),
      GenerateDataKeyWithoutPlaintext: operation((input) => kms.generateDataKeyWithoutPlaintext(input)),
      Sign: operation((input) => kms.sign(input)),
      Verify: operation((input) => kms.verify(input)),
      GetPublicKey: operation((input) => kms.getPublicKey(input)),
      GenerateMac: operation((input) => kms.generateMac(input)),
      VerifyMac: operation((input) => kms.verifyMac(input)),
    },
  };
}

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
