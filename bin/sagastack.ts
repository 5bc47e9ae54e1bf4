#!/usr/bin/env node
/**
 * The CDK app: one stage per environment. `cdk synth 'Local/*'` is what the embedded local cloud runs;
 * `cdk deploy 'Dev/*'` (or Staging, Prod) deploys to AWS. cdk-nag's AwsSolutions pack checks every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stages } from '../lib/config/stages.js';
import { acknowledgeKnownFindings } from '../lib/nag-acknowledgements.js';
import { SagastackStage } from '../lib/sagastack-stage.js';

const app = new App();
for (const config of Object.values(stages)) {
  new SagastackStage(app, config.id, { config });
}
acknowledgeKnownFindings(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
