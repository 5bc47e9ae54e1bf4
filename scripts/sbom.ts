/**
 * `npm run sbom`: writes `sbom.cdx.json`, a CycloneDX software bill of materials of every installed package, and
 * refuses to write one that is not a CycloneDX document with components. `npm sbom` (npm 9.5 and later) builds it from
 * the installed tree, offline: https://docs.npmjs.com/cli/v11/commands/npm-sbom
 *
 * Development dependencies stay in: the build tools (esbuild, aws-cdk-lib) shape what is deployed, and `--omit=dev`
 * also drops production packages that a development package shares (npm/cli#7909: here it drops zod and
 * @middy/core, which every function bundles).
 *
 * `--output <path>` writes elsewhere (the tests write to a temporary directory).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The fields that make a CycloneDX document one (https://cyclonedx.org/docs/1.5/json/): the format, its version, and
 * at least one component (an SBOM of nothing is a failed build, not an empty project). */
export function cycloneDxProblems(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) return ['not a JSON object'];
  const { bomFormat, specVersion, components } = document as Record<string, unknown>;
  const problems: string[] = [];
  if (bomFormat !== 'CycloneDX') problems.push(`bomFormat is ${JSON.stringify(bomFormat)}, not "CycloneDX"`);
  if (typeof specVersion !== 'string' || !/^1\.\d+$/.test(specVersion)) {
    problems.push(`specVersion is ${JSON.stringify(specVersion)}, not a CycloneDX 1.x version`);
  }
  if (!Array.isArray(components) || components.length === 0) problems.push('components is missing or empty');
  return problems;
}

/** `npm sbom` gave no document, or one that is not CycloneDX. */
export class SbomError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SbomError';
  }
}

/** Runs `npm sbom` and returns its CycloneDX document, checked. */
export function buildSbom(cwd: string = process.cwd()): unknown {
  const sbom = spawnSync('npm', ['sbom', '--sbom-format=cyclonedx', '--sbom-type=application'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (sbom.error || sbom.status !== 0) {
    throw new SbomError(`npm sbom failed: ${sbom.error?.message ?? sbom.stderr.trim()}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(sbom.stdout);
  } catch {
    throw new SbomError('npm sbom printed no JSON document');
  }
  const problems = cycloneDxProblems(document);
  if (problems.length > 0) throw new SbomError(`npm sbom gave no valid CycloneDX document: ${problems.join('; ')}`);
  return document;
}

function main(): void {
  const { values } = parseArgs({ options: { output: { type: 'string', default: 'sbom.cdx.json' } } });
  try {
    const document = buildSbom() as { specVersion: string; components: unknown[] };
    writeFileSync(values.output, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`Wrote ${values.output}: CycloneDX ${document.specVersion}, ${document.components.length} components.`);
  } catch (error) {
    if (!(error instanceof SbomError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
