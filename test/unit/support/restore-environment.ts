/**
 * Puts the environment back as it was before the test file ran. The unit files share their worker's process
 * (vitest.config.ts: the `vmForks` pool), and many set variables before importing the module they test (its settings
 * are read at load); without this, a file would see the variables an earlier file set.
 */
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) {
    if (!(name in before)) delete process.env[name];
  }
  Object.assign(process.env, before);
});
