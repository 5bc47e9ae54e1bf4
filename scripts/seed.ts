/**
 * `npm run seed -- --stage <stage>`: seeds the provisioning capacity of a deployed stage and, where its config allows
 * demo data (dev), the demo catalog. Needs SAGASTACK_OUTPUTS_FILE (from `cdk deploy --outputs-file`) and the usual AWS
 * environment. The local cloud seeds itself on `npm start`.
 */
import type { StageName } from '../lib/config/stages.js';
import { defineCli, parse, runCli } from '../local-cloud/cli/define-cli.js';
import { loadDeployment, requireOutput } from '../tools/deployment.js';

/** The stages, checked complete by the compiler: loading their config (aws-cdk-lib) would slow `--help` by a second. */
const STAGE_NAMES = Object.keys({ local: true, dev: true, staging: true, prod: true } satisfies Record<
  StageName,
  true
>);

const program = defineCli({
  name: 'seed',
  invocation: 'npm run seed --',
  description:
    "Seeds a deployed stage's provisioning capacity and, where the stage allows demo data (dev), the demo catalog.",
  epilog: `Needs SAGASTACK_OUTPUTS_FILE (written by \`cdk deploy --outputs-file\`) and the usual AWS environment
(AWS_REGION, credentials, AWS_ENDPOINT_URL for LocalStack). The local cloud seeds itself on \`npm start\`.`,
})
  .option(
    '--stage <stage>',
    `the stage deployed: ${STAGE_NAMES.join(', ')}`,
    parse.oneOf(STAGE_NAMES as StageName[]),
    'dev' as StageName,
  )
  .action(async (options: { stage: StageName }) => {
    const { stages } = await import('../lib/config/stages.js');
    const { seedDeployment } = await import('./seed-data.js');
    const stage = stages[options.stage];
    const deployment = loadDeployment();
    const seeded = await seedDeployment(deployment.clientConfig, (name) => requireOutput(deployment, name), {
      demoProducts: stage.seedDemoData,
    });
    console.log(`Seeded ${seeded.products} products and ${seeded.capacitySlots} capacity rows into ${stage.name}.`);
  });

await runCli(program);
