import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../lib/constructs/repository-root.js';

/**
 * `npm run secrets` is secretlint with the repository's `.secretlintrc.json` (the recommended preset, and an
 * allow-list for the committed local-only dev JWT key and one test URL). The planted secrets are built at run time in
 * a temporary directory, so the repository itself never holds one and its own scan stays clean.
 * Key formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
 */
const secretlint = join(repositoryRoot, 'node_modules', '.bin', 'secretlint');
const config = join(repositoryRoot, '.secretlintrc.json');

function scan(cwd: string, files: string[]): { status: number | null; output: string } {
  const result = spawnSync(secretlint, ['--secretlintrc', config, '--format', 'compact', '--no-color', ...files], {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// Each case starts secretlint, and the last scans the whole repository: seconds on a busy machine.
describe('npm run secrets', { timeout: 30_000 }, () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sagastack-secrets-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('catches a planted AWS access key pair', () => {
    // Prepare: an access key ID is AKIA and 16 characters of A-Z and 2-7; the secret is 40 base64 characters.
    const keyId = ['AKIA', 'Q3ZB', 'X7TR', 'M2PL', 'W6KD'].join('');
    const secret = ['wJa1r', 'XUtnF', 'EMI7K', 'MDENG', 'bPxRf', 'iCYzq', '8Lm2a', 'Hv5bT'].join('');
    writeFileSync(join(directory, 'leaked.env'), `AWS_ACCESS_KEY_ID=${keyId}\nAWS_SECRET_ACCESS_KEY=${secret}\n`);

    // Act
    const { status, output } = scan(directory, ['leaked.env']);

    // Assess
    expect(status).toBe(1);
    expect(output).toContain('[AWSAccessKeyID]');
    expect(output).toContain('[AWSSecretAccessKey]');
  });

  it('catches a private key other than the allowed dev key', () => {
    // Prepare
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(directory, 'key.ts'), `export const KEY = \`${pem}\`;\n`);

    // Act
    const { status, output } = scan(directory, ['key.ts']);

    // Assess
    expect(status).toBe(1);
    expect(output).toContain('[PrivateKey]');
  });

  it('passes on the repository, where the only private key is the local-only dev key', () => {
    // Act
    const { status, output } = scan(repositoryRoot, ['**/*']);

    // Assess
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
  });
});
