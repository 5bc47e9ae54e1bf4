/**
 * `tsx scripts/smoke-test.ts --outputs <cdk-outputs.json> --version <x.y.z> [--commit <sha>]`: the release's smoke
 * test of a stage it just deployed. `GET <ApiUrl>/health/ready` must answer 200 (every context reaches its data) and
 * name the release that was deployed, so a deployment that left the old functions in place fails too. It asks again
 * for up to two minutes, since a fresh deployment's first requests may meet cold starts.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The release a stage should report. */
export interface ExpectedBuild {
  readonly version: string;
  /** The full commit SHA of the tag; the stage may report it shortened. */
  readonly commit?: string;
}

/** What is wrong with one `/health/ready` answer; empty when the stage is ready and runs the expected release. */
export function readinessProblems(status: number, body: unknown, expected: ExpectedBuild): string[] {
  const problems: string[] = [];
  if (status !== 200) problems.push(`/health/ready answered ${status}, not 200`);
  const report = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (report.status !== 'ok') problems.push(`status is ${JSON.stringify(report.status)}, not "ok"`);
  if (report.version !== expected.version) {
    problems.push(`version is ${JSON.stringify(report.version)}, not ${JSON.stringify(expected.version)}`);
  }
  const commit = typeof report.commit === 'string' ? report.commit : '';
  if (expected.commit && (commit.length < 7 || !expected.commit.startsWith(commit))) {
    problems.push(`commit is ${JSON.stringify(report.commit)}, not ${JSON.stringify(expected.commit)}`);
  }
  return problems;
}

/** `cdk deploy --outputs-file` writes `{ "<stack>": { "<output>": "<value>" } }`; the API stack's ApiUrl is the base. */
export function apiUrlFrom(outputs: Record<string, Record<string, string>>): string | undefined {
  for (const stackOutputs of Object.values(outputs)) {
    if (stackOutputs.ApiUrl) return stackOutputs.ApiUrl;
  }
  return undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { outputs: { type: 'string' }, version: { type: 'string' }, commit: { type: 'string' } },
  });
  if (!values.outputs || !values.version) {
    console.error('Usage: tsx scripts/smoke-test.ts --outputs <cdk-outputs.json> --version <x.y.z> [--commit <sha>]');
    process.exitCode = 2;
    return;
  }
  const apiUrl = apiUrlFrom(JSON.parse(readFileSync(values.outputs, 'utf8')));
  if (!apiUrl) {
    console.error(`${values.outputs} has no ApiUrl output`);
    process.exitCode = 1;
    return;
  }
  const url = new URL('health/ready', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  const expected = { version: values.version, ...(values.commit ? { commit: values.commit } : {}) };
  let problems: string[] = [];
  for (let attempt = 1; attempt <= 12; attempt += 1) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      problems = readinessProblems(response.status, await response.json().catch(() => undefined), expected);
    } catch (error) {
      problems = [`GET ${url} failed: ${(error as Error).message}`];
    }
    if (problems.length === 0) {
      console.log(`${url}: ready, running ${expected.version}`);
      return;
    }
    console.log(`Attempt ${attempt}: ${problems.join('; ')}`);
    await sleep(10_000);
  }
  console.error(`Smoke test failed: ${problems.join('; ')}`);
  process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
