/** GET /.well-known/jwks.json (public): the key set that verifies platform-issued tokens, for any verifier. */
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { kmsPublicKeySource } from '../../adapters/kms-token-signer.js';
import { publishedKeySet } from '../../use-cases/published-key-set.js';

/** One per execution environment: the key's public half never changes, so it is read from KMS once. */
const keys = kmsPublicKeySource();

export const handler = apiHandler({ public: true }, async () => ({
  statusCode: 200,
  body: await publishedKeySet(keys),
  // Verifiers may keep the set for minutes (RFC 7517 says nothing of caching; HTTP caching rules apply).
  headers: { 'Cache-Control': 'public, max-age=600' },
}));
