/** The platform's JSON Web Key Set (RFC 7517): the public half of its signing key, as a P-256 JWK. */
import { createPublicKey } from 'node:crypto';
import { PLATFORM_TOKEN_ALGORITHM } from '../../../shared/auth/jwt.js';
import type { JsonWebKeySet } from '../../../shared/contracts/identity-api.js';
import type { PublicKeySource } from '../ports/token-signer.js';

export async function publishedKeySet(source: PublicKeySource): Promise<JsonWebKeySet> {
  const der = await source.publicKey();
  const jwk = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('The signing key is not EC P-256');
  return {
    keys: [
      { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: source.keyId, alg: PLATFORM_TOKEN_ALGORITHM, use: 'sig' },
    ],
  };
}
