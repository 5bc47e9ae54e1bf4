/**
 * The identity context as deployed: the signing key and who may use which half of it, the service accounts table,
 * and the authorizer's trust of platform tokens (docs/service-accounts.md, docs/adr/0038-service-accounts.md).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stages } from '../../lib/config/stages.js';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const identity = app.template('prod', 'Identity');
const api = app.template('prod', 'Api');

interface Statement {
  Effect: string;
  Action: string | string[];
}

/** The KMS actions each function's policy grants, by the function's logical id prefix. */
function kmsActions(template: ReturnType<typeof app.template>): Map<string, string[]> {
  const actions = new Map<string, string[]>();
  for (const [logicalId, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const statements = (policy.Properties?.PolicyDocument.Statement ?? []) as Statement[];
    const kms = statements.flatMap((statement) => [statement.Action].flat()).filter((a) => a.startsWith('kms:'));
    actions.set(logicalId, kms);
  }
  return actions;
}

describe('the identity stack', () => {
  it('owns an ECC_NIST_P256 signing key, retained on prod', () => {
    // Assess
    identity.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
      DeletionPolicy: 'Retain',
    });
  });

  it('grants kms:Sign to the token endpoint alone; the key set may read the public half', () => {
    // Act
    const actions = kmsActions(identity);
    const signers = [...actions].filter(([, granted]) => granted.includes('kms:Sign')).map(([id]) => id);
    const jwks = [...actions].find(([id]) => id.startsWith('GetJwksFn'));

    // Assess
    expect(signers).toHaveLength(1);
    expect(signers[0]).toMatch(/^IssueTokenFn/);
    expect(jwks?.[1]).toContain('kms:GetPublicKey');
    expect(jwks?.[1]).not.toContain('kms:Sign');
  });

  it('keys service accounts by id, with a byProject index for the list', () => {
    // Assess
    identity.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'serviceAccountId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byProject',
          KeySchema: [
            { AttributeName: 'projectId', KeyType: 'HASH' },
            { AttributeName: 'serviceAccountId', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });

  it('tells the token endpoint the stage’s platform issuer, never the user tokens’ issuer', () => {
    // Prepare
    const { platformTokenIssuer, jwt } = stages.prod;

    // Assess
    expect(platformTokenIssuer).not.toBe(jwt.issuer);
    identity.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PLATFORM_TOKEN_ISSUER: platformTokenIssuer,
          PLATFORM_TOKEN_AUDIENCE: jwt.audience,
          PLATFORM_SIGNING_KEY_ARN: Match.anyValue(),
        }),
      },
    });
  });
});

describe('the authorizer', () => {
  it('trusts the platform issuer and key, and may read the key’s public half, never sign', () => {
    // Act
    const granted = [...kmsActions(api)].filter(([id]) => id.startsWith('AuthorizerFn')).flatMap(([, a]) => a);

    // Assess
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PLATFORM_TOKEN_ISSUER: stages.prod.platformTokenIssuer,
          PLATFORM_SIGNING_KEY_ARN: Match.anyValue(),
          JWT_ISSUER: stages.prod.jwt.issuer,
        }),
      },
    });
    expect(granted).toContain('kms:GetPublicKey');
    expect(granted).not.toContain('kms:Sign');
  });
});
