/**
 * Personal data is sealed under a key of its own (docs/adr/0040-personal-data-is-envelope-encrypted.md): the commands
 * that seal it may only ask that key for data keys, and only the two that need the clear text (the notifications and
 * the owner's order view) may decrypt. Asserted on every stage's templates. (No `kms:EncryptionContext` condition
 * yet: AppFunction.bindPersonalDataKey says why.)
 */
import { describe, expect, it } from 'vitest';
import { type CfnResources, resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const checkoutTemplates = app.allTemplates().filter(({ stack }) => stack === 'Checkout');

/** The logical id of the resource `Fn::GetAtt` names in an IAM `Resource` (or `undefined`). */
const attributeOwner = (resource: unknown): string | undefined =>
  (resource as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];

/** Which KMS actions each function's role holds on `keyId` (or on every resource). */
function grantsOnKey(resources: CfnResources, keyId: string): Map<string, { actions: string[] }> {
  const functionOfRole = new Map<string, string>();
  for (const [logicalId, fn] of Object.entries(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const role = attributeOwner(fn.Properties?.Role);
    if (role) functionOfRole.set(role, logicalId);
  }
  const grants = new Map<string, { actions: string[] }>();
  for (const policy of Object.values(resources)) {
    if (policy.Type !== 'AWS::IAM::Policy') continue;
    const statements: Array<{ Action: string | string[]; Resource: unknown }> =
      policy.Properties?.PolicyDocument?.Statement ?? [];
    const onKey = statements.filter((statement) =>
      [statement.Resource].flat().some((resource) => attributeOwner(resource) === keyId || resource === '*'),
    );
    for (const role of policy.Properties?.Roles ?? []) {
      const fn = functionOfRole.get((role as { Ref: string }).Ref) ?? (role as { Ref: string }).Ref;
      for (const statement of onKey) {
        const actions = [statement.Action].flat().filter((action) => action.startsWith('kms:'));
        if (actions.length === 0) continue;
        const held = grants.get(fn) ?? { actions: [] };
        held.actions.push(...actions);
        grants.set(fn, held);
      }
    }
  }
  return grants;
}

const functionNamed = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

describe.each(checkoutTemplates)('$stage: the personal-data key', ({ template }) => {
  const resources = template.toJSON().Resources as CfnResources;
  const keys = Object.entries(resourcesOf(template, 'AWS::KMS::Key')).filter(([logicalId]) =>
    logicalId.startsWith('PersonalDataKey'),
  );
  const keyId = keys[0]?.[0] ?? 'missing';

  it('is one customer-managed key of the checkout context, rotated', () => {
    // Assess
    expect(keys).toHaveLength(1);
    expect(keys[0]?.[1].Properties).toMatchObject({ EnableKeyRotation: true });
  });

  it('lets exactly the notifications and the order read path decrypt, with a tenant and a checkout in the context', () => {
    // Act
    const decrypters = [...grantsOnKey(resources, keyId)]
      .filter(([, held]) => held.actions.some((action) => action === 'kms:Decrypt' || action === 'kms:*'))
      .map(([fn]) => functionNamed(fn))
      .sort();

    // Assess
    expect(decrypters).toEqual(['GetOrderFn', 'NotifyCustomerFn']);
  });

  it('lets exactly the two entries of a checkout ask for data keys, and nothing else', () => {
    // Act
    const grants = [...grantsOnKey(resources, keyId)].map(([fn, held]) => [functionNamed(fn), held] as const);
    const sealers = grants
      .filter(([, held]) => held.actions.includes('kms:GenerateDataKey'))
      .map(([fn]) => fn)
      .sort();

    // Assess
    expect(sealers).toEqual(['CheckoutRequestedFn', 'StartCheckoutFn']);
    // One action per function, never both directions, never a wildcard.
    for (const [, held] of grants) expect(held.actions).toHaveLength(1);
    expect(grants).toHaveLength(4);
  });

  it('is named to the functions that use it, and to no other', () => {
    // Act
    const withTheKey = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
      .filter(([, fn]) => fn.Properties?.Environment?.Variables?.PERSONAL_DATA_KEY_ARN !== undefined)
      .map(([logicalId, fn]) => [
        functionNamed(logicalId),
        attributeOwner(fn.Properties?.Environment?.Variables?.PERSONAL_DATA_KEY_ARN),
      ])
      .sort();

    // Assess
    expect(withTheKey).toEqual([
      ['CheckoutRequestedFn', keyId],
      ['GetOrderFn', keyId],
      ['NotifyCustomerFn', keyId],
      ['StartCheckoutFn', keyId],
    ]);
  });
});

describe('no other stack', () => {
  it.each(app.allTemplates().filter(({ stack }) => stack !== 'Checkout'))(
    '$stage/$stack: refers to the personal-data key',
    ({ template }) => {
      // Assess: the key is the checkout context's, exported to no one.
      expect(JSON.stringify(template.toJSON())).not.toMatch(/PersonalDataKey/);
    },
  );
});
