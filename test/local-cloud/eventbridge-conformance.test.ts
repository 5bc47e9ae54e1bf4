import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertSupportedPattern, matchesEventPattern } from '../../local-cloud/eventbridge/pattern.js';

interface ConformanceCase {
  name: string;
  pattern: unknown;
  matches: boolean;
}

interface ConformanceFile {
  event: unknown;
  cases: ConformanceCase[];
}

// The cases live in the repository, so a plain clone runs them.
const conformance = JSON.parse(
  readFileSync(new URL('./fixtures/eventbridge-patterns.json', import.meta.url), 'utf8'),
) as ConformanceFile;

describe('EventBridge pattern conformance (test/local-cloud/fixtures/eventbridge-patterns.json)', () => {
  it('has cases to run', () => {
    expect(conformance.cases.length).toBeGreaterThan(0);
  });

  for (const conformanceCase of conformance.cases) {
    it(`${conformanceCase.name} → ${conformanceCase.matches ? 'matches' : 'does not match'}`, () => {
      // Prepare
      const { pattern } = conformanceCase;
      assertSupportedPattern(pattern);

      // Act
      const matched = matchesEventPattern(pattern, conformance.event);

      // Assess
      expect(matched).toBe(conformanceCase.matches);
    });
  }
});
