import { describe, expect, it } from 'vitest';
import { allowPolicy, apiWideResourceOf } from '../../../../functions/platform/domain/authorizer-policy.js';
import { UnauthorizedError } from '../../../../shared/errors.js';

const identity = { sub: 'user-ada', roles: ['customer', 'support'], tenant: 'tenant-a' };

describe('allowPolicy', () => {
  it('allows execute-api:Invoke on every route of the stage, for the token subject, with the identity as context', () => {
    // Act
    const policy = allowPolicy(identity, 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/POST/checkouts');

    // Assess
    expect(policy).toEqual({
      principalId: 'user-ada',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/*/*',
          },
        ],
      },
      context: { sub: 'user-ada', tenant: 'tenant-a', roles: 'customer,support' },
    });
  });

  it('passes an empty roles string for a token without roles', () => {
    // Assess
    expect(allowPolicy({ ...identity, roles: [] }, 'arn:aws:execute-api:us-east-1:1:api/prod/GET/').context.roles).toBe(
      '',
    );
  });
});

describe('apiWideResourceOf', () => {
  it.each([
    [
      'a nested path',
      'arn:aws:execute-api:us-east-1:000000000000:api1/local/GET/checkouts/chk_1',
      'arn:aws:execute-api:us-east-1:000000000000:api1/local/*/*',
    ],
    [
      'the root path',
      'arn:aws:execute-api:us-east-1:000000000000:api1/local/GET/',
      'arn:aws:execute-api:us-east-1:000000000000:api1/local/*/*',
    ],
    [
      'another partition',
      'arn:aws-cn:execute-api:cn-north-1:123456789012:api2/prod/DELETE/carts/c1/items/SKU-1',
      'arn:aws-cn:execute-api:cn-north-1:123456789012:api2/prod/*/*',
    ],
  ])('widens a method ARN with %s to the whole stage', (_case, methodArn, expected) => {
    // Assess
    expect(apiWideResourceOf(methodArn)).toBe(expected);
  });

  it.each([
    ['not an ARN'],
    ['arn:aws:lambda:us-east-1:1:function:f'],
    ['arn:aws:execute-api:us-east-1:1:api-without-stage'],
  ])('refuses %s', (methodArn) => {
    // Assess
    expect(() => apiWideResourceOf(methodArn)).toThrow(UnauthorizedError);
  });
});
