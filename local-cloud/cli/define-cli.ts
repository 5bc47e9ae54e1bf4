/**
 * One behaviour for every command-line tool of the repository (`npm start`, the operator tools, seed, bench, chaos),
 * built on commander (docs/adr/0037-command-line-tools-on-commander.md):
 *
 * - `--help` and `-h` print the usage on stdout and exit 0;
 * - a wrong argument (unknown flag, bad value, missing or extra positional) prints ONE line on stderr naming the
 *   problem and pointing to `--help`, and exits 2, as Unix tools do for misuse;
 * - a condition the user can fix (no local cloud running, nothing deployed, no such execution) prints one line and
 *   exits 1;
 * - only an unexpected internal error prints a stack trace, under a first line that says it is one.
 *
 * Arguments are parsed before the tool's action runs, so a wrong one is refused before any synth, boot or connection.
 * It lives in the local cloud (its own CLI uses it); the app's tools import it from here, never the other way round.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** Exit code of a wrong argument: what bash's builtins and most GNU tools answer to misuse (sysexits' 64 is rarer). */
const USAGE_EXIT_CODE = 2;
/** Exit code of a condition the user can fix, and of an internal error. */
const FAILURE_EXIT_CODE = 1;

/** A wrong argument that commander cannot see alone (two options that go together, a value out of range). */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Something the user can fix outside the command line: start the local cloud, deploy, name an existing resource. */
export class RuntimeConditionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeConditionError';
  }
}

interface CliDefinition {
  /** Short name that prefixes every error line, e.g. `token`. */
  readonly name: string;
  /** How a user types it, shown in the usage, e.g. `npm run token --`. */
  readonly invocation: string;
  /** What the tool does, in a sentence or two (the help's first paragraph). */
  readonly description: string;
  /** Text after the options in the help: examples, environment variables. */
  readonly epilog?: string;
}

/**
 * A commander program with the house behaviour: add options, arguments, subcommands and an action to it, then hand it
 * to `runCli`.
 *
 * @example
 * const program = defineCli({ name: 'token', invocation: 'npm run token --', description: 'Prints a dev JWT.' })
 *   .option('--sub <id>', 'the subject', 'u1')
 *   .action(async (options) => console.log(await sign(options)));
 * await runCli(program);
 */
export function defineCli(definition: CliDefinition): Command {
  const program = new Command(definition.invocation).description(definition.description);
  configure(program);
  if (definition.epilog) program.addHelpText('after', `\n${definition.epilog}`);
  definitions.set(program, definition);
  return program;
}

const definitions = new WeakMap<Command, CliDefinition>();

/** Subcommands inherit the behaviour too: commander copies these settings into `program.command(...)`. */
function configure(command: Command): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'this text')
    // runCli prints errors itself, on one line; commander would print them as it found them (sometimes two lines),
    // and the whole help on stderr for a missing subcommand.
    .configureOutput({ outputError: () => {}, writeErr: () => {} });
}

/**
 * Parses `argv` (the process's by default), runs the action and sets `process.exitCode` by the rules above. An action
 * that ran but found something wrong (an invariant violated, a replay that did not finish) sets `process.exitCode`
 * itself, as Node programs do; it is left as it is.
 */
export async function runCli(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  const definition = definitions.get(program);
  if (!definition) throw new TypeError('runCli runs a program made by defineCli');
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = report(error, program, definition);
  }
}

/** Prints what went wrong the way its kind deserves; answers the exit code. */
function report(error: unknown, program: Command, { name, invocation }: CliDefinition): number {
  if (error instanceof CommanderError) {
    // `--help` (and `--version`) end in a CommanderError too, with exit code 0, after printing what was asked.
    if (error.exitCode === 0) return 0;
    const problem =
      error.code === 'commander.help'
        ? `a command is expected: ${program.commands.map((command) => command.name()).join(', ')}`
        : error.message.replace(/^error: /, '');
    console.error(`${name}: ${oneLine(problem)} (see ${invocation} --help)`);
    return USAGE_EXIT_CODE;
  }
  if (error instanceof UsageError) {
    console.error(`${name}: ${oneLine(error.message)} (see ${invocation} --help)`);
    return USAGE_EXIT_CODE;
  }
  const condition = asRuntimeCondition(error);
  if (condition) {
    console.error(`${name}: ${oneLine(condition)}`);
    return FAILURE_EXIT_CODE;
  }
  console.error(`${name}: internal error (a bug: please report it with the trace below)`);
  console.error(error instanceof Error ? error.stack : error);
  return FAILURE_EXIT_CODE;
}

/**
 * The message of an error the user can act on, or undefined for a bug: our own `RuntimeConditionError`s, an AWS
 * service's refusal (a client fault such as a queue that does not exist: the SDK marks them with `$fault`), and a
 * refused connection (the endpoints file outlived the local cloud that wrote it).
 */
function asRuntimeCondition(error: unknown): string | undefined {
  if (error instanceof RuntimeConditionError) return error.message;
  if (!(error instanceof Error)) return undefined;
  const fault = (error as { $fault?: string }).$fault;
  if (fault === 'client') return `${error.name}: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code ?? ((error.cause ?? {}) as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') {
    return `nothing answers at the deployment's endpoint (${error.message}): is the local cloud running? Start it with \`npm start\`.`;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

/** Option parsers: each refuses a bad value with a message commander puts on the error line. */
export const parse = {
  /** A whole number from `min` to `max`. */
  integer(min = 0, max = Number.MAX_SAFE_INTEGER) {
    return (text: string): number => {
      const value = Number(text);
      if (!/^\d+$/.test(text) || value < min || value > max) {
        throw new InvalidArgumentError(
          max === Number.MAX_SAFE_INTEGER
            ? `It must be a whole number of at least ${min}.`
            : `It must be a whole number from ${min} to ${max}.`,
        );
      }
      return value;
    };
  },
  /** One of `choices`. */
  oneOf<T extends string>(choices: readonly T[]) {
    return (text: string): T => {
      if (!(choices as readonly string[]).includes(text))
        throw new InvalidArgumentError(`It must be one of ${choices.join(', ')}.`);
      return text as T;
    };
  },
};
