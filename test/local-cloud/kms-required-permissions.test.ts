/**
 * What a KMS call needs of IAM: the action on the key the request resolves to, as the KMS permissions reference lists
 * it (https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html), with the encryption
 * context as condition keys (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
 */
import { describe, expect, it } from 'vitest';
import { requiredPermissions } from '../../local-cloud/iam/required-permissions.js';

const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1111aaaa-0000-4000-a000-000000000001';
const OTHER = 'arn:aws:kms:eu-west-1:111111111111:key/2222bbbb-0000-4000-a000-000000000002';
const PARTITION = {
  region: 'eu-west-1',
  account: '111111111111',
  kmsKeyArnOf: (identifier: string) =>
    ({ 'alias/data': KEY, '1111aaaa-0000-4000-a000-000000000001': KEY, [OTHER]: OTHER })[identifier],
  kmsKeyArnOfCiphertext: (blob: string) => (blob === 'c2VhbGVk' ? KEY : undefined),
};

describe('requiredPermissions of KMS calls', () => {
  it.each([
    ['Encrypt by alias', 'Encrypt', { KeyId: 'alias/data' }, [{ action: 'kms:Encrypt', resource: KEY, context: {} }]],
    [
      'Decrypt without KeyId (the key inside the ciphertext)',
      'Decrypt',
      { CiphertextBlob: 'c2VhbGVk', EncryptionContext: { tenant: 'acme' } },
      [
        {
          action: 'kms:Decrypt',
          resource: KEY,
          context: { 'kms:EncryptionContextKeys': ['tenant'], 'kms:EncryptionContext:tenant': 'acme' },
        },
      ],
    ],
    [
      'ReEncrypt (from the source, to the destination)',
      'ReEncrypt',
      { CiphertextBlob: 'c2VhbGVk', DestinationKeyId: OTHER },
      [
        { action: 'kms:ReEncryptFrom', resource: KEY, context: {} },
        { action: 'kms:ReEncryptTo', resource: OTHER, context: {} },
      ],
    ],
    [
      'CreateAlias (the alias and its key)',
      'CreateAlias',
      { AliasName: 'alias/new', TargetKeyId: OTHER },
      [
        { action: 'kms:CreateAlias', resource: 'arn:aws:kms:eu-west-1:111111111111:alias/new' },
        { action: 'kms:CreateAlias', resource: OTHER },
      ],
    ],
    ['CreateKey (no key yet)', 'CreateKey', {}, [{ action: 'kms:CreateKey', resource: '*' }]],
    ['ListAliases', 'ListAliases', {}, [{ action: 'kms:ListAliases', resource: '*' }]],
    // A key the local KMS does not know is the service's to refuse (NotFoundException), not IAM's.
    ['Sign with an unknown key', 'Sign', { KeyId: 'alias/missing' }, []],
  ])('%s', (_case, operation, input, expected) => {
    // Act
    const permissions = requiredPermissions(`TrentService.${operation}`, input, PARTITION);

    // Assess
    expect(permissions).toEqual(expected);
  });
});
