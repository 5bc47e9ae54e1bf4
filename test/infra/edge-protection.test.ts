/**
 * Edge protection on the synthesized stages (docs/adr/0030-edge-protection.md): the WAF web ACL on the stages whose
 * settings ask for it (staging, prod) and on no other, which is what satisfies cdk-nag's APIG3; the gateway responses
 * for bodies and blocks; and the authorizer's key source per stage.
 */
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const FIREWALLED = ['staging', 'prod'] as const;
const UNGUARDED = ['local', 'dev'] as const;

const visible = (metricName: string) => ({
  CloudWatchMetricsEnabled: true,
  SampledRequestsEnabled: true,
  MetricName: metricName,
});
const managedGroup = (name: string, extra: Record<string, unknown> = {}) =>
  Match.objectLike({
    Name: `AWS-${name}`,
    OverrideAction: { None: {} },
    Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name, ...extra } },
    VisibilityConfig: visible(Match.stringLikeRegexp(`-AWS-${name}$`) as unknown as string),
  });

describe.each(FIREWALLED)('%s: the API stage sits behind the WAF', (stage) => {
  const template = app.template(stage, 'Api');

  it('a regional web ACL that allows by default, with metrics and sampled requests', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Name: `sagastack-${stage}-api`,
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: visible(`sagastack-${stage}-api-WebAcl`),
    });
  });

  it.each([
    ['AWSManagedRulesAmazonIpReputationList', {}],
    ['AWSManagedRulesKnownBadInputsRuleSet', {}],
    // Its 8 KiB body rule only counts: the API's own limit is the body size rule.
    [
      'AWSManagedRulesCommonRuleSet',
      { RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }] },
    ],
  ])('the managed rule group %s', (name, extra) => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([managedGroup(name, extra)]),
    });
  });

  it('a rate rule per client IP, from tuning, answering 429 in the error envelope', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Statement: {
            RateBasedStatement: {
              Limit: tuning.firewall.rateLimitPerIp,
              EvaluationWindowSec: tuning.firewall.rateWindowSeconds,
              AggregateKeyType: 'IP',
            },
          },
          Action: {
            Block: {
              CustomResponse: Match.objectLike({
                ResponseCode: 429,
                CustomResponseBodyKey: 'RateLimited',
                ResponseHeaders: Match.arrayWith([
                  { Name: 'Retry-After', Value: String(tuning.firewall.rateWindowSeconds) },
                ]),
              }),
            },
          },
          VisibilityConfig: visible(`sagastack-${stage}-api-RateLimitPerIp`),
        }),
      ]),
      CustomResponseBodies: {
        RateLimited: { ContentType: 'APPLICATION_JSON', Content: Match.stringLikeRegexp('"code":"THROTTLED"') },
      },
    });
  });

  it('a body size rule at the API’s limit, answering 413, that sees every byte of the bodies it lets through', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'BodySizeLimit',
          Statement: {
            SizeConstraintStatement: {
              FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
              ComparisonOperator: 'GT',
              Size: tuning.api.maxRequestBodyBytes,
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 413 }) } },
        }),
      ]),
      // 64 KiB of inspection for a 64 KiB limit: a larger body is oversize and matches without being read.
      AssociationConfig: { RequestBody: { API_GATEWAY: { DefaultSizeInspectionLimit: 'KB_64' } } },
      CustomResponseBodies: {
        PayloadTooLarge: {
          ContentType: 'APPLICATION_JSON',
          Content: JSON.stringify({
            error: {
              code: 'PAYLOAD_TOO_LARGE',
              message: `The request body is larger than ${tuning.api.maxRequestBodyBytes} bytes`,
              correlationId: 'waf:BodySizeLimit',
            },
          }),
        },
      },
    });
  });

  it('the cheap rules first: reputation, rate and size before the rule sets that read the request', () => {
    // Act
    const [acl] = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'));
    const order = [...(acl?.Properties?.Rules ?? [])]
      .sort((a: { Priority: number }, b: { Priority: number }) => a.Priority - b.Priority)
      .map((rule: { Name: string }) => rule.Name);

    // Assess
    expect(order).toEqual([
      'AWS-AWSManagedRulesAmazonIpReputationList',
      'RateLimitPerIp',
      'BodySizeLimit',
      'AWS-AWSManagedRulesCommonRuleSet',
      'AWS-AWSManagedRulesKnownBadInputsRuleSet',
    ]);
  });

  it('the web ACL is associated with the deployment stage of the REST API, which it refers to (so created after it)', () => {
    // Prepare
    const [restApiId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::RestApi'));
    const [stageId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'));
    const [aclId] = Object.keys(resourcesOf(template, 'AWS::WAFv2::WebACL'));

    // Assess
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      ResourceArn: {
        'Fn::Join': [
          '',
          Match.arrayWith([Match.stringLikeRegexp(':apigateway:'), { Ref: restApiId }, '/stages/', { Ref: stageId }]),
        ],
      },
    });
  });
});

describe.each(UNGUARDED)('%s: no WAF', (stage) => {
  it('has no web ACL and no association', () => {
    // Act
    const template = app.template(stage, 'Api');

    // Assess
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe.each([...UNGUARDED, ...FIREWALLED])('%s: gateway responses', (stage) => {
  it.each([
    ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
    ['WAF_FILTERED', '403', 'REQUEST_BLOCKED'],
  ])('%s answers %s in the error envelope with code %s', (type, status, code) => {
    app.template(stage, 'Api').hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`"code":"${code}"`) },
    });
  });
});

describe('the authorizer’s key source', () => {
  const authorizerVariables = (stage: 'local' | 'prod') => {
    const functions = Object.values(resourcesOf(app.template(stage, 'Api'), 'AWS::Lambda::Function'));
    const authorizer = functions.find(
      (fn) =>
        fn.Properties?.Description === 'Verifies user JWTs (RS256) and service account tokens (ES256) for the REST API',
    );
    return authorizer?.Properties?.Environment?.Variables as Record<string, unknown>;
  };

  it('local keeps its fixed dev key', () => {
    // Act
    const variables = authorizerVariables('local');

    // Assess
    expect(JSON.parse(String(variables.JWT_PUBLIC_KEYS))).toEqual([
      { kid: 'local-dev-1', publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') },
    ]);
    expect(variables.JWT_JWKS_URL).toBeUndefined();
  });

  it('prod reads the issuer’s key set, and has no fixed key', () => {
    // Act
    const variables = authorizerVariables('prod');

    // Assess
    expect(variables.JWT_JWKS_URL).toBe('https://auth.sagastack.dev/.well-known/jwks.json');
    expect(variables.JWT_PUBLIC_KEYS).toBeUndefined();
  });
});

describe('cdk-nag AwsSolutions-APIG3 (a REST API stage without WAF)', () => {
  const STAGE_IDS = { local: 'Local', dev: 'Dev', staging: 'Staging', prod: 'Prod' } as const;
  const apiStackOf = (stage: keyof typeof STAGE_IDS): IConstruct =>
    app.app.node.findChild(STAGE_IDS[stage]).node.findChild('Api');
  /** The rules acknowledged on the REST API, with their reasons. */
  const acknowledgedOn = (stage: keyof typeof STAGE_IDS): Record<string, string> =>
    Object.assign(
      {},
      ...apiStackOf(stage)
        .node.findChild('RestApi')
        .node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .map((entry) => entry.data as Record<string, string>),
    );
  const apig3 = (ids: Record<string, string>) =>
    Object.entries(ids).filter(([id]) => id.endsWith('AwsSolutions-APIG3'));
  const apig3Findings = (stage: keyof typeof STAGE_IDS) =>
    new AwsSolutionsChecks()
      .validateScope(apiStackOf(stage))
      .violations.filter((violation) => violation.ruleName.endsWith('APIG3'));

  it.each(FIREWALLED)('%s: is satisfied by the web ACL, with no acknowledgement', (stage) => {
    // Assess
    expect(apig3(acknowledgedOn(stage))).toEqual([]);
    expect(apig3Findings(stage)).toEqual([]);
  });

  it.each(UNGUARDED)('%s: is acknowledged with its reason, as the stage runs without WAF', (stage) => {
    // Assess
    expect(apig3(acknowledgedOn(stage))).toEqual([
      [expect.any(String), expect.stringMatching(/without the WAF web ACL.*maxRequestBodyBytes/)],
    ]);
    expect(apig3Findings(stage)).toEqual([]);
  });
});
