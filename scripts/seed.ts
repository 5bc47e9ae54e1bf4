/**
 * `npm run seed -- --stage <stage>`: seeds the provisioning capacity of a deployed stage and, where its config allows
 * demo data (dev), the demo catalog. Needs SAGASTACK_OUTPUTS_FILE (from `cdk deploy --outputs-file`) and the usual AWS
 * environment. The local cloud seeds itself on `npm start`.
 */
import { parseArgs } from 'node:util';
import { type StageName, stages } from '../lib/config/stages.js';
import { loadDeployment } from '../tools/deployment.js';
import { seedDeployment } from './seed-data.js';

const { values } = parseArgs({ options: { stage: { type: 'string', default: 'dev' } } });
const stage = stages[values.stage as StageName];
if (!stage) throw new Error(`Unknown stage ${values.stage}; one of ${Object.keys(stages).join(', ')}`);
const deployment = loadDeployment();
const output = (name: string) => {
  const value = deployment.outputs[name];
  if (!value) throw new Error(`The deployment has no output ${name}`);
  return value;
};
const seeded = await seedDeployment(deployment.clientConfig, output, { demoProducts: stage.seedDemoData });
console.log(`Seeded ${seeded.products} products and ${seeded.capacitySlots} capacity rows into ${stage.name}.`);
