/** What `npm run bench` takes, shared by its command line (run.ts) and the run (measure.ts). */
export const BENCH_SECTIONS = [
  'boot',
  'operations',
  'checkouts',
  'provisioning',
  'bundles',
  'console',
  'synth',
] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface BenchOptions {
  readonly json?: string;
  readonly compare?: string;
  readonly only?: string;
  readonly skip?: string;
  readonly quick?: boolean;
  readonly profile?: string;
}
