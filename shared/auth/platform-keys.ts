/**
 * The platform's own token signing key, as verifiers see it: the public half of a KMS `ECC_NIST_P256` key, read
 * with `GetPublicKey` once per execution environment and looked up by `kid`, which is the KMS key id. Its private half
 * never leaves KMS (`Sign` only), so nobody holding this module's output can mint a token.
 */
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { type CryptoKey, importSPKI } from 'jose';
import { UnauthorizedError } from '../errors.js';
import {
  type ClaimsPolicy,
  identityOf,
  PLATFORM_TOKEN_ALGORITHM,
  type VerificationKeys,
  type VerifiedIdentity,
  verifyClaims,
} from './jwt.js';
import { kms } from './kms-client.js';

/** `arn:aws:kms:<region>:<account>:key/<id>` → `<id>`: the `kid` of the key's tokens. */
export function keyIdOf(keyArn: string): string {
  const match = /:key\/([A-Za-z0-9-]+)$/.exec(keyArn);
  if (!match?.[1]) throw new Error(`${keyArn} is not a KMS key ARN`);
  return match[1];
}

/** DER SubjectPublicKeyInfo → PEM, which `importSPKI` reads. */
function spkiPem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

/** Reads the key's public half from KMS; refuses a key that is not the P-256 signing key the tokens need. */
export async function kmsPublicKey(keyArn: string): Promise<Uint8Array> {
  const answer = await kms().send(new GetPublicKeyCommand({ KeyId: keyArn }));
  if (answer.KeySpec !== 'ECC_NIST_P256' || answer.KeyUsage !== 'SIGN_VERIFY' || !answer.PublicKey) {
    throw new Error(`The KMS key ${keyArn} is not an ECC_NIST_P256 SIGN_VERIFY key`);
  }
  return answer.PublicKey;
}

/**
 * The platform key as a key set of one: the kid of the key, and nothing else, resolves. A failed read is not kept,
 * so the next token tries again; a successful one is kept for the life of the execution environment (a KMS key's
 * public half never changes).
 */
export function kmsVerificationKeys(keyArn: string, publicKey = kmsPublicKey): VerificationKeys {
  const kid = keyIdOf(keyArn);
  let imported: Promise<CryptoKey> | undefined;
  return {
    async keyFor(requested) {
      if (requested !== kid) return undefined;
      if (!imported) {
        const loading = publicKey(keyArn).then((der) => importSPKI(spkiPem(der), PLATFORM_TOKEN_ALGORITHM));
        loading.catch(() => {
          if (imported === loading) imported = undefined;
        });
        imported = loading;
      }
      return imported;
    },
  };
}

/** Who a platform token says the caller is, with the one project it may act in. */
export interface ScopedIdentity extends VerifiedIdentity {
  /** The project scope: the token works for this project's routes and resources only. */
  readonly project: string;
  /** `jti`, for the audit trail of the token's use. */
  readonly tokenId?: string;
}

/** A project id as the API's paths carry it (`Identifier` in the contracts): nothing that could widen a policy. */
const PROJECT_SCOPE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * A platform token's identity: ES256 with the platform key, the platform issuer, the API audience and expiry
 * verified, then `sub`, `tenant`, `roles` and the `project` scope, without which the token is refused.
 */
export async function verifyPlatformToken(
  token: string,
  keys: VerificationKeys,
  policy: Omit<ClaimsPolicy, 'algorithm'>,
): Promise<ScopedIdentity> {
  const claims = await verifyClaims(token, keys, { ...policy, algorithm: PLATFORM_TOKEN_ALGORITHM });
  const { project } = claims;
  if (typeof project !== 'string' || !PROJECT_SCOPE.test(project)) {
    throw new UnauthorizedError('The platform token has no valid project scope');
  }
  return { ...identityOf(claims), project, ...(typeof claims.jti === 'string' ? { tokenId: claims.jti } : {}) };
}
