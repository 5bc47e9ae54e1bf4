/**
 * IAM on KMS calls (ADR 0025): a function's call is judged against its role's identity policies on the key the request
 * resolves to (an alias stands for its key; Decrypt's key is the one in the ciphertext), as AWS authorizes KMS
 * (https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html), with the grant CDK's
 * `key.grantEncryptDecrypt(fn)` writes and the root statement of CDK's default key policy.
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionAccessKeyId, LocalIam } from '../../local-cloud/iam/index.js';
import { ACCOUNT, failureOf, REGION, type ServedKms, serveKms } from './kms-harness.js';

let served: ServedKms;
let granted: string;
let notGranted: string;

beforeAll(async () => {
  let kms: ServedKms['kms'] | undefined;
  const iam = new LocalIam({
    region: REGION,
    account: ACCOUNT,
    kmsKeyArnOf: (identifier) => kms?.keyArnOf(identifier),
    kmsKeyArnOfCiphertext: (blob) => kms?.keyArnOfCiphertext(Buffer.from(blob, 'base64')),
  });
  served = await serveKms(iam.guard());
  kms = served.kms;
  const operator = served.client();
  granted = (await operator.send(new CreateKeyCommand({}))).KeyMetadata?.Arn as string;
  notGranted = (await operator.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata
    ?.Arn as string;
  await operator.send(new CreateAliasCommand({ AliasName: 'alias/personal-data', TargetKeyId: granted }));
  // CDK's default key policy: the account's identity policies decide.
  const rootStatement = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
  for (const key of [granted, notGranted]) iam.store.addResourceStatements(key, [rootStatement]);
  iam.store.addRole('worker-role', {
    Policies: [
      {
        PolicyName: 'grantEncryptDecrypt',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
              Resource: granted,
            },
          ],
        },
      },
    ],
  });
  iam.store.addFunction('worker', `arn:aws:iam::${ACCOUNT}:role/worker-role`);
});
afterAll(async () => {
  await served?.server.close();
});

const worker = () => served.client(functionAccessKeyId('worker'));

describe('IAM on KMS calls', () => {
  it('allows what the role grants, on the key an alias names', async () => {
    // Act
    const encrypted = await worker().send(
      new EncryptCommand({
        KeyId: 'alias/personal-data',
        Plaintext: Buffer.from('pii'),
        EncryptionContext: { t: '1' },
      }),
    );
    const decrypted = await worker().send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { t: '1' } }),
    );

    // Assess
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).toString('utf8')).toBe('pii');
  });

  it('refuses a key the role has no grant on, as AWS words it', async () => {
    // Act
    const error = await failureOf(
      worker().send(
        new SignCommand({ KeyId: notGranted, Message: Buffer.from('jwt'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
      ),
    );

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/worker-role/worker is not authorized to perform: kms:Sign on resource: ${notGranted} because no identity-based policy allows the kms:Sign action`,
    );
  });

  it('judges Decrypt without KeyId against the key inside the ciphertext', async () => {
    // Prepare: a ciphertext under a key the worker may not use, made by an unrestricted caller.
    const other = (await served.client().send(new CreateKeyCommand({}))).KeyMetadata?.Arn as string;
    const encrypted = await served.client().send(new EncryptCommand({ KeyId: other, Plaintext: Buffer.from('x') }));

    // Act
    const error = await failureOf(worker().send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob })));

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`kms:Decrypt on resource: ${other}`);
  });

  it('refuses an action the grant does not list, on the granted key', async () => {
    // Act
    const error = await failureOf(worker().send(new CreateKeyCommand({})));
    const dataKey = await worker().send(new GenerateDataKeyCommand({ KeyId: granted, KeySpec: 'AES_256' }));

    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain('kms:CreateKey on resource: *');
    expect(dataKey.Plaintext?.length).toBe(32);
  });
});
