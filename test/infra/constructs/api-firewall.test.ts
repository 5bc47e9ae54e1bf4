/**
 * What `ApiFirewall` derives from its props: the body inspection size WAF needs for the limit, and the limits WAF
 * cannot enforce, refused at synth.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import { ApiFirewall, type ApiFirewallProps } from '../../../lib/constructs/api-firewall.js';
import { appWithCdkJsonContext } from '../support/app.js';

function firewalled(props: Partial<Omit<ApiFirewallProps, 'stage'>> = {}): Template {
  const stack = new Stack(appWithCdkJsonContext(), 'Probe', { env: { account: '111111111111', region: 'eu-west-1' } });
  const api = new RestApi(stack, 'Api');
  api.root.addMethod('GET');
  new ApiFirewall(stack, 'Firewall', { stage: api.deploymentStage, name: 'probe-api', ...props });
  return Template.fromStack(stack);
}

describe('ApiFirewall', () => {
  it.each([
    [10 * 1024, 'KB_16'],
    [16 * 1024, 'KB_16'],
    [16 * 1024 + 1, 'KB_32'],
    [64 * 1024, 'KB_64'],
  ])('inspects the smallest body size that holds a limit of %i bytes (%s)', (maxBodyBytes, setting) => {
    // Act
    const template = firewalled({ maxBodyBytes });

    // Assess
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      AssociationConfig: { RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: setting } } },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'BodySizeLimit',
          Statement: { SizeConstraintStatement: Match.objectLike({ Size: maxBodyBytes }) },
        }),
      ]),
    });
  });

  it('takes its rate limit and window from its props', () => {
    // Act
    const template = firewalled({ rateLimitPerIp: 500, rateWindowSeconds: 60 });

    // Assess
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Statement: { RateBasedStatement: { Limit: 500, EvaluationWindowSec: 60, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
  });

  it.each([
    ['a body limit WAF cannot see all of', { maxBodyBytes: 64 * 1024 + 1 }, /at most 64 KiB/],
    ['a rate limit below WAF’s minimum', { rateLimitPerIp: 9 }, /at least 10/],
  ])('refuses %s at synth', (_case, props, message) => {
    // Assess
    expect(() => firewalled(props)).toThrow(message);
  });
});
