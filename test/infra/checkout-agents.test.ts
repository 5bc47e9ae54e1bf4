/**
 * The checkout consumer verifies agents' own tokens with the platform's key (docs/adr/0038-service-accounts.md §8):
 * it is told the platform issuer and the key, may read the key's public half and nothing more, and is the one
 * function of the checkout context that may.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stages } from '../../lib/config/stages.js';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const checkout = app.template('prod', 'Checkout');

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

/** The KMS statements of each policy of the template, by the policy's logical id. */
function kmsStatements(): Array<[string, Statement]> {
  return Object.entries(resourcesOf(checkout, 'AWS::IAM::Policy')).flatMap(([logicalId, policy]) =>
    ((policy.Properties?.PolicyDocument.Statement ?? []) as Statement[])
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('kms:')))
      .map((statement) => [logicalId, statement] as [string, Statement]),
  );
}

describe('the CheckoutRequested consumer and agents’ tokens', () => {
  it('is told the platform issuer, the API audience and the signing key', () => {
    // Assess
    checkout.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PLATFORM_TOKEN_ISSUER: stages.prod.platformTokenIssuer,
          PLATFORM_TOKEN_AUDIENCE: stages.prod.jwt.audience,
          PLATFORM_SIGNING_KEY_ARN: Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('Identity') }),
          JWT_ISSUER: stages.prod.jwt.issuer,
        }),
      },
    });
  });

  it('alone may read the signing key’s public half, and may not sign', () => {
    // Act
    const readers = kmsStatements().filter(([, statement]) => [statement.Action].flat().includes('kms:GetPublicKey'));

    // Assess
    expect(readers.map(([id]) => id)).toEqual([expect.stringMatching(/^CheckoutRequestedFn/)]);
    const [, statement] = readers[0] as [string, Statement];
    expect([statement.Action].flat()).toEqual(['kms:GetPublicKey']);
    expect(JSON.stringify(statement.Resource)).toContain('Identity');
    expect(kmsStatements().flatMap(([, s]) => [s.Action].flat())).not.toContain('kms:Sign');
  });
});
