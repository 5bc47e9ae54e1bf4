/**
 * Test-only behaviour (the test flavors, the payment simulator's fault tokens) stays off production: the functions
 * that would offer it are told so by their stage, and only production's config says off.
 */
import { describe, expect, it } from 'vitest';
import { stages } from '../../lib/config/stages.js';
import { resourcesOf, synthesizeApp } from './support/synth.js';

const app = synthesizeApp();

/** `TEST_BEHAVIOUR` of the function whose description starts with `description`, on `stage`. */
function testBehaviourOf(
  stage: 'local' | 'dev' | 'staging' | 'prod',
  stack: 'Checkout' | 'Provisioning',
  description: string,
) {
  const functions = Object.values(resourcesOf(app.template(stage, stack), 'AWS::Lambda::Function'));
  const found = functions.find((resource) => String(resource.Properties?.Description).startsWith(description));
  if (!found) throw new Error(`No function "${description}" in ${stage}/${stack}`);
  return found.Properties?.Environment?.Variables?.TEST_BEHAVIOUR;
}

describe('test-only behaviour', () => {
  it('is off only on production', () => {
    // Assess
    expect(Object.entries(stages).map(([name, config]) => [name, config.testBehaviour])).toEqual([
      ['local', true],
      ['dev', true],
      ['staging', true],
      ['prod', false],
    ]);
  });

  it.each([
    ['Provisioning', 'POST /projects/{projectId}/resources'],
    ['Checkout', 'Charges the payment token'],
  ] as const)('%s: the function that offers it (%s) is told off on prod, on elsewhere', (stack, description) => {
    // Act
    const byStage = (['local', 'dev', 'staging', 'prod'] as const).map((stage) => [
      stage,
      testBehaviourOf(stage, stack, description),
    ]);

    // Assess
    expect(byStage).toEqual([
      ['local', 'on'],
      ['dev', 'on'],
      ['staging', 'on'],
      ['prod', 'off'],
    ]);
  });
});
