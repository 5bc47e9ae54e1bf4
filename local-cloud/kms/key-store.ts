/**
 * The keys and aliases of one local KMS, with their material. With a persist directory they are written to
 * `keys.json` there after every change (write to a temporary file, then rename, so a crash leaves the previous
 * state), so that data encrypted before a restart decrypts after it. The material is stored in the clear: the persist
 * directory is a developer's machine, and nothing there is a secret of production.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyUsage } from './key-specs.js';

export interface KmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: string;
  readonly keyUsage: KeyUsage;
  enabled: boolean;
  description: string;
  /** Seconds since the epoch, as the API answers `CreationDate`. */
  readonly creationDate: number;
  /** PKCS #8 PEM of an asymmetric key, base64 of a symmetric or HMAC one (`key-specs.ts`). */
  readonly material: string;
}

export interface KmsAlias {
  /** `alias/name`. */
  readonly aliasName: string;
  readonly aliasArn: string;
  targetKeyId: string;
  readonly creationDate: number;
}

interface PersistedState {
  readonly keys: KmsKey[];
  readonly aliases: KmsAlias[];
}

export class KeyStore {
  readonly keys = new Map<string, KmsKey>();
  /** By alias name (`alias/x`). */
  readonly aliases = new Map<string, KmsAlias>();
  private readonly file: string | undefined;

  constructor(persistDirectory?: string) {
    this.file = persistDirectory ? join(persistDirectory, 'keys.json') : undefined;
    if (this.file && existsSync(this.file)) {
      const state = JSON.parse(readFileSync(this.file, 'utf8')) as PersistedState;
      for (const key of state.keys) this.keys.set(key.keyId, key);
      for (const alias of state.aliases) this.aliases.set(alias.aliasName, alias);
    }
  }

  /** Writes the state after a change; synchronous, so that a key's material is on disk before its first use. */
  save(): void {
    if (!this.file) return;
    const state: PersistedState = { keys: [...this.keys.values()], aliases: [...this.aliases.values()] };
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
