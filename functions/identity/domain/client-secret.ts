/**
 * Client secrets: 256 random bits, shown once, kept as a salted SHA-256. A fast hash is enough here, because the
 * secret is not a password: nobody can guess 2^256 values, so the slowness of bcrypt or Argon2 (which protects
 * low-entropy passwords from guessing) buys nothing (docs/adr/0038-service-accounts.md). Pure: no AWS imports.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredSecret } from './service-account.js';

/** A prefix that secret scanners (and people) recognise, then 32 random bytes in base64url (43 characters). */
const SECRET_PREFIX = 'sas_';
const SECRET_PATTERN = /^sas_[A-Za-z0-9_-]{43}$/;

export function generateClientSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashClientSecret(secret: string, salt: Buffer = randomBytes(16)): Pick<StoredSecret, 'hash' | 'salt'> {
  return { hash: saltedDigest(salt, secret).toString('base64'), salt: salt.toString('base64') };
}

/** Whether `presented` is the secret `stored` was made from; compared in constant time. */
export function secretMatches(presented: string, stored: Pick<StoredSecret, 'hash' | 'salt'>): boolean {
  // Anything of another shape was never issued: no hash is computed for it.
  if (!SECRET_PATTERN.test(presented)) return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = saltedDigest(Buffer.from(stored.salt, 'base64'), presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function saltedDigest(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}
