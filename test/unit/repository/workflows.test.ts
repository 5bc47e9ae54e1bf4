import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';
import {
  DOCUMENTED_SECRETS,
  DOCUMENTED_VARIABLES,
  lintWorkflow,
  lintWorkflows,
} from '../../../scripts/lint-workflows.js';

/**
 * The workflow check that stands in for actionlint (ADR 0039): the repository's workflows pass it, and it catches each
 * mistake it is there for. Workflow syntax: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax
 */
const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

/** A valid workflow with `job` as its one job, indented under `jobs:`. */
function workflowWith(job: string, top = 'permissions:\n  contents: read\n'): string {
  return `name: t\non:\n  pull_request:\n${top}jobs:\n${job}`;
}

/** `${{ <expression> }}`, written so that no string literal of this file looks like a template. */
const expression = (text: string) => `\${{ ${text} }}`;

const GOOD_JOB = `  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${CHECKOUT}\n      - run: npm test\n`;

describe('GitHub workflows', () => {
  it('every workflow of the repository passes the check', () => {
    // Act
    const { files, problems } = lintWorkflows(repositoryRoot);

    // Assess
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'pr-diff.yml', 'release.yml']));
    expect(problems).toEqual([]);
  });

  it('passes a minimal valid workflow', () => {
    // Act
    const problems = lintWorkflow('ok.yml', workflowWith(GOOD_JOB));

    // Assess
    expect(problems).toEqual([]);
  });

  it.each([
    ['broken YAML', 'name: t\non: [push\njobs: {}\n', /yaml/],
    ['a duplicate key', workflowWith(`${GOOD_JOB}  test:\n    runs-on: x\n`), /yaml: .*[Mm]ap keys must be unique/],
    ['no top-level permissions', workflowWith(GOOD_JOB, ''), /no top-level "permissions"/],
    ['write-all permissions', workflowWith(GOOD_JOB, 'permissions: write-all\n'), /grants too much/],
    [
      'id-token: write for the whole workflow',
      workflowWith(GOOD_JOB, 'permissions:\n  id-token: write\n'),
      /id-token: write belongs on the jobs/,
    ],
    [
      'an action pinned by tag',
      workflowWith(GOOD_JOB.replace(CHECKOUT, 'actions/checkout@v4')),
      /actions\/checkout@v4 is not pinned by a full commit SHA/,
    ],
    ['a SHA without its version comment', workflowWith(GOOD_JOB.replace(' # v4.2.2', '')), /has no "# vX.Y.Z" comment/],
    ['needs naming no job', workflowWith(GOOD_JOB.replace('runs-on', 'needs: build\n    runs-on')), /needs "build"/],
    [
      'a step with both run and uses',
      workflowWith(GOOD_JOB.replace('- run: npm test', `- run: npm test\n        uses: ${CHECKOUT}`)),
      /exactly one of "run" and "uses"/,
    ],
    ['a job without runs-on', workflowWith(GOOD_JOB.replace('    runs-on: ubuntu-latest\n', '')), /no "runs-on"/],
    [
      'an undocumented secret',
      workflowWith(GOOD_JOB.replace('npm test', `npm test ${expression('secrets.AWS_SECRET_ACCESS_KEY')}`)),
      /secrets.AWS_SECRET_ACCESS_KEY is not a documented secret/,
    ],
    [
      'an env variable defined nowhere',
      workflowWith(GOOD_JOB.replace('npm test', `echo ${expression('env.VERSION')}`)),
      /env.VERSION is not defined/,
    ],
    [
      'an undeclared input',
      workflowWith(GOOD_JOB.replace('npm test', `echo ${expression('inputs.stage')}`)),
      /inputs.stage is not a declared input/,
    ],
    [
      'a step output read before its step',
      workflowWith(GOOD_JOB.replace('npm test', `echo ${expression('steps.version.outputs.v')}`)),
      /steps.version is no earlier step/,
    ],
    [
      'an output its job does not declare',
      workflowWith(
        `${GOOD_JOB}  deploy:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \${{ needs.test.outputs.version }}\n`,
      ),
      /needs.test.outputs.version is not an output of test/,
    ],
    [
      'a pull request title in a shell step',
      workflowWith(GOOD_JOB.replace('npm test', `echo "${expression('github.event.pull_request.title')}"`)),
      /run interpolates untrusted input/,
    ],
    [
      'a branch name in a github-script script',
      workflowWith(
        GOOD_JOB.replace(
          '- run: npm test',
          `- uses: ${CHECKOUT}\n        with:\n          script: console.log('${expression('github.head_ref')}')`,
        ),
      ),
      /with.script interpolates untrusted input/,
    ],
  ])('catches %s', (_mistake, text, expected) => {
    // Act
    const problems = lintWorkflow('bad.yml', text);

    // Assess
    expect(problems.join('\n')).toMatch(expected);
  });

  it('takes untrusted input through env, the way GitHub advises', () => {
    // Prepare
    const job = GOOD_JOB.replace(
      '- run: npm test',
      `- env:\n          TITLE: ${expression('github.event.pull_request.title')}\n        run: echo "$TITLE"`,
    );

    // Act
    const problems = lintWorkflow('ok.yml', workflowWith(job));

    // Assess
    expect(problems).toEqual([]);
  });

  it('documents every secret and variable the workflows may read in docs/release.md', () => {
    // Prepare
    const releaseDoc = readFileSync(join(repositoryRoot, 'docs', 'release.md'), 'utf8');

    // Act
    const undocumented = [...DOCUMENTED_SECRETS, ...DOCUMENTED_VARIABLES].filter(
      (name) => name !== 'GITHUB_TOKEN' && !releaseDoc.includes(`\`${name}\``),
    );

    // Assess
    expect(undocumented).toEqual([]);
  });

  it('Dependabot updates both npm packages and the pinned actions', () => {
    // Act
    const dependabot = parse(readFileSync(join(repositoryRoot, '.github', 'dependabot.yml'), 'utf8')) as {
      version: number;
      updates: Array<{ 'package-ecosystem': string; directory: string }>;
    };

    // Assess
    expect(dependabot.version).toBe(2);
    expect(dependabot.updates.map((update) => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
  });
});
