/**
 * cdk-nag's AwsSolutions and Serverless packs on every stage. A file of its own: the checks take most of a minute of CPU, and apart
 * from the other infra assertions they run on a worker of their own.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const everyTemplate = app.allTemplates();

describe('cdk-nag', () => {
  it('AwsSolutions and Serverless report no unacknowledged finding on any stage', () => {
    // Synthesizing runs the validation plugins; any unacknowledged error makes synth throw.
    expect(() => app.app.synth()).not.toThrow();
    for (const { stage, stack } of everyTemplate) {
      const child = app.app.node.findChild(stage === 'local' ? 'Local' : stage[0]?.toUpperCase() + stage.slice(1));
      const errors = Annotations.fromStack(child.node.findChild(stack) as never).findError('*', Match.anyValue());
      expect(errors, `${stage}/${stack}`).toEqual([]);
    }
  });
});
