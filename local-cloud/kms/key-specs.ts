/**
 * What each key spec can do, as the KMS developer guide lists it
 * (https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html): the key usages it allows,
 * and the encryption, signing or MAC algorithms of each usage. Also how its material is generated.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';

export interface KeySpecification {
  readonly usages: readonly KeyUsage[];
  readonly encryptionAlgorithms?: readonly string[];
  readonly signingAlgorithms?: readonly string[];
  readonly macAlgorithms?: readonly string[];
  /** The key's material: PKCS #8 PEM of an asymmetric key, base64 of a symmetric or HMAC one. */
  generate(): string;
}

const RSA_SIGNING = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];

const rsa = (modulusLength: number): KeySpecification => ({
  usages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  encryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
  signingAlgorithms: RSA_SIGNING,
  generate: () =>
    generateKeyPairSync('rsa', { modulusLength }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});

const ecc = (namedCurve: string, algorithm: string): KeySpecification => ({
  // KEY_AGREEMENT (DeriveSharedSecret) is not emulated: the key spec refuses it as an unsupported usage.
  usages: ['SIGN_VERIFY'],
  signingAlgorithms: [algorithm],
  generate: () =>
    generateKeyPairSync('ec', { namedCurve }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});

const hmac = (bits: number): KeySpecification => ({
  usages: ['GENERATE_VERIFY_MAC'],
  macAlgorithms: [`HMAC_SHA_${bits}`],
  generate: () => randomBytes(bits / 8).toString('base64'),
});

export const KEY_SPECS: Readonly<Record<string, KeySpecification>> = {
  SYMMETRIC_DEFAULT: {
    usages: ['ENCRYPT_DECRYPT'],
    encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    generate: () => randomBytes(32).toString('base64'),
  },
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ecc('P-256', 'ECDSA_SHA_256'),
  ECC_NIST_P384: ecc('P-384', 'ECDSA_SHA_384'),
  ECC_NIST_P521: ecc('P-521', 'ECDSA_SHA_512'),
  HMAC_224: hmac(224),
  HMAC_256: hmac(256),
  HMAC_384: hmac(384),
  HMAC_512: hmac(512),
};

/** The hash of a signing or MAC algorithm (`RSASSA_PSS_SHA_256` → `sha256`). */
export function hashOf(algorithm: string): string {
  const bits = /SHA_(\d+)$/.exec(algorithm)?.[1];
  return bits === '1' ? 'sha1' : `sha${bits}`;
}
