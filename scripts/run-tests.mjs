/**
 * `npm test`: lint, type-check, the dependency rules and the copy-paste threshold, the fast vitest projects (unit,
 * local-cloud, infra) and the end-to-end project, all at once. Vitest runs a project whose files must run one at a
 * time (the e2e suite shares one local cloud) after every parallel project, so inside one vitest run the e2e files
 * would wait for all the others; as a second run beside the first they overlap, which takes about a third off the
 * suite on two cores. Each stream's lines are printed as they come, prefixed with its name; the closing summary merges
 * both vitest reports into `.vitest-results.json` (what `.ci/run` reads), counting a failed lint, type check,
 * dependency, unused-code or copy-paste check as a failed test.
 *
 * Plain JavaScript, so it starts without the TypeScript loader.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const REPORT = '.vitest-results.json';
const PARTS = '.vitest-results';

/**
 * The e2e stream mostly waits on the local cloud (about 45 s of CPU in two minutes), and each wait it spends queued
 * behind the other streams' work lengthens it; the other work is CPU-bound and does not mind going second. So it runs
 * at a lower priority: the checks as whole processes, and the tests stream's unit, local-cloud and infra workers,
 * which lower their own (test/support/background-priority.ts reads `SAGASTACK_BACKGROUND_NICENESS`). The tests
 * stream's main process keeps its priority: the fault matrices' local cloud runs there and waits on timers like the
 * e2e one (niced, it starved for seconds and a saga missed its worker's heartbeat).
 */
const BACKGROUND_NICENESS = 10;

/** Runs a command, printing its lines prefixed with `name`; resolves with its exit code. `background` lowers its priority. */
function run(name, command, args, { background = false, env = {} } = {}) {
  return new Promise((resolve) => {
    // Started under `nice`, so that every thread the command starts is niced too (setting the priority after the spawn
    // would miss the threads started meanwhile). Windows has no `nice`: there the command runs at the usual priority.
    const niced = background && process.platform !== 'win32';
    const child = spawn(
      niced ? 'nice' : command,
      niced ? ['-n', String(BACKGROUND_NICENESS), command, ...args] : args,
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', ...env },
      },
    );
    const prefix = `[${name}] `;
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      });
      stream.on('end', () => {
        if (buffered.length > 0) process.stdout.write(`${prefix}${buffered}\n`);
      });
    }
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function checks() {
  const background = { background: true };
  const lint = await run('lint', 'node_modules/.bin/biome', ['check', '.'], background);
  const typecheck = await run('typecheck', 'node_modules/.bin/tsc', ['--noEmit'], background);
  // The layering rules (.dependency-cruiser.cjs, ADR 0020): no circles, pure domains, contexts apart.
  const deps = await run('deps', 'npm', ['run', '-s', 'deps'], background);
  // No unused files, exports or dependencies (knip.json, ADR 0024).
  const knip = await run('knip', 'node_modules/.bin/knip', [], background);
  // Copy-paste in non-test code stays under the threshold of .jscpd.json (ADR 0023).
  const cpd = await run('cpd', 'node_modules/.bin/jscpd', [], background);
  return { lint, typecheck, deps, knip, cpd };
}

function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

rmSync(REPORT, { force: true });
rmSync(PARTS, { recursive: true, force: true });
mkdirSync(PARTS, { recursive: true });
const vitest = (name, projects, options) =>
  run(
    name,
    'node_modules/.bin/vitest',
    ['run', ...projects.flatMap((project) => ['--project', project]), `--outputFile.json=${PARTS}/${name}.json`],
    options,
  );

const [checked, fast, e2e] = await Promise.all([
  checks(),
  vitest('tests', ['unit', 'local-cloud', 'infra', 'fault-matrix'], {
    env: { SAGASTACK_BACKGROUND_NICENESS: String(BACKGROUND_NICENESS) },
  }),
  vitest('e2e', ['e2e']),
]);

const reports = [readReport(`${PARTS}/tests.json`), readReport(`${PARTS}/e2e.json`)];
const failedChecks = Object.entries(checked)
  .filter(([, code]) => code !== 0)
  .map(([name]) => name);
const sum = (member) => reports.reduce((total, report) => total + (report?.[member] ?? 0), 0);
const merged = {
  numTotalTests: sum('numTotalTests') + failedChecks.length,
  numPassedTests: sum('numPassedTests'),
  numFailedTests: sum('numFailedTests') + failedChecks.length + reports.filter((report) => !report).length,
  numPendingTests: sum('numPendingTests'),
  numTodoTests: sum('numTodoTests'),
  success: failedChecks.length === 0 && fast === 0 && e2e === 0,
  startTime: Math.min(...reports.map((report) => report?.startTime ?? Date.now())),
  testResults: reports.flatMap((report) => report?.testResults ?? []),
};
writeFileSync(REPORT, JSON.stringify(merged));
rmSync(PARTS, { recursive: true, force: true });

console.log('');
if (failedChecks.length > 0) console.log(`Failed: ${failedChecks.join(', ')}`);
console.log(
  `npm test: ${merged.numPassedTests} passed, ${merged.numFailedTests} failed` +
    ` (unit, local-cloud, infra and fault matrix: ${fast === 0 ? 'green' : 'red'}; e2e: ${e2e === 0 ? 'green' : 'red'})`,
);
process.exitCode = merged.success ? 0 : 1;
