/**
 * Part of `postinstall`: installs the pre-commit hook (package.json `simple-git-hooks`: `npm run -s precommit`, which
 * runs lint-staged). simple-git-hooks' own postinstall does not run here, since npm runs only the install scripts
 * that `allowScripts` lists, so ours calls it.
 *
 * An install without a Git checkout (a tarball, a Docker build context) has no hooks to install and must not fail;
 * nor must a hook that cannot be written fail the install: the hook is a convenience, CI runs the same checks.
 *
 * Plain JavaScript, so it runs before anything else is set up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (!existsSync(join(root, '.git'))) {
  console.log('No Git checkout here: the pre-commit hook is not installed.');
} else {
  const installed = spawnSync(join(root, 'node_modules', '.bin', 'simple-git-hooks'), [], {
    cwd: root,
    stdio: 'inherit',
  });
  if (installed.status !== 0) console.warn('The pre-commit hook could not be installed; run `npx simple-git-hooks`.');
}
