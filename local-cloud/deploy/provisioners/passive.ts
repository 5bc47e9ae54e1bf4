/**
 * Resources with no runtime behaviour in the local cloud: identity when IAM is off (`LOCAL_CLOUD_IAM=off`; when it is
 * on, `local-cloud/iam/provisioners.ts` records roles and policies instead), log groups (function logs go to the local
 * cloud's output), alarms and dashboards (no metrics backend), API Gateway's account-level CloudWatch role, and WAF
 * web ACLs and their associations (nothing is filtered). They are still provisioned, so every Ref and GetAtt resolves,
 * and docs/local-cloud.md lists each of them as "accepted without effect".
 */
import { randomUUID } from 'node:crypto';
import type { Provisioner, ResourceToProvision } from '../stack-deployer.js';

const arn = (resource: ResourceToProvision, service: string, path: string) =>
  `arn:aws:${service}:${resource.stack.region}:${resource.stack.accountId}:${path}`;

/** Accepts every listed property and records an ARN-shaped identity. */
function passive(
  properties: readonly string[],
  describe: (resource: ResourceToProvision) => { ref: string; attributes?: Record<string, unknown> },
): Provisioner {
  return { supported: [], withoutEffect: properties, provision: async (resource) => describe(resource) };
}

/** A role's name (`Ref`) and ARN: the same whether or not IAM is enforced. */
export function roleIdentity(resource: ResourceToProvision): { ref: string; attributes: Record<string, unknown> } {
  const name = String(resource.properties.RoleName ?? resource.generatedName());
  return {
    ref: name,
    attributes: { Arn: `arn:aws:iam::${resource.stack.accountId}:role/${name}`, RoleId: randomUUID() },
  };
}

export const passiveProvisioners: Readonly<Record<string, Provisioner>> = {
  'AWS::CDK::Metadata': passive(['Analytics'], () => ({ ref: 'CDKMetadata' })),
  'AWS::IAM::Role': passive(
    [
      'AssumeRolePolicyDocument',
      'ManagedPolicyArns',
      'Policies',
      'Description',
      'Path',
      'RoleName',
      'Tags',
      'MaxSessionDuration',
      'PermissionsBoundary',
    ],
    roleIdentity,
  ),
  'AWS::IAM::Policy': passive(['PolicyDocument', 'PolicyName', 'Roles', 'Users', 'Groups'], (resource) => ({
    ref: String(resource.properties.PolicyName ?? resource.generatedName()),
  })),
  'AWS::IAM::ManagedPolicy': passive(
    ['PolicyDocument', 'ManagedPolicyName', 'Roles', 'Description', 'Path'],
    (resource) => ({
      ref: `arn:aws:iam::${resource.stack.accountId}:policy/${resource.generatedName()}`,
    }),
  ),
  'AWS::Logs::LogGroup': passive(
    ['LogGroupName', 'RetentionInDays', 'KmsKeyId', 'Tags', 'LogGroupClass', 'DataProtectionPolicy'],
    (resource) => {
      const name = String(resource.properties.LogGroupName ?? resource.generatedName(512));
      return { ref: name, attributes: { Arn: arn(resource, 'logs', `log-group:${name}:*`) } };
    },
  ),
  'AWS::Lambda::Permission': passive(
    [
      'Action',
      'FunctionName',
      'Principal',
      'SourceArn',
      'SourceAccount',
      'EventSourceToken',
      'FunctionUrlAuthType',
      'PrincipalOrgID',
    ],
    (resource) => ({ ref: resource.generatedName() }),
  ),
  'AWS::SQS::QueuePolicy': passive(['PolicyDocument', 'Queues'], (resource) => ({ ref: resource.generatedName() })),
  'AWS::SNS::Topic': passive(
    ['TopicName', 'DisplayName', 'KmsMasterKeyId', 'Tags', 'FifoTopic', 'ContentBasedDeduplication', 'TracingConfig'],
    (resource) => {
      const name = String(resource.properties.TopicName ?? resource.generatedName(256));
      const topicArn = arn(resource, 'sns', name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    },
  ),
  'AWS::SNS::TopicPolicy': passive(['PolicyDocument', 'Topics'], (resource) => ({ ref: resource.generatedName() })),
  'AWS::CloudWatch::Alarm': passive(
    [
      'AlarmName',
      'AlarmDescription',
      'AlarmActions',
      'OKActions',
      'InsufficientDataActions',
      'ActionsEnabled',
      'MetricName',
      'Namespace',
      'Dimensions',
      'Statistic',
      'ExtendedStatistic',
      'Period',
      'EvaluationPeriods',
      'DatapointsToAlarm',
      'Threshold',
      'ComparisonOperator',
      'TreatMissingData',
      'Metrics',
      'Unit',
      'EvaluateLowSampleCountPercentile',
      'ThresholdMetricId',
    ],
    (resource) => {
      const name = String(resource.properties.AlarmName ?? resource.generatedName(255));
      return { ref: name, attributes: { Arn: arn(resource, 'cloudwatch', `alarm:${name}`) } };
    },
  ),
  'AWS::CloudWatch::Dashboard': passive(['DashboardName', 'DashboardBody'], (resource) => ({
    ref: String(resource.properties.DashboardName ?? resource.generatedName(255)),
  })),
  'AWS::ApiGateway::Account': passive(['CloudWatchRoleArn'], (resource) => ({ ref: resource.generatedName() })),
  // A web ACL filters nothing locally: the local API Gateway serves what the ACL would have blocked, and keeps only
  // API Gateway's own limits (10 MB bodies). Accepted so that a stage with a WAF still boots.
  'AWS::WAFv2::WebACL': passive(
    [
      'Name',
      'Description',
      'Scope',
      'DefaultAction',
      'Rules',
      'VisibilityConfig',
      'CustomResponseBodies',
      'AssociationConfig',
      'CaptchaConfig',
      'ChallengeConfig',
      'TokenDomains',
      'DataProtectionConfig',
      'Tags',
    ],
    (resource) => {
      const name = String(resource.properties.Name ?? resource.generatedName(128));
      const id = randomUUID();
      const scope = resource.properties.Scope === 'CLOUDFRONT' ? 'global' : 'regional';
      return {
        ref: `${name}|${id}|${String(resource.properties.Scope ?? 'REGIONAL')}`,
        attributes: { Arn: arn(resource, 'wafv2', `${scope}/webacl/${name}/${id}`), Id: id, Capacity: 0 },
      };
    },
  ),
  'AWS::WAFv2::WebACLAssociation': passive(['ResourceArn', 'WebACLArn'], (resource) => ({
    ref: resource.generatedName(),
  })),
};
