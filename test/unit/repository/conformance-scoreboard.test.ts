import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

const SCOREBOARD = 'docs/local-cloud.md';
const CONFORMANCE_FILE = /^[a-z]+-conformance[a-z-]*\.test\.ts$/;

/**
 * The fidelity scoreboard of docs/local-cloud.md gives, per service, the number of conformance cases and the files they
 * live in (`**total**: \`file\` count, ...`). Those numbers are what vitest collects from the files, so they stay true
 * when cases are added or removed.
 */
describe('fidelity scoreboard', () => {
  it('names every conformance file with the number of cases vitest collects from it, and the right totals', () => {
    // Prepare
    const files = readdirSync(join(repositoryRoot, 'test/local-cloud'))
      .filter((name) => CONFORMANCE_FILE.test(name))
      .sort();

    // Act
    const collected = collectedCases();
    const scoreboard = scoreboardRows();

    // Assess
    expect(files.length).toBeGreaterThan(0);
    expect(Object.fromEntries(scoreboard.flatMap((row) => Object.entries(row.files)))).toEqual(
      Object.fromEntries(files.map((name) => [name, collected[name] ?? 0])),
    );
    for (const row of scoreboard) {
      expect({ service: row.service, total: row.total }).toEqual({
        service: row.service,
        total: Object.values(row.files).reduce((sum, count) => sum + count, 0),
      });
    }
  }, 60_000);
});

/** Test cases per conformance file, as vitest collects them (running the files' top level, not their tests). */
function collectedCases(): Record<string, number> {
  const directory = mkdtempSync(join(tmpdir(), 'conformance-list-'));
  try {
    const output = join(directory, 'list.json');
    const listing = spawnSync(
      process.execPath,
      [
        join(repositoryRoot, 'node_modules/vitest/vitest.mjs'),
        'list',
        '--staticParse=false',
        '--project',
        'local-cloud',
        `--json=${output}`,
        'conformance',
      ],
      { cwd: repositoryRoot, encoding: 'utf8' },
    );
    expect(listing.status, listing.stderr).toBe(0);
    const cases = JSON.parse(readFileSync(output, 'utf8')) as { file: string }[];
    const counts: Record<string, number> = {};
    for (const { file } of cases) {
      const name = file.split('/').at(-1) ?? file;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

interface ScoreboardRow {
  service: string;
  total: number;
  files: Record<string, number>;
}

/** The rows of the scoreboard's table: the service, its total and the count given after each file. */
function scoreboardRows(): ScoreboardRow[] {
  const text = readFileSync(join(repositoryRoot, SCOREBOARD), 'utf8');
  const section = text.split('## Fidelity scoreboard')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Service') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line.split(' | ').map((cell) => cell.replace(/^\|?\s*|\s*\|?$/g, ''));
      const casesCell = cells[3] ?? '';
      const files: Record<string, number> = {};
      for (const match of casesCell.matchAll(/`([a-z]+-conformance[a-z-]*\.test\.ts)` (\d+)/g))
        files[match[1] as string] = Number(match[2]);
      return { service: cells[0] ?? '', total: Number(/^\*\*(\d+)\*\*/.exec(casesCell)?.[1]), files };
    });
}
