/**
 * `npm start`: synthesizes the app's local stage if its code changed, boots it on loopback, lets the app seed it, and
 * prints the endpoints and the app's instructions (`local-cloud.config.ts` at the app's root). Ctrl-C stops it.
 * `--persist` keeps data in .local-cloud/data between runs.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

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
const { bootLocalCloud } = await import('../boot.js');
const { loadLocalCloudConfig } = await import('../config.js');
const { iamEnabled } = await import('../iam/index.js');
const { ensureSynthesized } = await import('../synth.js');

const USAGE = `Usage: npm start -- [options]

Synthesizes the app's local stage when its code changed, boots it on loopback, seeds it and prints its URLs.

Options:
  --persist                keep tables, queues, archives and executions in .local-cloud/data between runs
  --port <n>               the AWS endpoint's port (default 4566)
  --api-port <n>           the REST API's port (default 3000)
  --max-environments <n>   execution environments one function may run at once (default: one per core but one)
  --verbose                print the services' and functions' log lines here too
  -h, --help               this text`;

const values = parseOptions();

/** The options, or the usage and exit code 2 for anything it cannot take (unknown option, a port that is no port). */
function parseOptions() {
  try {
    const { values: raw } = parseArgs({
      options: {
        persist: { type: 'boolean', default: false },
        port: { type: 'string', default: '4566' },
        'api-port': { type: 'string', default: '3000' },
        verbose: { type: 'boolean', default: false },
        'max-environments': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (raw.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return {
      persist: raw.persist,
      verbose: raw.verbose,
      port: positiveInteger('--port', raw.port, 65535),
      apiPort: positiveInteger('--api-port', raw['api-port'], 65535),
      maxEnvironments:
        raw['max-environments'] === undefined
          ? undefined
          : positiveInteger('--max-environments', raw['max-environments']),
    };
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
}

function positiveInteger(option: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'of at least 1' : `from 1 to ${max}`;
    throw new Error(`${option} takes a whole number ${range}, not "${text}"`);
  }
  return value;
}

const root = process.cwd();
const config = await loadLocalCloudConfig(root);
const stateDirectory = join(root, '.local-cloud');
mkdirSync(stateDirectory, { recursive: true });
const logFile = createWriteStream(join(stateDirectory, 'local-cloud.log'), { flags: 'a' });
const writeLog = (line: string) => {
  logFile.write(`${line}\n`);
  if (values.verbose) console.log(line);
};

const started = Date.now();
const stage = config.stage ?? 'Local';
const synth = ensureSynthesized({
  stage,
  root,
  environment: config.synthEnvironment,
  log: (line) => console.log(line),
});
const cloud = await bootLocalCloud({
  assemblyDirectory: synth.assemblyDirectory,
  stage,
  persistDirectory: values.persist ? join(stateDirectory, 'data') : undefined,
  edgePort: values.port,
  apiPort: values.apiPort,
  log: writeLog,
  functionLog: writeLog,
  maxEnvironmentsPerFunction: values.maxEnvironments,
});
const seeded = config.seed ? await config.seed(cloud) : undefined;

const endpointsFile = join(stateDirectory, 'endpoints.json');
writeFileSync(
  endpointsFile,
  `${JSON.stringify({ apiUrl: cloud.apiUrl, awsEndpoint: cloud.endpoint, region: cloud.region, outputs: cloud.outputs }, null, 2)}\n`,
);

const facts = [
  synth.reused ? 'reused cdk.out' : 'fresh cdk.out',
  seeded,
  values.persist ? 'data persisted' : undefined,
];
console.log(`
The local cloud is up in ${((Date.now() - started) / 1000).toFixed(1)} s (${facts.filter(Boolean).join(', ')})

  API            ${cloud.apiUrl || '(the stage has no REST API)'}
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
