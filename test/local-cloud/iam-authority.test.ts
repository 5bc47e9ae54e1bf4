/**
 * The IAM authority's cache of decisions (`local-cloud/iam/authority.ts`): a call's condition keys belong in the
 * cache key only when a policy judging it names them, so a record's own encryption context does not make every record's
 * call a new evaluation, and a condition a policy does name still decides.
 */
import { describe, expect, it } from 'vitest';
import { IamAuthority } from '../../local-cloud/iam/authority.js';
import { PolicyStore } from '../../local-cloud/iam/policy-store.js';

const ROLE_ARN = 'arn:aws:iam::000000000000:role/consumer';
const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
const BUS_ARN = 'arn:aws:events:us-east-1:000000000000:event-bus/orders';

function authorityWith(statements: unknown[]) {
  const store = new PolicyStore();
  store.addRole('consumer', {
    Policies: [{ PolicyName: 'grants', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
  });
  // The key policy CDK writes by default: the account's own policies decide who may use the key.
  store.addResourceStatements(KEY_ARN, [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' },
  ]);
  return { authority: new IamAuthority(store), caller: store.roleIdentity(ROLE_ARN, 'ConsumerFn') };
}

const decrypt = (checkoutId: string) => ({
  action: 'kms:Decrypt',
  resource: KEY_ARN,
  context: { 'kms:EncryptionContext:checkoutId': checkoutId, 'kms:CallerAccount': '000000000000' },
});

describe('IAM decisions cached by the condition keys their policies name', () => {
  it('evaluates once for calls that differ only in keys no policy names (a record per encryption context)', async () => {
    // Prepare
    const { authority, caller } = authorityWith([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN }]);

    // Act
    const refusals = [
      await authority.refusal(caller, [decrypt('chk_1')]),
      await authority.refusal(caller, [decrypt('chk_2')]),
      await authority.refusal(caller, [decrypt('chk_3')]),
    ];

    // Assess
    expect(refusals).toEqual([undefined, undefined, undefined]);
    expect(authority.evaluations).toBe(1);
  });

  it('still decides by a condition key a policy names, whatever was decided before under another value', async () => {
    // Prepare
    const { authority, caller } = authorityWith([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: BUS_ARN,
        Condition: { 'ForAllValues:StringEquals': { 'events:source': ['sagastack.checkout'] } },
      },
    ]);
    const putEvents = (source: string) => ({
      action: 'events:PutEvents',
      resource: BUS_ARN,
      context: { 'events:source': [source] },
    });

    // Act
    const own = await authority.refusal(caller, [putEvents('sagastack.checkout')]);
    const another = await authority.refusal(caller, [putEvents('sagastack.billing')]);

    // Assess
    expect(own).toBeUndefined();
    expect(another?.message).toMatch(/is not authorized to perform: events:PutEvents/);
    expect(authority.evaluations).toBe(2);
  });

  it('keeps the whole context when a policy names a key that stands for a set of keys (kms:EncryptionContextKeys)', async () => {
    // Prepare
    const { authority, caller } = authorityWith([
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: KEY_ARN,
        Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['checkoutId', 'tenantId'] } },
      },
    ]);

    // Act
    await authority.refusal(caller, [decrypt('chk_1')]);
    await authority.refusal(caller, [decrypt('chk_2')]);

    // Assess
    expect(authority.evaluations).toBe(2);
  });
});
