/**
 * `npm start`: synthesizes the Local stage if the code changed, boots it on loopback, seeds the catalog, and prints
 * how to use it. Ctrl-C stops it. `--persist` keeps data in .local-cloud/data between runs.
 */
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { bootLocalCloud } from '../boot.js';
import { seedLocalCloud } from '../seed.js';
import { ensureSynthesized } from '../synth.js';

const { values } = parseArgs({
  options: {
    persist: { type: 'boolean', default: false },
    port: { type: 'string', default: '4566' },
    'api-port': { type: 'string', default: '3000' },
    verbose: { type: 'boolean', default: false },
    'max-environments': { type: 'string' },
  },
});

const stateDirectory = join(repositoryRoot, '.local-cloud');
mkdirSync(stateDirectory, { recursive: true });
const logFile = createWriteStream(join(stateDirectory, 'local-cloud.log'), { flags: 'a' });
const writeLog = (line: string) => {
  logFile.write(`${line}\n`);
  if (values.verbose) console.log(line);
};

const started = Date.now();
const synth = ensureSynthesized('Local', (line) => console.log(line));
const cloud = await bootLocalCloud({
  assemblyDirectory: synth.assemblyDirectory,
  persistDirectory: values.persist ? join(stateDirectory, 'data') : undefined,
  edgePort: Number(values.port),
  apiPort: Number(values['api-port']),
  log: writeLog,
  functionLog: writeLog,
  maxEnvironmentsPerFunction: values['max-environments'] === undefined ? undefined : Number(values['max-environments']),
});
const seeded = await seedLocalCloud(cloud);

const endpointsFile = join(stateDirectory, 'endpoints.json');
writeFileSync(
  endpointsFile,
  `${JSON.stringify({ apiUrl: cloud.apiUrl, awsEndpoint: cloud.endpoint, region: cloud.region, outputs: cloud.outputs }, null, 2)}\n`,
);

console.log(`
sagastack local cloud is up in ${((Date.now() - started) / 1000).toFixed(1)} s (${synth.reused ? 'reused' : 'fresh'} cdk.out, ${seeded.products} products and ${seeded.capacitySlots} capacity rows seeded${values.persist ? ', data persisted' : ''})

  API            ${cloud.apiUrl}
  AWS endpoint   ${cloud.endpoint}   (export AWS_ENDPOINT_URL=${cloud.endpoint} for the AWS SDK/CLI)
  Endpoints file ${endpointsFile}
  Logs           ${join(stateDirectory, 'local-cloud.log')}   (--verbose prints them here)

Get a dev token (accepted only by the local stage):
  TOKEN=$(npm run -s token -- --sub u1 --roles customer --tenant t1)
  curl -H "Authorization: Bearer $TOKEN" ${cloud.apiUrl}products

Check out:
  curl -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
       -d '{"quantity":1}' ${cloud.apiUrl}carts/cart-1/items/SKU-KEYBOARD
  curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-0001' \\
       -d '{"cartId":"cart-1","paymentToken":"tok_visa","shippingAddress":{"country":"US","region":"CA","postalCode":"94105"}}' \\
       ${cloud.apiUrl}checkouts

Inspect a saga:      npm run saga -- <checkoutId | executionArn>
Dead-letter queues:  npm run dlq -- list   |   npm run dlq -- redrive <queue>

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
