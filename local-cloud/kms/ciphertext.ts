/**
 * The local cloud's symmetric ciphertext blob. AWS documents its blob as opaque (it carries the key's id, so that
 * Decrypt needs no KeyId: https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html) but not its layout;
 * this one is the local cloud's own and not byte-compatible with AWS's:
 * `version (1) | key id length (1) | key id | IV (12) | GCM tag (16) | AES-256-GCM ciphertext`.
 * The encryption context is the GCM additional authenticated data, so a different context fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type EncryptionContext = Readonly<Record<string, string>>;

/**
 * The context as authenticated data: its pairs sorted by key, so that the order a client lists them in does not
 * matter (KMS treats the context as a map: https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html).
 */
function additionalData(context: EncryptionContext): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

export function sealBlob(keyId: string, material: Buffer, plaintext: Buffer, context: EncryptionContext): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(additionalData(context));
  const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([Buffer.from([VERSION, id.length]), id, iv, cipher.getAuthTag(), encrypted]);
}

/** The id of the key a blob was sealed with, or `undefined` when the bytes are not a blob of this service. */
export function keyIdOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 2 || blob[0] !== VERSION) return undefined;
  const idLength = blob[1] as number;
  if (blob.length < 2 + idLength + IV_BYTES + TAG_BYTES) return undefined;
  return blob.subarray(2, 2 + idLength).toString('utf8');
}

/** The plaintext, or `undefined` when the blob was altered or sealed under another context or key. */
export function openBlob(blob: Buffer, material: Buffer, context: EncryptionContext): Buffer | undefined {
  const keyId = keyIdOfBlob(blob);
  if (keyId === undefined) return undefined;
  const ivStart = 2 + Buffer.byteLength(keyId, 'utf8');
  const tagStart = ivStart + IV_BYTES;
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, blob.subarray(ivStart, tagStart));
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(blob.subarray(tagStart, tagStart + TAG_BYTES));
    return Buffer.concat([decipher.update(blob.subarray(tagStart + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
