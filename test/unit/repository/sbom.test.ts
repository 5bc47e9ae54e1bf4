import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';
import { buildSbom, cycloneDxProblems } from '../../../scripts/sbom.js';

// CycloneDX 1.5 JSON: https://cyclonedx.org/docs/1.5/json/ ; npm sbom: https://docs.npmjs.com/cli/v11/commands/npm-sbom
describe('npm run sbom', () => {
  // npm sbom reads the whole installed tree: seconds on a busy machine, beyond the unit tests' default 5 s.
  it('builds a CycloneDX document of the repository that lists what the functions bundle', { timeout: 30_000 }, () => {
    // Act
    const document = buildSbom(repositoryRoot) as { components: { name: string }[] };

    // Assess
    expect(cycloneDxProblems(document)).toEqual([]);
    const names = document.components.map((component) => component.name);
    // zod and @middy/core are what `npm sbom --omit=dev` loses (npm/cli#7909), so they prove it is not used.
    expect(names).toEqual(expect.arrayContaining(['jose', 'zod', '@middy/core', 'esbuild']));
  });

  it.each([
    [
      'not CycloneDX',
      { bomFormat: 'SPDX', specVersion: '1.5', components: [{}] },
      ['bomFormat is "SPDX", not "CycloneDX"'],
    ],
    [
      'without a spec version',
      { bomFormat: 'CycloneDX', components: [{}] },
      ['specVersion is undefined, not a CycloneDX 1.x version'],
    ],
    [
      'without components',
      { bomFormat: 'CycloneDX', specVersion: '1.5', components: [] },
      ['components is missing or empty'],
    ],
  ])('refuses a document %s', (_label, document, problems) => {
    // Act
    const found = cycloneDxProblems(document);

    // Assess
    expect(found).toEqual(problems);
  });
});
