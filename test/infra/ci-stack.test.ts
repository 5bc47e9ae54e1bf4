/**
 * The CI stacks (lib/stacks/ci-stack.ts): GitHub Actions reaches each account through OIDC, the release through a
 * role trusted only for the repository's deployment environments and `v*` tags, pull requests through a role that can
 * only read. Subjects: https://docs.github.com/en/actions/reference/security/oidc ; AWS's trust policy for GitHub:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 */
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeKnownFindings } from '../../lib/nag-acknowledgements.js';
import { addCiStacks, type DeployedStage, InvalidRepositoryError } from '../../lib/stacks/ci-stack.js';
import { appWithCdkJsonContext } from './support/app.js';

const STAGING: DeployedStage = { name: 'staging', account: '222222222222', region: 'eu-west-1' };
const PROD: DeployedStage = { name: 'prod', account: '333333333333', region: 'eu-west-1' };

function ciTemplates(deployedStages: readonly DeployedStage[]) {
  const app = appWithCdkJsonContext();
  const stacks = addCiStacks(app, deployedStages, 'acme/sagastack');
  acknowledgeKnownFindings(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stacks, templates: stacks.map((stack) => Template.fromStack(stack)) };
}

type Statement = { Action: string | string[]; Resource: string | string[]; Condition?: Record<string, unknown> };

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
  const statements = resourceOf(template, 'AWS::IAM::Policy', prefix).Properties.PolicyDocument.Statement;
  return statements.flatMap((statement) => [statement.Resource].flat());
}

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
