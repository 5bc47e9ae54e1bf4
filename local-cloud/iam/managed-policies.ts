/**
 * The AWS managed policies the local cloud knows, by ARN: the documents AWS publishes for them. A role that attaches
 * any other managed policy fails the deployment with its name, rather than being evaluated without it.
 */
export type PolicyDocument = { readonly Version?: string; readonly Statement: unknown };

const LOGS_WRITE = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: LOGS_WRITE, Resource: '*' }],
  },
  'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        Resource: '*',
      },
    ],
  },
};

/** `arn:aws:iam::aws:policy/...` and `arn:${AWS::Partition}:...` resolved the same way. */
export function managedPolicy(arn: string): PolicyDocument | undefined {
  return MANAGED_POLICIES[arn.replace(/^arn:[^:]+:/, 'arn:aws:')];
}
