#!/usr/bin/env node
/**
 * The CDK app: one stage per environment. `cdk synth 'Local/*'` is what the embedded local cloud runs;
 * `cdk deploy 'Dev/*'` (or Staging, Prod) deploys to AWS. cdk-nag's AwsSolutions and Serverless packs check every synth.
 * The feature flags are the context of `cdk.json`, which the CDK CLI hands the app (ADR 0028): run it through the CLI
 * (`npm run synth`), never with tsx alone, or it renders other templates than those that deploy.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { stages } from '../lib/config/stages.js';
import { acknowledgeKnownFindings } from '../lib/nag-acknowledgements.js';
import { SagastackStage } from '../lib/sagastack-stage.js';
import { addCiStacks } from '../lib/stacks/ci-stack.js';

const app = new App();
// SAGASTACK_STAGES=Local builds only that stage (what `npm start` and the e2e suite synthesize); its template is the
// same either way, only the time to build the other stages is saved.
const only = process.env.SAGASTACK_STAGES?.split(',');
for (const config of Object.values(stages)) {
  if (!only || only.includes(config.id)) new SagastackStage(app, config.id, { config });
}
// GitHub Actions' way into each AWS account (OIDC, no keys): one `Ci-<account>` stack per account, outside the stages,
// since the OIDC provider is account-wide (docs/release.md). The repository is a placeholder, like the account ids.
if (!only) {
  const deployed = Object.values(stages).filter((config) => config.name !== 'local');
  addCiStacks(app, deployed, process.env.SAGASTACK_GITHUB_REPOSITORY ?? 'sagastack/sagastack');
}
acknowledgeKnownFindings(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
