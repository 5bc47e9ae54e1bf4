/**
 * The reviewed cdk-nag acknowledgements acknowledge what they name and nothing else: a wildcard resource passes only
 * where every `*` statement holds actions that support no resource-level permission.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { Effect, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeKnownFindings } from '../../lib/nag-acknowledgements.js';
import { appWithCdkJsonContext } from './support/app.js';

/** Synthesizes one role with one policy of `actions` on `*`; resolves with cdk-nag's error, if it reports one. */
function synthesizeWildcardPolicy(actions: string[]): string | undefined {
  const app = appWithCdkJsonContext();
  const stack = new Stack(app, 'Probe', { env: { account: '111111111111', region: 'eu-west-1' } });
  const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  new Policy(stack, 'Policy', {
    roles: [role],
    statements: [new PolicyStatement({ effect: Effect.ALLOW, actions, resources: ['*'] })],
  });
  acknowledgeKnownFindings(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('cdk-nag acknowledgements', () => {
  it('acknowledge a wildcard resource for actions without resource-level permissions (X-Ray, Logs delivery)', () => {
    // Act
    const error = synthesizeWildcardPolicy(['xray:PutTraceSegments', 'logs:CreateLogDelivery']);

    // Assess
    expect(error).toBeUndefined();
  });

  it('leave a wildcard resource for any other action to fail the synth', () => {
    // Act
    const error = synthesizeWildcardPolicy(['xray:PutTraceSegments', 'dynamodb:GetItem']);

    // Assess
    expect(error).toContain('AwsSolutions-IAM5[Resource::*]');
  });
});
