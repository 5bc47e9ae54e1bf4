/**
 * `npm start`: synthesizes the app's local stage if its code changed, boots it on loopback, lets the app seed it, and
 * prints the endpoints and the app's instructions (`local-cloud.config.ts` at the app's root). Ctrl-C stops it.
 * `--persist` keeps data in .local-cloud/data between runs. Each phase (synth, boot, seed) shows as it runs and ends
 * with its time (local-cloud/cli/progress.ts); the synth runs on a worker thread so that its spinner turns.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Task states need Node 22 (the interpreter calls `Promise.withResolvers`): refuse an older Node before booting.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
  console.error(
    `npm start: the local cloud needs Node 22 or later, not ${process.versions.node}. ` +
      'Run it through npm (npm start), whose scripts use the Node 22 of the `node` devDependency.',
  );
  process.exit(1);
}
// Imported only now: on an older Node, loading them fails (e.g. `node:sqlite`) before any check could run.
const { defineCli, parse, runCli, RuntimeConditionError } = await import('./define-cli.js');

interface StartOptions {
  readonly persist?: boolean;
  readonly port: number;
  readonly apiPort: number;
  readonly maxEnvironments?: number;
  readonly verbose?: boolean;
}

const program = defineCli({
  name: 'start',
  invocation: 'npm start --',
  description:
    "Synthesizes the app's local stage when its code changed, boots it on loopback, seeds it and prints its URLs.",
  epilog: 'The app plugs its stage, seed data and instructions in from local-cloud.config.ts. Ctrl-C stops it.',
})
  .option('--persist', 'keep tables, queues, archives and executions in .local-cloud/data between runs')
  .option('--port <n>', "the AWS endpoint's port", parse.integer(1, 65535), 4566)
  .option('--api-port <n>', "the REST API's port", parse.integer(1, 65535), 3000)
  .option(
    '--max-environments <n>',
    'execution environments one function may run at once (default: one per core but one)',
    parse.integer(1),
  )
  .option('--verbose', "print the services' and functions' log lines here too")
  .action((options: StartOptions) => start(options));

async function start(options: StartOptions): Promise<void> {
  // Loaded once the arguments are known good: `--help` and a wrong flag answer at once.
  const { bootLocalCloud } = await import('../boot.js');
  const { loadLocalCloudConfig } = await import('../config.js');
  const { consoleUrl } = await import('../console/server.js');
  const { iamEnabled } = await import('../iam/index.js');
  const { Progress } = await import('./progress.js');
  const { SynthFailedError, synthesizeInBackground } = await import('./synth-in-background.js');

  const root = process.cwd();
  const stateDirectory = join(root, '.local-cloud');
  const progress = new Progress();
  const started = Date.now();

  progress.start('read local-cloud.config.ts');
  const config = await loadLocalCloudConfig(root);
  const stage = config.stage ?? 'Local';
  progress.done(`stage ${stage}`);

  progress.start(`synthesize ${stage} (cdk synth, bundling every function)`);
  let synth: Awaited<ReturnType<typeof synthesizeInBackground>>;
  try {
    synth = await synthesizeInBackground({ stage, root, environment: config.synthEnvironment }, (line) =>
      progress.update(line.replace(/\.\.\.$/, '')),
    );
  } catch (error) {
    if (!(error instanceof SynthFailedError)) throw error;
    progress.fail('cdk synth exited with an error');
    process.stderr.write(error.output);
    throw new RuntimeConditionError(`cdk synth failed (${error.message}); its output is above`);
  }
  progress.done(synth.reused ? 'cdk.out is up to date' : 'synthesized');

  mkdirSync(stateDirectory, { recursive: true });
  const logFile = createWriteStream(join(stateDirectory, 'local-cloud.log'), { flags: 'a' });
  const writeLog = (line: string) => {
    logFile.write(`${line}\n`);
    if (options.verbose) console.log(line);
  };
  progress.start(`boot the local cloud on ports ${options.port} and ${options.apiPort}`);
  const cloud = await bootLocalCloud({
    assemblyDirectory: synth.assemblyDirectory,
    stage,
    persistDirectory: options.persist ? join(stateDirectory, 'data') : undefined,
    edgePort: options.port,
    apiPort: options.apiPort,
    log: writeLog,
    functionLog: writeLog,
    maxEnvironmentsPerFunction: options.maxEnvironments,
    // A person opens the console soon after: its first execution view then finds the sagas' graphs laid out.
    warmConsoleLayouts: true,
  }).catch((error: unknown) => {
    progress.fail('the local cloud did not start');
    throw portInUse(error) ?? error;
  });
  progress.done(cloud.endpoint);

  let seeded: string | undefined;
  if (config.seed) {
    progress.start('seed');
    seeded = await config.seed(cloud);
    progress.done(seeded);
  }

  const endpointsFile = join(stateDirectory, 'endpoints.json');
  writeFileSync(
    endpointsFile,
    `${JSON.stringify({ apiUrl: cloud.apiUrl, awsEndpoint: cloud.endpoint, region: cloud.region, outputs: cloud.outputs }, null, 2)}\n`,
  );

  const facts = [
    synth.reused ? 'reused cdk.out' : 'fresh cdk.out',
    seeded,
    options.persist ? 'data persisted' : undefined,
  ];
  console.log(`
The local cloud is up in ${((Date.now() - started) / 1000).toFixed(1)} s (${facts.filter(Boolean).join(', ')})

  API            ${cloud.apiUrl || '(the stage has no REST API)'}
  Console        ${consoleUrl(cloud.endpoint)}   (sagas, queues and events in a browser)
  AWS endpoint   ${cloud.endpoint}   (export AWS_ENDPOINT_URL=${cloud.endpoint} for the AWS SDK/CLI)
  Endpoints file ${endpointsFile}
  Logs           ${join(stateDirectory, 'local-cloud.log')}   (--verbose prints them here)
  IAM            ${iamEnabled(undefined) ? "functions' calls checked against their roles (LOCAL_CLOUD_IAM=off turns it off)" : 'off (LOCAL_CLOUD_IAM=off)'}
${config.instructions ? `\n${config.instructions(cloud)}\n` : ''}
Ctrl-C stops the local cloud.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local cloud...');
    await cloud.stop();
    logFile.end();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** A port another process holds is the user's to free (or to change with --port / --api-port). */
function portInUse(error: unknown): Error | undefined {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return undefined;
  return new RuntimeConditionError(
    `${(error as Error).message}: another local cloud may be running; stop it, or choose --port and --api-port`,
  );
}

await runCli(program);
