/**
 * KMS keys and aliases of a template, booted in a local cloud and reached through its edge endpoint as any SDK client
 * (and a function, ADR 0019) reaches it: Ref, Arn and KeyId resolve as before, aliases resolve, `Enabled: false` keys
 * refuse use, and with a persist directory the key material survives a restart.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-alias.html
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootLocalCloud, type LocalCloud } from '../../local-cloud/boot.js';
import { failureOf, writeTinyAssembly } from './kms-harness.js';

const RESOURCES = {
  DataKey: {
    Type: 'AWS::KMS::Key',
    Properties: { Description: 'personal data', EnableKeyRotation: true, KeyPolicy: {} },
  },
  DataKeyAlias: {
    Type: 'AWS::KMS::Alias',
    Properties: { AliasName: 'alias/tiny/data', TargetKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
  },
  TokenSigningKey: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } },
  RetiredKey: { Type: 'AWS::KMS::Key', Properties: { Enabled: false } },
};
const OUTPUTS = {
  DataKeyId: { Value: { Ref: 'DataKey' } },
  DataKeyArn: { Value: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
  DataKeyKeyId: { Value: { 'Fn::GetAtt': ['DataKey', 'KeyId'] } },
  DataKeyAliasName: { Value: { Ref: 'DataKeyAlias' } },
  SigningKeyId: { Value: { Ref: 'TokenSigningKey' } },
  RetiredKeyId: { Value: { Ref: 'RetiredKey' } },
};

const clientOf = (cloud: LocalCloud) =>
  new KMSClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

describe('KMS keys of a template', () => {
  let root: string;
  let cloud: LocalCloud | undefined;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kms-assembly-'));
  });
  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  const boot = (persistDirectory?: string) =>
    bootLocalCloud({ assemblyDirectory: join(root, 'cdk.out'), stage: 'Tiny', persistDirectory, log: () => {} });

  it('serves them on the edge, by Ref, Arn and alias, with their spec and state', async () => {
    // Prepare
    writeTinyAssembly(join(root, 'cdk.out'), RESOURCES, OUTPUTS);
    cloud = await boot();
    const kms = clientOf(cloud);
    const keyId = cloud.output('DataKeyId');

    // Act
    const encrypted = await kms.send(
      new EncryptCommand({ KeyId: cloud.output('DataKeyAliasName'), Plaintext: Buffer.from('pii') }),
    );
    const described = await kms.send(new DescribeKeyCommand({ KeyId: cloud.output('DataKeyArn') }));
    const signed = await kms.send(
      new SignCommand({
        KeyId: cloud.output('SigningKeyId'),
        Message: Buffer.from('jwt'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const retired = await failureOf(
      kms.send(new EncryptCommand({ KeyId: cloud.output('RetiredKeyId'), Plaintext: Buffer.from('x') })),
    );

    // Assess
    expect(cloud.output('DataKeyKeyId')).toBe(keyId);
    expect(cloud.output('DataKeyArn')).toBe(`arn:aws:kms:eu-west-1:111111111111:key/${keyId}`);
    expect(encrypted.KeyId).toBe(cloud.output('DataKeyArn'));
    expect(described.KeyMetadata).toMatchObject({
      KeyId: keyId,
      Description: 'personal data',
      KeySpec: 'SYMMETRIC_DEFAULT',
    });
    expect(signed.Signature?.length).toBeGreaterThan(0);
    expect(retired.name).toBe('DisabledException');
  });

  it('keeps the key material across a restart with a persist directory: data encrypted before decrypts after', async () => {
    // Prepare
    writeTinyAssembly(join(root, 'cdk.out'), RESOURCES, OUTPUTS);
    const persistDirectory = join(root, 'state');
    cloud = await boot(persistDirectory);
    const encrypted = await clientOf(cloud).send(
      new EncryptCommand({
        KeyId: cloud.output('DataKeyAliasName'),
        Plaintext: Buffer.from('survives'),
        EncryptionContext: { tenant: 'acme' },
      }),
    );
    await cloud.stop();

    // Act
    cloud = await boot(persistDirectory);
    const decrypted = await clientOf(cloud).send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { tenant: 'acme' } }),
    );

    // Assess
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).toString('utf8')).toBe('survives');
    expect(decrypted.KeyId).toBe(cloud.output('DataKeyArn'));
  });

  it('forgets the keys without a persist directory: the old ciphertext no longer decrypts', async () => {
    // Prepare
    writeTinyAssembly(join(root, 'cdk.out'), RESOURCES, OUTPUTS);
    cloud = await boot();
    const encrypted = await clientOf(cloud).send(
      new EncryptCommand({ KeyId: cloud.output('DataKeyId'), Plaintext: Buffer.from('gone') }),
    );
    await cloud.stop();

    // Act
    cloud = await boot();
    const error = await failureOf(
      clientOf(cloud).send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })),
    );

    // Assess
    expect(error.name).toBe('InvalidCiphertextException');
  });

  it.each([
    [
      'a key spec the local cloud does not emulate',
      { KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY' },
      /KeySpec ECC_SECG_P256K1/,
    ],
    ['imported key material (Origin EXTERNAL)', { Origin: 'EXTERNAL' }, /property Origin not supported/],
  ])('refuses to boot with %s', async (_case, properties, message) => {
    // Prepare
    writeTinyAssembly(join(root, 'cdk.out'), { Key: { Type: 'AWS::KMS::Key', Properties: properties } });

    // Act
    const attempt = boot();

    // Assess
    await expect(attempt).rejects.toThrow(message);
  });
});
