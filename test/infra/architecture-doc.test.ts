import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stages } from '../../lib/config/stages.js';
import { repositoryRoot } from '../../lib/constructs/repository-root.js';
import { SagastackStage } from '../../lib/sagastack-stage.js';
import { appWithCdkJsonContext } from './support/app.js';

/**
 * docs/architecture.md states how many Lambda functions each stack owns and the stage holds in all. Those figures drifted
 * once (issue 12); here they are compared with the Local stage's templates, which are what `npm start` runs. Only
 * the Local stage is built (the stages differ in settings, not in functions), without bundling: a few seconds.
 */
const ARCHITECTURE = 'docs/architecture.md';
const LAMBDA = 'AWS::Lambda::Function';

let functionsPerStack: Record<string, number>;

beforeAll(() => {
  const app = appWithCdkJsonContext();
  const stage = new SagastackStage(app, stages.local.id, { config: stages.local });
  functionsPerStack = Object.fromEntries(
    stage.node.children
      .filter((child): child is Stack => child instanceof Stack)
      .map((stack) => [stack.node.id, Object.keys(Template.fromStack(stack).findResources(LAMBDA)).length]),
  );
});

describe(`${ARCHITECTURE} against the Local stage's templates`, () => {
  it("gives each stack's Lambda count as the stack's template has it", () => {
    // Prepare
    const stated = statedCounts();

    // Act
    const actual = Object.fromEntries(Object.keys(stated).map((stack) => [stack, functionsPerStack[stack]]));

    // Assess
    expect(Object.keys(stated).length).toBeGreaterThan(0);
    expect(stated).toEqual(actual);
  });

  it('gives the total of Lambda functions of the stage', () => {
    // Prepare
    const text = readFileSync(join(repositoryRoot, ARCHITECTURE), 'utf8');
    const total = Object.values(functionsPerStack).reduce((sum, count) => sum + count, 0);

    // Act
    const stated = /\*\*(\d+) Lambda functions\*\* in all/.exec(text)?.[1];

    // Assess
    expect(Number(stated)).toBe(total);
  });
});

/** `N Lambdas` in the "Owns" cell of each row of the stacks table, by stack. */
function statedCounts(): Record<string, number> {
  const text = readFileSync(join(repositoryRoot, ARCHITECTURE), 'utf8');
  const counts: Record<string, number> = {};
  for (const [, stack, owns] of text.matchAll(/^\| `(\w+)` +\|[^|]*\|([^\n]*)\|$/gm)) {
    const count = /(\d+) Lambdas\b/.exec(owns ?? '')?.[1];
    if (stack && count) counts[stack] = Number(count);
  }
  return counts;
}
