/**
 * Signing and verification with an asymmetric key's material, as KMS does it
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html): RSASSA-PSS with MGF1 and a salt as long as the
 * digest, RSASSA-PKCS1-v1_5, and ECDSA with a DER-encoded signature (ANSI X9.62), which is what Node's `crypto`
 * produces and checks by default.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  privateEncrypt,
  publicDecrypt,
  sign,
  verify,
} from 'node:crypto';
import { kmsError } from './errors.js';
import { hashOf } from './key-specs.js';
import { signPssDigest, verifyPssDigest } from './pss.js';

export type MessageType = 'RAW' | 'DIGEST';

/** ASN.1 DigestInfo prefixes (RFC 8017, section 9.2 note 1): what PKCS #1 v1.5 signs around a digest. */
const DIGEST_INFO_PREFIX: Readonly<Record<string, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

const digestLength = (hash: string) => createHash(hash).digest().length;

function paddingOf(algorithm: string, hash: string) {
  return algorithm.startsWith('RSASSA_PSS_')
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digestLength(hash) }
    : algorithm.startsWith('RSASSA_PKCS1_V1_5_')
      ? { padding: constants.RSA_PKCS1_PADDING }
      : {};
}

/**
 * A digest given as the message (`MessageType: DIGEST`) must be as long as the algorithm's hash. Node signs only what
 * it hashes itself, so a digest is signed with raw RSA: PKCS #1 v1.5 around its DigestInfo, PSS with `pss.ts`. ECDSA
 * over a digest needs the curve arithmetic Node does not expose: refused (a known difference, docs/local-cloud/kms.md).
 */
function checkDigest(algorithm: string, hash: string, message: Buffer): void {
  if (message.length !== digestLength(hash)) {
    throw kmsError.validation(
      `Digest is invalid length for algorithm ${algorithm}: expected ${digestLength(hash)} bytes, got ${message.length}.`,
    );
  }
  if (algorithm.startsWith('ECDSA_')) {
    throw kmsError.unsupported(`The local cloud does not sign or verify a DIGEST message with ${algorithm}.`);
  }
}

const digestInfo = (hash: string, digest: Buffer) =>
  Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash] ?? '', 'hex'), digest]);

export function signMessage(privatePem: string, algorithm: string, message: Buffer, type: MessageType): Buffer {
  const hash = hashOf(algorithm);
  const key = createPrivateKey(privatePem);
  if (type === 'RAW') return sign(hash, message, { key, ...paddingOf(algorithm, hash) });
  checkDigest(algorithm, hash, message);
  if (algorithm.startsWith('RSASSA_PSS_')) return signPssDigest(key, hash, message);
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hash, message));
}

export function verifySignature(
  privatePem: string,
  algorithm: string,
  message: Buffer,
  type: MessageType,
  signature: Buffer,
): boolean {
  const hash = hashOf(algorithm);
  const key = createPublicKey(privatePem);
  if (type === 'DIGEST') checkDigest(algorithm, hash, message);
  try {
    if (type === 'RAW') return verify(hash, message, { key, ...paddingOf(algorithm, hash) }, signature);
    if (algorithm.startsWith('RSASSA_PSS_')) return verifyPssDigest(key, hash, message, signature);
    return publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature).equals(digestInfo(hash, message));
  } catch {
    // A signature of the wrong length or encoding is a signature that does not verify, not a malformed request.
    return false;
  }
}

/** The public key as DER SubjectPublicKeyInfo, as GetPublicKey answers it. */
export function publicKeyDer(privatePem: string): Buffer {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'der' });
}
