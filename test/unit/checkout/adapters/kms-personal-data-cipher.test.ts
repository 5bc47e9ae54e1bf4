import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  encryptionContextOf,
  kmsPersonalDataCipher,
} from '../../../../functions/checkout/adapters/kms-personal-data-cipher.js';
import { type PersonalData, PersonalDataIntegrityError } from '../../../../functions/checkout/ports/personal-data.js';
import { fakeKms as kms, PERSONAL_DATA_KEY_ARN, resetFakeKms } from '../personal-data-harness.js';

const DATA: PersonalData = {
  shippingAddress: {
    country: 'US',
    region: 'CA',
    postalCode: '94105-PD',
    recipient: 'Ada Unit-Lovelace',
    lines: ['12 Analytical Engine Way'],
    city: 'Sanfranunit',
  },
  contact: { email: 'ada.unit@example.test', phone: '+14155550123' },
};
const OWNER = { tenantId: 'tenant-a', checkoutId: 'chk_0001' };
const cipher = kmsPersonalDataCipher({ keyArn: () => PERSONAL_DATA_KEY_ARN });

beforeEach(resetFakeKms);

describe('kmsPersonalDataCipher (AWS Encryption SDK, KMS keyring)', () => {
  it('seals under a data key of its own from the personal-data key, bound to the record, and opens it again', async () => {
    // Act
    const sealed = await cipher.seal(DATA, OWNER);
    const opened = await cipher.open(sealed, OWNER);

    // Assess
    expect(opened).toEqual(DATA);
    const [generate] = kms.commandCalls(GenerateDataKeyCommand);
    expect(generate?.args[0].input).toMatchObject({
      KeyId: PERSONAL_DATA_KEY_ARN,
      EncryptionContext: expect.objectContaining({
        tenantId: 'tenant-a',
        checkoutId: 'chk_0001',
        purpose: 'sagastack:checkout-personal-data',
      }),
    });
    // The strict keyring asks KMS to decrypt under this key only, with the context the message was sealed with.
    const [decrypt] = kms.commandCalls(DecryptCommand);
    expect(decrypt?.args[0].input).toMatchObject({
      KeyId: PERSONAL_DATA_KEY_ARN,
      EncryptionContext: expect.objectContaining(encryptionContextOf(OWNER)),
    });
  });

  it('stores nothing of the data in clear, in the sealed text or its base64 decoding', async () => {
    // Act
    const sealed = await cipher.seal(DATA, OWNER);

    // Assess
    const decoded = Buffer.from(sealed, 'base64').toString('latin1');
    for (const value of ['94105-PD', 'Ada Unit-Lovelace', 'Analytical Engine', 'Sanfranunit', 'ada.unit', '5550123']) {
      expect(sealed).not.toContain(value);
      expect(decoded).not.toContain(value);
    }
  });

  it('asks KMS for a new data key for every record', async () => {
    // Act
    const first = await cipher.seal(DATA, OWNER);
    const second = await cipher.seal(DATA, { ...OWNER, checkoutId: 'chk_0002' });

    // Assess
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
    expect(first).not.toBe(second);
  });

  it.each([
    ['another checkout', { ...OWNER, checkoutId: 'chk_other' }],
    ['another tenant', { ...OWNER, tenantId: 'tenant-b' }],
  ])('refuses data copied onto %s', async (_, otherOwner) => {
    // Prepare: a valid message, read from a record it was not sealed for.
    const sealed = await cipher.seal(DATA, OWNER);

    // Act
    const opening = cipher.open(sealed, otherOwner);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(PersonalDataIntegrityError);
  });

  it('does not open a message whose context was tampered with', async () => {
    // Prepare: the checkout id inside the stored message rewritten (same length, so the header still parses).
    const sealed = Buffer.from(await cipher.seal(DATA, OWNER), 'base64');
    const at = sealed.indexOf('chk_0001');
    sealed.write('chk_0009', at, 'latin1');

    // Act
    const opening = cipher.open(sealed.toString('base64'), { ...OWNER, checkoutId: 'chk_0009' });

    // Assess: KMS refuses the data key under a context it was not issued for.
    await expect(opening).rejects.toThrow();
    expect(kms.commandCalls(DecryptCommand).length).toBeGreaterThan(0);
  });

  it('passes on a refusal of KMS (a function without kms:Decrypt)', async () => {
    // Prepare
    const sealed = await cipher.seal(DATA, OWNER);
    kms
      .on(DecryptCommand)
      .rejects(Object.assign(new Error('not authorized to perform: kms:Decrypt'), { name: 'AccessDeniedException' }));

    // Act
    const opening = cipher.open(sealed, OWNER);

    // Assess
    await expect(opening).rejects.toThrow(/kms:Decrypt/);
  });
});
