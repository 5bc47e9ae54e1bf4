/**
 * Builds every stage of the app in-process, as `cdk synth` does: with the context of `cdk.json` (its feature flags),
 * but without bundling the Lambda code (infra tests assert the templates, not the bundles), and with the cdk-nag
 * AwsSolutions and Serverless checks attached.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { type StageName, stages } from '../../../lib/config/stages.js';
import { acknowledgeKnownFindings } from '../../../lib/nag-acknowledgements.js';
import { SagastackStage } from '../../../lib/sagastack-stage.js';
import { appWithCdkJsonContext } from './app.js';

type StackName = 'Platform' | 'Checkout' | 'Provisioning' | 'Audit' | 'Identity' | 'Webhooks' | 'Api' | 'Observability';
const STACKS: readonly StackName[] = [
  'Platform',
  'Checkout',
  'Provisioning',
  'Audit',
  'Identity',
  'Webhooks',
  'Api',
  'Observability',
];

export interface SynthesizedApp {
  readonly app: App;
  template(stage: StageName, stack: StackName): Template;
  /** Every template of every stage. */
  allTemplates(): Array<{ stage: StageName; stack: StackName; template: Template }>;
}

let cached: SynthesizedApp | undefined;

export function synthesizeApp(): SynthesizedApp {
  if (cached) return cached;
  const app = appWithCdkJsonContext();
  const built = Object.values(stages).map((config) => ({
    config,
    stage: new SagastackStage(app, config.id, { config }),
  }));
  acknowledgeKnownFindings(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  const templates = new Map<string, Template>();
  for (const { config, stage } of built) {
    for (const stack of STACKS) {
      const child = stage.node.findChild(stack) as Parameters<typeof Template.fromStack>[0];
      templates.set(`${config.name}/${stack}`, Template.fromStack(child));
    }
  }
  cached = {
    app,
    template: (stage, stack) => {
      const template = templates.get(`${stage}/${stack}`);
      if (!template) throw new Error(`No template ${stage}/${stack}`);
      return template;
    },
    allTemplates: () =>
      [...templates.entries()].map(([key, template]) => {
        const [stage, stack] = key.split('/') as [StageName, StackName];
        return { stage, stack, template };
      }),
  };
  return cached;
}

export type CfnResources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string }>;

export function resourcesOf(template: Template, type: string): CfnResources {
  return template.findResources(type) as CfnResources;
}

/**
 * A Step Functions definition as JSON. CDK writes it as `Fn::Join` of strings and tokens; tokens become placeholders,
 * which is enough to read states, Retry and Catch.
 */
export function stateMachineDefinition(definitionString: unknown): { States: Record<string, any>; StartAt: string } {
  const join = definitionString as { 'Fn::Join'?: [string, unknown[]] } | string;
  const text =
    typeof join === 'string'
      ? join
      : (join['Fn::Join']?.[1] ?? []).map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** Every state of a definition, including those nested in Parallel branches and Map iterators. */
export function allStates(definition: { States: Record<string, any> }): Array<[string, any]> {
  const states: Array<[string, any]> = [];
  for (const [name, state] of Object.entries(definition.States)) {
    states.push([name, state]);
    for (const branch of state.Branches ?? []) states.push(...allStates(branch));
    if (state.Iterator) states.push(...allStates(state.Iterator));
    if (state.ItemProcessor) states.push(...allStates(state.ItemProcessor));
  }
  return states;
}
