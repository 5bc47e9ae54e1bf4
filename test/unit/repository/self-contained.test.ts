import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/**
 * A plain clone runs: no file of the project reads outside the repository, at test or run time. A GitHub checkout
 * has no sibling folders (the EventBridge conformance cases once lived in `../shared/conformance`, and CI failed
 * there), and nobody else's machine has this one's absolute paths.
 *
 * Checked: every path literal that climbs (`'..'`, `'../…'`) in code, resolved from the file's folder (imports,
 * `new URL(…, import.meta.url)`, `join(__dirname, '..')`); every `../…` in workflows and shell scripts, resolved from the
 * repository root where they run; and absolute paths into this machine's folders outside the checkout.
 */
const SOURCE_FOLDERS = [
  'bin',
  'lib',
  'functions',
  'shared',
  'local-cloud',
  'tools',
  'test',
  'scripts',
  'bench',
  'chaos',
];
const RUN_FOLDERS = ['localstack', '.ci', '.github'];
const ROOT_FILES = [
  'package.json',
  'tsconfig.json',
  'cdk.json',
  'biome.json',
  'knip.json',
  '.jscpd.json',
  '.secretlintrc.json',
  '.dependency-cruiser.cjs',
  'vitest.config.ts',
  'local-cloud.config.ts',
];
const CODE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;
const SCRIPT = /(\.(ya?ml|sh)$|^\.ci\/run$)/;
const QUOTED_CLIMB = /(['"`])(\.\.(?:\/[^'"`\s]*)?)\1/g;
const BARE_CLIMB = /(?:^|[\s'"=(:])(\.\.\/[^\s'"`;)]*)/gm;
const ABSOLUTE = /(['"`])(\/[\w.@-]+(?:\/[\w.@-]+)+\/?)\1/g;

function filesUnder(folder: string): string[] {
  const absolute = join(repositoryRoot, folder);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .map((path) => `${folder}/${path.split(sep).join('/')}`)
    .filter((path) => !path.split('/').includes('node_modules') && statSync(join(repositoryRoot, path)).isFile());
}

const isInside = (path: string) => path === repositoryRoot || path.startsWith(`${repositoryRoot}${sep}`);

/** `<file>:<line>: <literal>` for each path of `file` that leads out of the repository. */
function pathsLeavingTheRepository(file: string): string[] {
  const text = readFileSync(join(repositoryRoot, file), 'utf8');
  const found: string[] = [];
  const where = (index: number) => `${file}:${text.slice(0, index).split('\n').length}`;
  const climbs = CODE.test(file)
    ? [...text.matchAll(QUOTED_CLIMB)].map((match) => ({
        path: match[2] ?? '',
        index: match.index,
        from: dirname(file),
      }))
    : SCRIPT.test(file)
      ? [...text.matchAll(BARE_CLIMB)].map((match) => ({ path: match[1] ?? '', index: match.index, from: '.' }))
      : [];
  for (const { path, index, from } of climbs) {
    if (!isInside(resolve(repositoryRoot, from, path))) found.push(`${where(index)}: ${path}`);
  }
  // Absolute paths into folders beside the checkout, or into someone's home.
  const parent = dirname(repositoryRoot);
  for (const match of text.matchAll(ABSOLUTE)) {
    const path = match[2] ?? '';
    const besideTheCheckout = path.startsWith(`${parent}/`) && !isInside(path) && existsSync(path);
    if (besideTheCheckout || /^\/(home|Users)\/[^/]+\//.test(path)) found.push(`${where(match.index)}: ${path}`);
  }
  return found;
}

describe('the repository is self-contained', () => {
  const files = [
    ...[...SOURCE_FOLDERS, ...RUN_FOLDERS].flatMap(filesUnder),
    ...ROOT_FILES.filter((file) => existsSync(join(repositoryRoot, file))),
  ].filter((file) => CODE.test(file) || SCRIPT.test(file));

  it('no source, test, workflow or script file reaches outside the repository', () => {
    // Act
    const leaving = files.flatMap(pathsLeavingTheRepository);

    // Assess
    expect(files.length).toBeGreaterThan(100);
    expect(leaving).toEqual([]);
  });

  it('reads the EventBridge conformance cases from the repository', () => {
    // Prepare
    const test = readFileSync(join(repositoryRoot, 'test/local-cloud/eventbridge-conformance.test.ts'), 'utf8');

    // Act
    const reads = [...test.matchAll(/new URL\('([^']+)', import\.meta\.url\)/g)].map((match) => match[1]);

    // Assess
    expect(reads).toEqual(['./fixtures/eventbridge-patterns.json']);
    expect(existsSync(join(repositoryRoot, 'test/local-cloud/fixtures/eventbridge-patterns.json'))).toBe(true);
  });

  it('catches a climb out of the repository, in code and in a workflow', () => {
    // Prepare: what the conformance test and ci.yml once held.
    const code = `readFileSync(new URL('../../../shared/conformance/eventbridge.json', import.meta.url))`;
    const workflow = 'run: test -d ../shared/conformance';

    // Act
    const climbs = [
      ...[...code.matchAll(QUOTED_CLIMB)].map((match) => resolve(repositoryRoot, 'test/local-cloud', match[2] ?? '')),
      ...[...workflow.matchAll(BARE_CLIMB)].map((match) => resolve(repositoryRoot, match[1] ?? '')),
    ];

    // Assess
    expect(climbs).toHaveLength(2);
    expect(climbs.filter(isInside)).toEqual([]);
  });
});
