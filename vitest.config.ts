import { defineConfig } from 'vitest/config';

/**
 * Five projects, one runner. `npm test` runs them all; each can also run alone (`npm run test:unit`, ...).
 * The JSON report is what `.ci/run` reads to print its closing `N passed, N failed` line.
 */
export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores (1 on a 2-core CI machine). The e2e files mostly wait on the
    // local cloud's timers, so a second worker runs the other projects beside them instead of after them.
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Each file in a VM context of a worker process that keeps what it loaded from node_modules (the SDK,
          // Powertools, zod) for the files after it: 20 s and 35 s of CPU instead of 35 s and 69 s with a fresh
          // process a file. The files of one worker share its process.env, which restore-environment.ts puts back
          // after each; and a VM context has globals of its own, so code tells errors apart by name, never by
          // `instanceof` a global class (an abort from fetch is a DOMException of another realm).
          pool: 'vmForks',
          setupFiles: ['test/unit/support/restore-environment.ts', 'test/support/background-priority.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'local-cloud',
          include: ['test/local-cloud/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/background-priority.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/background-priority.ts'],
          // The files share their workers' modules: aws-cdk-lib is imported, and the app synthesized
          // (test/infra/support/synth.ts caches it), once a worker instead of once a file, which takes the project
          // from 31 s to 11 s alone. A file that loads the app under a stubbed environment resets the modules after
          // itself (e2e-issuer.test.ts), so no other file sees that app.
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The fault matrix is a project of its own (below).
          exclude: ['test/e2e/fault-matrices.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // The suites share one local cloud and its data; running files one at a time keeps stock figures exact.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // End-to-end under injected faults, against a local cloud of its own (faults are the local cloud's).
          name: 'fault-matrix',
          include: ['test/e2e/fault-matrices.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/support/fault-matrix-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
