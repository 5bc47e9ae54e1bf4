/**
 * `npm run bench`: the local cloud and the functions against their goals, in one reproducible run. Every figure is
 * printed with its goal beside it; none is ever asserted in a test. `--json <file>` keeps the figures, and
 * `--compare <file>` prints a kept run beside this one, so two commits can be compared.
 *
 * Reproducible: fixed counts, a fresh local cloud, dedicated products and tenants, the same request mix every run.
 * Timings depend on the machine: `docs/benchmarks.md` records a run with the machine it ran on.
 */
import { existsSync } from 'node:fs';
import { defineCli, runCli, UsageError } from '../local-cloud/cli/define-cli.js';
import { type BenchOptions, BENCH_SECTIONS as SECTIONS, type BenchSection as Section } from './options.js';

const program = defineCli({
  name: 'bench',
  invocation: 'npm run bench --',
  description:
    "Boots the local cloud and measures it and the app's functions against the goals of docs/benchmarks.md. " +
    'Each section and each load level shows as it runs (on stderr); the figures follow on stdout.',
})
  .option('--json <file>', 'write the figures (and the machine and commit) to <file>')
  .option('--compare <file>', 'print the figures of an earlier --json run beside these')
  .option('--only <sections>', `comma-separated subset of: ${SECTIONS.join(', ')}`)
  .option('--skip <sections>', 'leave these sections out (e.g. --skip synth, the slowest)')
  .option('--quick', 'a quarter of the checkouts and operations: a smoke run, not a measurement')
  .option(
    '--profile <dir>',
    "write V8 CPU profiles of the local cloud's thread (checkouts section) and of every function environment into " +
      '<dir>, and print where the CPU went (best with --only checkouts)',
  )
  .action(async (options: BenchOptions) => {
    const sections = sectionsOf(options);
    if (options.compare && !existsSync(options.compare)) throw new UsageError(`--compare: no file ${options.compare}`);
    // Loaded only now: `--help` and a wrong argument answer before the local cloud and the SDKs are loaded.
    const { bench } = await import('./measure.js');
    await bench(options, sections);
  });

/** The sections to run; an unknown name is a wrong argument, refused before anything boots. */
function sectionsOf(options: BenchOptions): Set<Section> {
  const listed = (text: string | undefined) => (text ?? '').split(',').filter((name) => name.length > 0);
  for (const name of [...listed(options.only), ...listed(options.skip)]) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown section '${name}'; one of ${SECTIONS.join(', ')}`);
    }
  }
  const only = listed(options.only);
  const skip = new Set(listed(options.skip));
  return new Set<Section>((only.length > 0 ? (only as Section[]) : [...SECTIONS]).filter((name) => !skip.has(name)));
}

await runCli(program);
