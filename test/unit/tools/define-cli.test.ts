import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { defineCli, RuntimeConditionError, runCli } from '../../../local-cloud/cli/define-cli.js';

/**
 * How `runCli` reports what an action throws (the paths a child process cannot reach cheaply: an AWS refusal, a
 * refused connection, a bug). cli-behaviour.test.ts runs the real tools for the argument paths.
 */
describe('runCli', () => {
  let errors: MockInstance<typeof console.error>;

  beforeEach(() => {
    errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    errors.mockRestore();
    process.exitCode = undefined;
  });

  const printed = () => errors.mock.calls.map((call) => call.join(' '));
  const failingWith = (error: unknown) =>
    defineCli({ name: 'probe', invocation: 'npm run probe --', description: 'A probe.' }).action(() => {
      throw error;
    });

  it('prints a condition the user can fix on one line and exits 1', async () => {
    // Act
    await runCli(failingWith(new RuntimeConditionError('No deployment found: start the local cloud.')), [
      'node',
      'probe',
    ]);

    // Assess
    expect(process.exitCode).toBe(1);
    expect(printed()).toEqual(['probe: No deployment found: start the local cloud.']);
  });

  it("takes an AWS service's client fault for a condition the user can fix", async () => {
    // Prepare: what the SDK throws for a queue that does not exist (a service exception marked with $fault).
    const refusal = Object.assign(new Error('The specified queue does not exist.'), {
      name: 'QueueDoesNotExist',
      $fault: 'client',
    });

    // Act
    await runCli(failingWith(refusal), ['node', 'probe']);

    // Assess
    expect(process.exitCode).toBe(1);
    expect(printed()).toEqual(['probe: QueueDoesNotExist: The specified queue does not exist.']);
  });

  it('says a refused connection means no local cloud is running', async () => {
    // Prepare: fetch's failure when nothing listens, its cause carrying the system error.
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
    });

    // Act
    await runCli(failingWith(refused), ['node', 'probe']);

    // Assess
    expect(process.exitCode).toBe(1);
    expect(printed()).toHaveLength(1);
    expect(printed()[0]).toContain('is the local cloud running? Start it with `npm start`');
  });

  it('shows a bug with a first line saying so, then its stack trace', async () => {
    // Act
    await runCli(failingWith(new TypeError('Cannot read properties of undefined')), ['node', 'probe']);

    // Assess
    expect(process.exitCode).toBe(1);
    const [first, trace] = printed();
    expect(first).toBe('probe: internal error (a bug: please report it with the trace below)');
    expect(trace).toMatch(/^TypeError: Cannot read properties of undefined\n\s+at /);
  });

  it('leaves the exit code an action set when it ran but found something wrong', async () => {
    // Prepare
    const program = defineCli({ name: 'probe', invocation: 'npm run probe --', description: 'A probe.' }).action(() => {
      process.exitCode = 1;
    });

    // Act
    await runCli(program, ['node', 'probe']);

    // Assess
    expect(process.exitCode).toBe(1);
    expect(printed()).toEqual([]);
  });
});
