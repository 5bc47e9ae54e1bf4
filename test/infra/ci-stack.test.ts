/**
 * The CI stacks (lib/stacks/ci-stack.ts): GitHub Actions reaches each account through OIDC, the release through a
 * role trusted only for the repository's deployment environments and `v*` tags, pull requests through a role that can
 * only read. Subjects: https://docs.github.com/en/actions/reference/security/oidc ; AWS's trust policy for GitHub:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { acknowledgeKnownFindings } from '../../lib/nag-acknowledgements.js';
import { addCiStacks, type DeployedStage, InvalidRepositoryError } from '../../lib/stacks/ci-stack.js';
import { appWithCdkJsonContext } from './support/app.js';

const STAGING: DeployedStage = { name: 'staging', id: 'Staging', account: '222222222222', region: 'eu-west-1' };
const PROD: DeployedStage = { name: 'prod', id: 'Prod', account: '333333333333', region: 'eu-west-1' };

function ciTemplates(deployedStages: readonly DeployedStage[]) {
  const app = appWithCdkJsonContext();
  const stacks = addCiStacks(app, deployedStages, 'acme/sagastack');
  acknowledgeKnownFindings(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stacks, templates: stacks.map((stack) => Template.fromStack(stack)) };
}

type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, unknown>;
};

/** The one resource of `type` whose logical id starts with `prefix` (CDK appends a hash). */
interface IamProperties {
  readonly AssumeRolePolicyDocument: { readonly Statement: Statement[] };
  readonly PolicyDocument: { readonly Statement: Statement[] };
}

function resourceOf(template: Template, type: string, prefix: string): { Properties: IamProperties } {
  const found = Object.entries(template.findResources(type)).find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`No ${type} ${prefix}* in the template`);
  return found[1] as { Properties: IamProperties };
}

function roleTrust(template: Template, prefix: string): Statement {
  const [trust] = resourceOf(template, 'AWS::IAM::Role', prefix).Properties.AssumeRolePolicyDocument.Statement;
  if (!trust) throw new Error(`${prefix} trusts no one`);
  return trust;
}

function rolePolicyResources(template: Template, prefix: string): string[] {
  return rolePolicy(template, prefix).flatMap((statement) => [statement.Resource].flat());
}

function rolePolicy(template: Template, prefix: string): Statement[] {
  return resourceOf(template, 'AWS::IAM::Policy', prefix).Properties.PolicyDocument.Statement;
}

/**
 * The IAM action of each SDK command the e2e suite sends (lib-dynamodb's document commands are DynamoDB's item
 * actions). A command missing here fails the test below: map it, and grant it in E2E_SUITE_ACCESS if the suite needs it.
 */
const ACTION_OF_COMMAND: Readonly<Record<string, string>> = {
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  UpdateCommand: 'dynamodb:UpdateItem',
  ListTablesCommand: 'dynamodb:ListTables',
  SendMessageCommand: 'sqs:SendMessage',
  ReceiveMessageCommand: 'sqs:ReceiveMessage',
  GetQueueAttributesCommand: 'sqs:GetQueueAttributes',
  GetQueueUrlCommand: 'sqs:GetQueueUrl',
  ListQueuesCommand: 'sqs:ListQueues',
  ListDeadLetterSourceQueuesCommand: 'sqs:ListDeadLetterSourceQueues',
  StartMessageMoveTaskCommand: 'sqs:StartMessageMoveTask',
  ListMessageMoveTasksCommand: 'sqs:ListMessageMoveTasks',
  InvokeCommand: 'lambda:InvokeFunction',
  PutEventsCommand: 'events:PutEvents',
  SignCommand: 'kms:Sign',
  ListExecutionsCommand: 'states:ListExecutions',
  DescribeExecutionCommand: 'states:DescribeExecution',
  GetExecutionHistoryCommand: 'states:GetExecutionHistory',
  SendTaskSuccessCommand: 'states:SendTaskSuccess',
  SendTaskHeartbeatCommand: 'states:SendTaskHeartbeat',
};

/**
 * The files whose SDK calls run with the e2e role: the e2e project's tests and support (the fault-matrix project runs
 * locally only, vitest.config.ts), and the tools and chaos modules they import.
 */
function suiteFiles(): string[] {
  const e2e = readdirSync(join(repositoryRoot, 'test/e2e'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !/fault-matri(x|ces)/.test(path))
    .map((path) => join(repositoryRoot, 'test/e2e', path));
  const imported = e2e.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/from '((?:\.\.\/)+(?:tools|chaos)\/[\w/-]+)\.js'/g)].map((match) =>
      join(file, '..', `${match[1]}.ts`),
    ),
  );
  return [...new Set([...e2e, ...imported])];
}

function commandsSentBy(files: readonly string[]): string[] {
  const commands = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/new ([A-Z]\w+Command)\(/g)].map((match) => match[1] as string),
  );
  return [...new Set(commands)].sort();
}

const actionsOf = (statements: readonly Statement[]) => statements.flatMap((statement) => [statement.Action].flat());

describe('CI stacks', () => {
  it('one stack per account, outside the stages, with the GitHub OIDC provider for STS', () => {
    // Act
    const { stacks, templates } = ciTemplates([STAGING, PROD, { ...STAGING, name: 'dev' }]);

    // Assess
    expect(stacks.map((stack) => stack.stackName)).toEqual(['Ci-222222222222', 'Ci-333333333333']);
    for (const template of templates) {
      template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
      template.hasResourceProperties('AWS::IAM::OIDCProvider', {
        Url: 'https://token.actions.githubusercontent.com',
        ClientIdList: ['sts.amazonaws.com'],
      });
    }
  });

  it('the deploy role trusts only the deployment environments of its account and the v* tags of the repository', () => {
    // Act
    const { templates } = ciTemplates([STAGING, { ...STAGING, name: 'dev' }]);
    const trust = roleTrust(templates[0] as Template, 'DeployRole');

    // Assess
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: {
        'token.actions.githubusercontent.com:sub': [
          'repo:acme/sagastack:environment:staging',
          'repo:acme/sagastack:environment:dev',
          'repo:acme/sagastack:ref:refs/tags/v*',
        ],
      },
    });
  });

  it('the deploy role may only assume the CDK bootstrap roles of its account and regions', () => {
    // Act
    const { templates } = ciTemplates([PROD]);
    const resources = rolePolicyResources(templates[0] as Template, 'DeployRole');

    // Assess
    expect(resources.sort()).toEqual(
      ['deploy', 'file-publishing', 'image-publishing', 'lookup']
        .map((kind) => `arn:aws:iam::333333333333:role/cdk-hnb659fds-${kind}-role-333333333333-eu-west-1`)
        .sort(),
    );
  });

  it('the diff role trusts pull requests and may only assume the read-only lookup role', () => {
    // Act
    const { templates } = ciTemplates([PROD]);
    const template = templates[0] as Template;

    // Assess
    expect(roleTrust(template, 'DiffRole').Condition).toMatchObject({
      StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/sagastack:pull_request'] },
    });
    expect(rolePolicyResources(template, 'DiffRole')).toEqual([
      'arn:aws:iam::333333333333:role/cdk-hnb659fds-lookup-role-333333333333-eu-west-1',
    ]);
  });

  it('the e2e role exists in the account hosting Staging only, and is an output', () => {
    // Act
    const { templates } = ciTemplates([STAGING, PROD]);
    const [staging, prod] = templates as [Template, Template];

    // Assess
    expect(Object.keys(staging.findResources('AWS::IAM::Role')).some((id) => id.startsWith('E2eRole'))).toBe(true);
    expect(Object.keys(prod.findResources('AWS::IAM::Role')).some((id) => id.startsWith('E2eRole'))).toBe(false);
    staging.hasOutput('E2eRoleArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^E2eRole'), 'Arn'] } });
    expect(Object.keys(prod.findOutputs('*'))).not.toContain('E2eRoleArn');
  });

  it('the e2e role trusts the staging environment of the repository and nothing else', () => {
    // Act
    const { templates } = ciTemplates([STAGING, { ...PROD, account: STAGING.account }]);
    const trust = roleTrust(templates[0] as Template, 'E2eRole');

    // Assess
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/sagastack:environment:staging',
      },
    });
  });

  it('the e2e role may do every SDK call of the e2e suite', () => {
    // Prepare
    const commands = commandsSentBy(suiteFiles());

    // Act
    const { templates } = ciTemplates([STAGING]);
    const granted = new Set(actionsOf(rolePolicy(templates[0] as Template, 'E2eRole')));

    // Assess
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.filter((command) => !(command in ACTION_OF_COMMAND))).toEqual([]);
    expect(
      commands.map((command) => ACTION_OF_COMMAND[command]).filter((action) => !granted.has(action as string)),
    ).toEqual([]);
  });

  it('the e2e role reaches the Staging stage’s resources, and names `*` only for actions that name nothing', () => {
    // Act
    const { templates } = ciTemplates([STAGING]);
    const statements = rolePolicy(templates[0] as Template, 'E2eRole');
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));

    // Assess
    const region = 'arn:aws:%s:eu-west-1:222222222222';
    const at = (service: string, resource: string) => `${region.replace('%s', service)}:${resource}`;
    expect(bySid.StageTables?.Resource).toEqual([
      at('dynamodb', 'table/Staging-*'),
      at('dynamodb', 'table/Staging-*/index/*'),
    ]);
    expect(bySid.StageQueues?.Resource).toBe(at('sqs', 'Staging-*'));
    expect(bySid.StageFunctions?.Resource).toBe(at('lambda', 'function:Staging-*'));
    expect(bySid.StageEventBus?.Resource).toBe(at('events', 'event-bus/StagingPlatform*'));
    expect(bySid.StageOutputs?.Resource).toBe(at('cloudformation', 'stack/Staging-*/*'));
    expect(bySid.StageQueueEncryption?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' },
    });
    expect(bySid.StageTokenSigning?.Condition).toMatchObject({
      StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': 'Staging-*' },
    });
    const onEverything = statements.filter((statement) => [statement.Resource].flat().includes('*'));
    expect(actionsOf(onEverything).sort()).toEqual(['dynamodb:ListTables', 'sqs:ListQueues']);
    expect(
      actionsOf(statements).filter((action) =>
        /\*|^iam:|^sts:|Delete(Table|Queue)|^kms:(Create|Put|Schedule)/.test(action),
      ),
    ).toEqual([]);
  });

  it('cdk-nag reports nothing on them', () => {
    // Act
    const { app, stacks } = ciTemplates([STAGING, PROD]);
    app.synth();

    // Assess
    for (const stack of stacks) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue()), stack.stackName).toEqual([]);
    }
  });

  it('refuses a repository that is not owner/name', () => {
    // Act
    const build = () => addCiStacks(appWithCdkJsonContext(), [PROD], 'acme/*');

    // Assess
    expect(build).toThrow(InvalidRepositoryError);
  });
});
