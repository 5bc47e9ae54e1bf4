/**
 * Staging's e2e issuer (docs/adr/0042-an-e2e-issuer-for-staging.md): a second issuer Staging trusts beside its
 * identity provider, so that the end-to-end suite can act as the customers, admins and agents it makes up, against a
 * deployed stage. Its private key is a GitHub environment secret of `staging` (`E2E_JWT_PRIVATE_KEY`); its public
 * keys reach Staging's authorizer at synth (`SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS`, lib/config/stages.ts). No other
 * stage trusts it: prod's synth refuses it.
 *
 * A key's `kid` is its RFC 7638 JWK thumbprint, computed from the key on both sides, so the secret and the variable
 * are each one PEM and can never name different kids. https://www.rfc-editor.org/rfc/rfc7638
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { importPKCS8 } from 'jose';
import { DEV_JWT_PUBLIC_KEY_PEM } from './dev-keys.js';
import { type TokenSigner, tokenSigner } from './token-signer.js';

/** `iss` of the suite's tokens: a URN, since the issuer publishes nothing and is reached at no URL. */
export const E2E_JWT_ISSUER = 'urn:sagastack:e2e';
/** The API's audience, which every stage's tokens name (lib/config/stages.ts): the e2e issuer's tokens are the API's. */
export const E2E_JWT_AUDIENCE = 'sagastack-api';
/** RS256, as the identity provider's tokens: the authorizer verifies both with the same rules. */
const MINIMUM_MODULUS_BITS = 2048;

/** A key given to the e2e issuer that it cannot use: not a PEM, not RSA, too short, or the public dev key. */
export class E2eKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'E2eKeyError';
  }
}

/** The RFC 7638 thumbprint (SHA-256, base64url) of an RSA key: the required members `e`, `kty`, `n`, in that order. */
function rsaKeyThumbprint(key: KeyObject): string {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA') throw new E2eKeyError(`The e2e issuer signs RS256: its key must be RSA, not ${jwk.kty}`);
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The e2e issuer's public keys from one or more PEM blocks, one after another (two during a rotation), each with its
 * thumbprint as `kid`: the value of `SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS`. Refuses what would make Staging trust
 * anyone: the committed dev key, whose private half is public.
 */
export function e2ePublicKeys(pems: string): Array<{ kid: string; publicKeyPem: string }> {
  const blocks = pems.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new E2eKeyError('No PEM public key (-----BEGIN PUBLIC KEY-----) was given');
  const devKid = rsaKeyThumbprint(createPublicKey(DEV_JWT_PUBLIC_KEY_PEM));
  return blocks.map((publicKeyPem) => {
    const key = parseKey(() => createPublicKey(publicKeyPem));
    checkStrength(key);
    const kid = rsaKeyThumbprint(key);
    if (kid === devKid) {
      throw new E2eKeyError('The committed dev key is public: no deployed stage may trust it as the e2e issuer');
    }
    return { kid, publicKeyPem: `${publicKeyPem}\n` };
  });
}

/** Signs as the e2e issuer with `privateKeyPem` (PKCS #8, the `E2E_JWT_PRIVATE_KEY` secret), for the API's audience. */
export function e2eSigner(privateKeyPem: string, audience = E2E_JWT_AUDIENCE): TokenSigner {
  const key = parseKey(() => createPrivateKey(privateKeyPem));
  checkStrength(key);
  return tokenSigner({
    issuer: E2E_JWT_ISSUER,
    audience,
    kid: rsaKeyThumbprint(key),
    privateKey: () => importPKCS8(key.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256'),
  });
}

function parseKey(parse: () => KeyObject): KeyObject {
  try {
    return parse();
  } catch (cause) {
    // The cause names no key material: node's parse errors say what is wrong with the format, not what it held.
    throw new E2eKeyError('The e2e issuer key is not a valid PEM key', { cause });
  }
}

function checkStrength(key: KeyObject): void {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined || bits < MINIMUM_MODULUS_BITS) {
    throw new E2eKeyError(`The e2e issuer key must be RSA of ${MINIMUM_MODULUS_BITS} bits at least`);
  }
}
