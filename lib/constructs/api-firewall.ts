import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { tuning } from '../config/tuning.js';

export interface ApiFirewallProps {
  /** The REST API stage the web ACL guards. */
  readonly stage: Stage;
  /** The web ACL's name, also the prefix of its CloudWatch metrics, e.g. `sagastack-prod-api`. */
  readonly name: string;
  /**
   * The largest request body let through; larger ones are blocked with 413. WAF can see at most 64 KiB of a body, so
   * the limit cannot be larger. @default tuning.api.maxRequestBodyBytes
   */
  readonly maxBodyBytes?: number;
  /** Requests one client IP may send in `rateWindowSeconds`; beyond it, 429. @default tuning.firewall.rateLimitPerIp */
  readonly rateLimitPerIp?: number;
  /** The window the rate rule counts over, in seconds (WAF's choices). @default tuning.firewall.rateWindowSeconds */
  readonly rateWindowSeconds?: 60 | 120 | 300 | 600;
}

/** WAF's body inspection sizes for API Gateway (`AssociationConfig`), smallest first; beyond 16 KiB costs extra. */
const INSPECTION_LIMITS = [
  { bytes: 16 * 1024, setting: 'KB_16' },
  { bytes: 32 * 1024, setting: 'KB_32' },
  { bytes: 48 * 1024, setting: 'KB_48' },
  { bytes: 64 * 1024, setting: 'KB_64' },
] as const;

/** The names of the two rules of our own: also their metrics (after the ACL's prefix) and their correlation ids. */
const RATE_RULE = 'RateLimitPerIp';
const BODY_SIZE_RULE = 'BodySizeLimit';

/**
 * A regional WAF web ACL in front of a REST API stage: AWS's IP reputation list, a rate limit per client IP, a body
 * size limit, then the core rule set and the known-bad-inputs rule set (docs/adr/0030-edge-protection.md). Cheap
 * rules come first, so a request from a known bad address or a flooding one is never inspected further.
 *
 * Every rule publishes CloudWatch metrics and sampled requests. The rate and size rules answer the status a client
 * can act on (429, 413) in the API's error envelope; the managed groups' blocks are API Gateway's `WAF_FILTERED`
 * gateway response (403).
 *
 * @example
 * new ApiFirewall(this, 'Firewall', { stage: restApi.deploymentStage, name: `sagastack-${config.name}-api` });
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const maxBodyBytes = props.maxBodyBytes ?? tuning.api.maxRequestBodyBytes;
    const rateLimitPerIp = props.rateLimitPerIp ?? tuning.firewall.rateLimitPerIp;
    const rateWindowSeconds = props.rateWindowSeconds ?? tuning.firewall.rateWindowSeconds;
    // The smallest inspection size that still sees every byte of an allowed body: past it, WAF would see only a prefix
    // and the size rule could not tell a body of the limit from a larger one.
    const inspection = INSPECTION_LIMITS.find((limit) => limit.bytes >= maxBodyBytes);
    if (!inspection) {
      throw new Error(
        `WAF inspects at most 64 KiB of a body; a body limit of ${maxBodyBytes} bytes cannot be enforced`,
      );
    }
    if (!Number.isInteger(rateLimitPerIp) || rateLimitPerIp < 10) {
      throw new Error(`A WAF rate limit is a whole number of at least 10 requests, not ${rateLimitPerIp}`);
    }

    const visibility = (metric: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.name}-${metric}`,
    });
    const managedGroup = (
      name: string,
      priority: number,
      ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[],
    ): CfnWebACL.RuleProperty => ({
      name: `AWS-${name}`,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      visibilityConfig: visibility(`AWS-${name}`),
    });
    const envelopeHeaders = (correlationId: string) => [
      { name: 'X-Correlation-Id', value: correlationId },
      { name: 'Cache-Control', value: 'no-store' },
    ];

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description: 'Edge protection of the REST API stage, see docs/adr/0030-edge-protection.md',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WebAcl'),
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: inspection.setting } } },
      // WAF answers these itself: API Gateway's request id is out of its reach, so the rule's name stands in as the
      // correlation id (header and body alike), and points support to the WAF's sampled requests and metrics.
      customResponseBodies: {
        PayloadTooLarge: {
          contentType: 'APPLICATION_JSON',
          content: envelope(
            'PAYLOAD_TOO_LARGE',
            `The request body is larger than ${maxBodyBytes} bytes`,
            `waf:${BODY_SIZE_RULE}`,
          ),
        },
        RateLimited: {
          contentType: 'APPLICATION_JSON',
          content: envelope('THROTTLED', 'Too many requests from this address; retry later', `waf:${RATE_RULE}`),
        },
      },
      rules: [
        managedGroup('AWSManagedRulesAmazonIpReputationList', 0),
        {
          name: RATE_RULE,
          priority: 1,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'RateLimited',
                responseHeaders: [
                  // The address is blocked until its count over the window falls below the limit.
                  { name: 'Retry-After', value: String(rateWindowSeconds) },
                  ...envelopeHeaders(`waf:${RATE_RULE}`),
                ],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: rateLimitPerIp,
              evaluationWindowSec: rateWindowSeconds,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility(RATE_RULE),
        },
        {
          name: BODY_SIZE_RULE,
          priority: 2,
          action: {
            block: {
              customResponse: {
                responseCode: 413,
                customResponseBodyKey: 'PayloadTooLarge',
                responseHeaders: envelopeHeaders(`waf:${BODY_SIZE_RULE}`),
              },
            },
          },
          statement: {
            sizeConstraintStatement: {
              // A body beyond the inspection size is larger than the limit too: it matches without being read.
              fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
              comparisonOperator: 'GT',
              size: maxBodyBytes,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: visibility(BODY_SIZE_RULE),
        },
        // The core rule set blocks every body over 8 KiB (SizeRestrictions_BODY); the API's own limit is the rule
        // above, so that one only counts.
        managedGroup('AWSManagedRulesCommonRuleSet', 3, [
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 4),
      ],
    });

    // The stage's ARN refers to the stage (`Ref`), so CloudFormation associates it only once the stage exists.
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

/** The API's error envelope, for a response WAF sends without the API (and so without its request id). */
function envelope(code: string, message: string, correlationId: string): string {
  return JSON.stringify({ error: { code, message, correlationId } });
}
