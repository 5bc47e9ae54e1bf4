/**
 * `npm run lint:workflows`: checks the GitHub workflows for what actionlint would catch that matters here (ADR 0039):
 * actionlint is a Go binary that `npm ci` cannot install, so this is a check in `npm test` instead
 * (test/unit/repository/workflows.test.ts). It checks:
 *
 * - the YAML parses, without duplicate keys, and has a workflow's shape (`on`, `jobs`, each job `runs-on` and steps
 *   that each either `run` or `uses`);
 * - a top-level `permissions:` block (least privilege: a job that needs more asks for it), and `id-token: write`
 *   nowhere but on the jobs that exchange it;
 * - every action pinned by a full commit SHA with its version in a comment (`uses: owner/repo@<sha> # v1.2.3`);
 * - `needs` naming jobs that exist; `needs.<job>.outputs.<name>` naming a job it needs and an output that job declares;
 *   `steps.<id>` naming an earlier step of the job; `env.<NAME>` defined in scope; `inputs.<name>` declared by a
 *   `workflow_dispatch` or `workflow_call` trigger; `secrets.<NAME>` and `vars.<NAME>` in the documented list;
 * - no `${{ github.event.* }}` or `${{ github.head_ref }}` inside a shell step or a github-script script, where a
 *   pull request's title or branch name would become code (GitHub's script-injection advice:
 *   https://docs.github.com/en/actions/reference/security/secure-use#good-practices-for-mitigating-script-injection-attacks);
 *   pass them through `env:` instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';

/** Secrets and variables the workflows may read; docs/release.md says what each is and where it is set. */
export const DOCUMENTED_SECRETS = ['E2E_JWT_PRIVATE_KEY', 'GITHUB_TOKEN', 'LOCALSTACK_AUTH_TOKEN'] as const;
export const DOCUMENTED_VARIABLES = [
  'AWS_ACCOUNT_ID',
  'AWS_DEPLOY_ROLE_ARN',
  'AWS_DIFF_ROLE_ARN',
  'AWS_E2E_ROLE_ARN',
  'AWS_PROD_ACCOUNT_ID',
  'AWS_REGION',
  'ALARM_EMAIL',
  'E2E_JWT_PUBLIC_KEYS',
  'LOCALSTACK_ENABLED',
] as const;

const WORKFLOW_KEYS = new Set(['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs']);
const JOB_KEYS = new Set([
  'name',
  'needs',
  'permissions',
  'runs-on',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'if',
  'steps',
  'timeout-minutes',
  'strategy',
  'continue-on-error',
  'container',
  'services',
  'uses',
  'with',
  'secrets',
]);
const STEP_KEYS = new Set([
  'id',
  'if',
  'name',
  'uses',
  'run',
  'working-directory',
  'shell',
  'with',
  'env',
  'continue-on-error',
  'timeout-minutes',
]);
const PERMISSION_SCOPES = new Set([
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'id-token',
  'issues',
  'discussions',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
]);
/** Contexts whose values an outsider chooses (a pull request's title, body or branch name). */
const UNTRUSTED_IN_CODE = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref)/;
const PINNED_USES = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every problem of one workflow file, each as `<file>: <where>: <what>`; empty when it passes. */
export function lintWorkflow(file: string, text: string): string[] {
  const problems: string[] = [];
  const report = (where: string, what: string) => problems.push(`${file}: ${where}: ${what}`);
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  for (const error of document.errors) report('yaml', error.message.split('\n')[0] ?? error.code);
  if (document.errors.length > 0) return problems;
  const workflow = document.toJS() as unknown;
  if (!isMapping(workflow)) {
    report('workflow', 'is not a mapping');
    return problems;
  }
  for (const key of Object.keys(workflow)) if (!WORKFLOW_KEYS.has(key)) report('workflow', `unknown key "${key}"`);
  if (workflow.on === undefined) report('workflow', 'has no "on" trigger');
  checkUsesPinned(text, report);
  checkPermissions(workflow.permissions, 'workflow', report, { allowIdToken: false });
  if (workflow.permissions === undefined) report('workflow', 'has no top-level "permissions" (least privilege)');

  const jobs = workflow.jobs;
  if (!isMapping(jobs) || Object.keys(jobs).length === 0) {
    report('workflow', 'has no jobs');
    return problems;
  }
  const inputs = declaredInputs(workflow.on);
  const workflowEnv = Object.keys(isMapping(workflow.env) ? workflow.env : {});
  for (const [jobId, job] of Object.entries(jobs)) {
    const where = `jobs.${jobId}`;
    if (!isMapping(job)) {
      report(where, 'is not a mapping');
      continue;
    }
    for (const key of Object.keys(job)) if (!JOB_KEYS.has(key)) report(where, `unknown key "${key}"`);
    const needs = [job.needs ?? []].flat().map(String);
    for (const need of needs) if (!(need in jobs)) report(where, `needs "${need}", which is no job of this workflow`);
    checkPermissions(job.permissions, where, report, { allowIdToken: true });
    const jobEnv = [...workflowEnv, ...Object.keys(isMapping(job.env) ? job.env : {})];
    // A job's `outputs` may read any of its steps; a step only those before it.
    const allStepIds = (Array.isArray(job.steps) ? job.steps : []).flatMap((step: unknown) =>
      isMapping(step) && typeof step.id === 'string' ? [step.id] : [],
    );
    checkExpressions(where, { ...job, steps: undefined }, jobEnv, { jobs, needs, inputs, stepIds: allStepIds }, report);
    const context: ExpressionContext = { jobs, needs, inputs, stepIds: [] };
    if (job.uses !== undefined) continue; // a reusable workflow call has no steps of its own
    if (job['runs-on'] === undefined) report(where, 'has no "runs-on"');
    if (!Array.isArray(job.steps) || job.steps.length === 0) {
      report(where, 'has no steps');
      continue;
    }
    job.steps.forEach((step: unknown, index) => {
      const stepWhere = `${where}.steps[${index}]`;
      if (!isMapping(step)) {
        report(stepWhere, 'is not a mapping');
        return;
      }
      for (const key of Object.keys(step)) if (!STEP_KEYS.has(key)) report(stepWhere, `unknown key "${key}"`);
      if ((step.run === undefined) === (step.uses === undefined))
        report(stepWhere, 'needs exactly one of "run" and "uses"');
      const stepEnv = [...jobEnv, ...Object.keys(isMapping(step.env) ? step.env : {})];
      checkExpressions(stepWhere, step, stepEnv, context, report);
      const script = isMapping(step.with) ? step.with.script : undefined;
      for (const [name, code] of [
        ['run', step.run],
        ['with.script', script],
      ] as const) {
        if (typeof code === 'string' && UNTRUSTED_IN_CODE.test(code)) {
          report(stepWhere, `${name} interpolates untrusted input (github.event.*, github.head_ref): pass it via env`);
        }
      }
      if (typeof step.id === 'string') context.stepIds.push(step.id);
    });
  }
  return problems;
}

interface ExpressionContext {
  readonly jobs: Mapping;
  readonly needs: readonly string[];
  readonly inputs: readonly string[];
  /** The ids of the steps before the one being checked. */
  readonly stepIds: string[];
}

/** Checks the references of every `${{ }}` expression in `node` (strings at any depth). */
function checkExpressions(
  where: string,
  node: unknown,
  env: readonly string[],
  context: ExpressionContext,
  report: (where: string, what: string) => void,
): void {
  for (const text of stringsIn(node)) {
    for (const [, expression = ''] of text.matchAll(/\$\{\{(.*?)\}\}/gs)) {
      for (const [, kind, name, rest] of expression.matchAll(
        /\b(secrets|vars|env|inputs|steps|needs)\.([A-Za-z_][\w-]*)((?:\.[\w-]+)*)/g,
      )) {
        const problem = referenceProblem(kind as string, name as string, rest ?? '', env, context);
        if (problem) report(where, problem);
      }
    }
  }
}

function referenceProblem(
  kind: string,
  name: string,
  rest: string,
  env: readonly string[],
  context: ExpressionContext,
): string | undefined {
  switch (kind) {
    case 'secrets':
      return (DOCUMENTED_SECRETS as readonly string[]).includes(name)
        ? undefined
        : `secrets.${name} is not a documented secret (docs/release.md)`;
    case 'vars':
      return (DOCUMENTED_VARIABLES as readonly string[]).includes(name)
        ? undefined
        : `vars.${name} is not a documented variable (docs/release.md)`;
    case 'env':
      return env.includes(name) ? undefined : `env.${name} is not defined in this scope`;
    case 'inputs':
      return context.inputs.includes(name) ? undefined : `inputs.${name} is not a declared input`;
    case 'steps':
      return context.stepIds.includes(name) ? undefined : `steps.${name} is no earlier step of this job`;
    case 'needs': {
      if (!context.needs.includes(name)) return `needs.${name} is not a job this job needs`;
      const output = /^\.outputs\.([\w-]+)/.exec(rest)?.[1];
      const job = context.jobs[name];
      const outputs = isMapping(job) && isMapping(job.outputs) ? Object.keys(job.outputs) : [];
      return output && !outputs.includes(output)
        ? `needs.${name}.outputs.${output} is not an output of ${name}`
        : undefined;
    }
    default:
      return undefined;
  }
}

function* stringsIn(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node;
  else if (Array.isArray(node)) for (const item of node) yield* stringsIn(item);
  else if (isMapping(node)) for (const value of Object.values(node)) yield* stringsIn(value);
}

function declaredInputs(on: unknown): string[] {
  if (!isMapping(on)) return [];
  return ['workflow_dispatch', 'workflow_call'].flatMap((trigger) => {
    const declaration = on[trigger];
    return isMapping(declaration) && isMapping(declaration.inputs) ? Object.keys(declaration.inputs) : [];
  });
}

function checkPermissions(
  permissions: unknown,
  where: string,
  report: (where: string, what: string) => void,
  { allowIdToken }: { allowIdToken: boolean },
): void {
  if (permissions === undefined) return;
  if (typeof permissions === 'string') {
    if (permissions !== 'read-all' && permissions !== '{}')
      report(where, `permissions "${permissions}" grants too much`);
    return;
  }
  if (!isMapping(permissions)) {
    report(where, 'permissions is neither a mapping nor read-all');
    return;
  }
  for (const [scope, level] of Object.entries(permissions)) {
    if (!PERMISSION_SCOPES.has(scope)) report(where, `unknown permission scope "${scope}"`);
    if (!['read', 'write', 'none'].includes(String(level)))
      report(where, `permission ${scope}: "${level}" is no level`);
    if (scope === 'id-token' && level === 'write' && !allowIdToken) {
      report(where, 'id-token: write belongs on the jobs that exchange the token, not on the whole workflow');
    }
  }
}

/** Reads the `uses:` lines from the text, since the version comment is lost in parsing. */
function checkUsesPinned(text: string, report: (where: string, what: string) => void): void {
  text.split('\n').forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?\s*(#.*)?$/.exec(line);
    if (!match) return;
    const [, action = '', comment] = match;
    if (action.startsWith('./') || action.startsWith('docker://')) return;
    if (!PINNED_USES.test(action)) report(`line ${index + 1}`, `${action} is not pinned by a full commit SHA`);
    else if (!comment || !/#\s*v\d/.test(comment)) report(`line ${index + 1}`, `${action} has no "# vX.Y.Z" comment`);
  });
}

/** The problems of every workflow under `<root>/.github/workflows`. */
export function lintWorkflows(root: string): { files: string[]; problems: string[] } {
  const directory = join(root, '.github', 'workflows');
  const files = readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const problems = files.flatMap((name) =>
    lintWorkflow(`.github/workflows/${name}`, readFileSync(join(directory, name), 'utf8')),
  );
  return { files, problems };
}

function main(): void {
  const { files, problems } = lintWorkflows(process.cwd());
  for (const problem of problems) console.error(problem);
  console.log(`${files.length} workflows, ${problems.length} problems`);
  if (problems.length > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
