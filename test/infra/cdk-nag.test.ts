/**
 * cdk-nag's AwsSolutions and Serverless packs on every stage. A file of its own: synthesizing the four stages takes
 * seconds of CPU, and apart from the other infra assertions it runs on a worker of its own.
 *
 * Both packs stay on all four stages: they are cheap (both together walk the four stages in under half a second), and
 * the stages differ in what the packs check (prod's alarms, retention and protections). What cost this file most of a
 * minute was synthesizing: `Annotations.fromStack` synthesizes the whole app again, forced, for every stack it is
 * asked about (32 synths, each running both packs over every stage once more). One synth serves every stack here.
 */
import type { Stack } from 'aws-cdk-lib';
import { SynthesisMessageLevel } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { synthesizeApp } from './support/synth.js';

const app = synthesizeApp();
const everyTemplate = app.allTemplates();

describe('cdk-nag', () => {
  it('AwsSolutions and Serverless report no unacknowledged finding on any stage', () => {
    // Act: synthesizing runs the validation plugins (both packs, over every stage); any unacknowledged error makes
    // synth throw, and so fails this test with the findings.
    const assembly = app.app.synth();

    // Assess: no stack carries an error annotation either.
    for (const { stage, stack } of everyTemplate) {
      const child = app.app.node.findChild(stage === 'local' ? 'Local' : stage[0]?.toUpperCase() + stage.slice(1));
      const { artifactId } = child.node.findChild(stack) as Stack;
      const errors = assembly
        .getStackArtifact(artifactId)
        .messages.filter((message) => message.level === SynthesisMessageLevel.ERROR);
      expect(errors, `${stage}/${stack}`).toEqual([]);
    }
  });
});
