import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/**
 * Every command-line tool behaves the same way (local-cloud/cli/define-cli.ts, ADR 0037): `--help` prints the usage
 * and exits 0; a wrong argument prints one line naming it and exits 2; a condition the user can fix prints one line
 * and exits 1; none prints a stack trace for the user's error. Each runs as a child process through tsx, as `npm run`
 * runs it; only paths that end before any synth, boot or connection are taken, so no local cloud is needed.
 */

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const TSX = join(repositoryRoot, 'node_modules/.bin/tsx');
/** A stack frame as Node prints it. */
const STACK_FRAME = /^\s+at .+/m;

function run(script: string, args: readonly string[], environment: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      TSX,
      [script, ...args],
      {
        cwd: repositoryRoot,
        // No deployment to find unless a test gives one, and plain output (no spinner, no colours).
        env: { ...process.env, SAGASTACK_OUTPUTS_FILE: '', CI: '1', NO_COLOR: '1', ...environment },
        timeout: 60_000,
      },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** The lines a tool printed on stderr, without Node's own warnings (experimental APIs) that no tool controls. */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.length > 0)
    .filter((line) => !/ExperimentalWarning|--trace-warnings/.test(line));
}

const TOOLS = [
  { script: 'local-cloud/cli/start.ts', invocation: 'npm start --' },
  { script: 'tools/token.ts', invocation: 'npm run token --' },
  { script: 'tools/saga.ts', invocation: 'npm run saga --' },
  { script: 'tools/dlq.ts', invocation: 'npm run dlq --' },
  { script: 'tools/rule.ts', invocation: 'npm run rule --' },
  { script: 'scripts/seed.ts', invocation: 'npm run seed --' },
  { script: 'bench/run.ts', invocation: 'npm run bench --' },
  { script: 'chaos/run.ts', invocation: 'npm run chaos --' },
] as const;

// Each case waits on a child process; on a busy machine a handful at once can take longer than vitest's 5 s default.
describe.concurrent('every command-line tool', { timeout: 30_000 }, () => {
  describe.each(TOOLS)('$script', ({ script, invocation }) => {
    it('answers --help with its usage on stdout and exits 0', async () => {
      // Act
      const result = await run(script, ['--help']);

      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: ${invocation}`);
      expect(result.stdout).toContain('-h, --help');
      expect(errorLines(result.stderr)).toEqual([]);
    });

    it('refuses an unknown flag with one line naming it and a pointer to --help, and exits 2', async () => {
      // Act
      const result = await run(script, ['--no-such-flag']);

      // Assess
      expect(result.code).toBe(2);
      expect(errorLines(result.stderr)).toEqual([
        expect.stringMatching(new RegExp(`unknown option '--no-such-flag'.*see ${invocation} --help`)),
      ]);
      expect(result.stdout).toBe('');
    });
  });

  it.each([
    { script: 'tools/token.ts', args: ['-h'], stdout: 'Usage: npm run token --' },
    { script: 'tools/dlq.ts', args: ['redrive', '--help'], stdout: 'Usage: npm run dlq -- redrive [options] <queue>' },
    { script: 'tools/rule.ts', args: ['fire', '-h'], stdout: 'Usage: npm run rule -- fire [options] <name>' },
  ])('answers $args of $script with its usage', async ({ script, args, stdout }) => {
    // Act
    const result = await run(script, args);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(stdout);
  });

  it.each([
    // The value jose refused with a stack trace before: refused as an argument now.
    {
      script: 'tools/token.ts',
      args: ['--expires-in', 'abc'],
      says: "'--expires-in <seconds>' argument 'abc' is invalid",
    },
    { script: 'tools/token.ts', args: ['--agent', 'agent:bot'], says: '--agent needs --request' },
    { script: 'tools/token.ts', args: ['--sbu', 'u1'], says: 'Did you mean --sub?' },
    { script: 'tools/saga.ts', args: [], says: "missing required argument 'id'" },
    { script: 'tools/saga.ts', args: ['c-1', 'c-2'], says: 'too many arguments' },
    { script: 'tools/dlq.ts', args: [], says: 'a command is expected: list, redrive, replay, resend' },
    { script: 'tools/dlq.ts', args: ['frob'], says: "unknown command 'frob'" },
    { script: 'tools/rule.ts', args: ['fire'], says: "missing required argument 'name'" },
    { script: 'scripts/seed.ts', args: ['--stage', 'moon'], says: 'It must be one of local, dev, staging, prod' },
    { script: 'local-cloud/cli/start.ts', args: ['--port', '70000'], says: 'a whole number from 1 to 65535' },
    { script: 'bench/run.ts', args: ['--only', 'nope'], says: "unknown section 'nope'" },
    { script: 'chaos/run.ts', args: ['--saga', '5', '--sagas', '2'], says: '--saga 5 is not below --sagas 2' },
  ])('refuses $args of $script with one line and exit code 2', async ({ script, args, says }) => {
    // Act
    const result = await run(script, args);

    // Assess
    expect(result.code).toBe(2);
    const lines = errorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(says);
    expect(lines[0]).toContain('--help');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('says in one line, exit code 1, that the deployment named is not there', async () => {
    // Prepare
    const missing = join(tmpdir(), 'sagastack-no-such-outputs.json');

    // Act
    const result = await run('tools/saga.ts', ['c-1'], { SAGASTACK_OUTPUTS_FILE: missing });

    // Assess
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      `saga: No outputs file ${missing} (SAGASTACK_OUTPUTS_FILE): write it with \`cdk deploy --outputs-file\`.`,
    ]);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('says in one line, exit code 1, that firing a rule needs the local cloud', async () => {
    // Prepare: a deployment on AWS (an outputs file, no endpoint), where rules fire on their schedule only.
    const outputsFile = join(mkdtempSync(join(tmpdir(), 'sagastack-cli-')), 'outputs.json');
    writeFileSync(outputsFile, JSON.stringify({ Checkout: { CatalogTableName: 'catalog' } }));

    // Act
    const result = await run('tools/rule.ts', ['list'], { SAGASTACK_OUTPUTS_FILE: outputsFile, AWS_ENDPOINT_URL: '' });

    // Assess
    expect(result.code).toBe(1);
    expect(errorLines(result.stderr)).toEqual([
      'rule: Firing rules on demand is a local cloud feature; start it with `npm start`.',
    ]);
  });
});
