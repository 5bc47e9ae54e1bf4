import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockAssembly } from '../../local-cloud/synth.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function assemblyPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'synth-lock-'));
  directories.push(directory);
  return join(directory, 'cdk.out');
}

describe('the cloud assembly lock', () => {
  it('is held by this process until released', () => {
    // Prepare
    const assembly = assemblyPath();

    // Act
    const release = lockAssembly(assembly, () => {});
    const held = readFileSync(`${assembly}.lock`, 'utf8');
    release();

    // Assess
    expect(held).toBe(String(process.pid));
    expect(existsSync(`${assembly}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', () => {
    // Prepare: a pid above Linux's maximum belongs to no process.
    const assembly = assemblyPath();
    writeFileSync(`${assembly}.lock`, '4194305');

    // Act
    const release = lockAssembly(assembly, () => {});

    // Assess
    expect(readFileSync(`${assembly}.lock`, 'utf8')).toBe(String(process.pid));
    release();
  });
});
