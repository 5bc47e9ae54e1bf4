/**
 * The issuer the suite signs its tokens and its agents' delegation proofs as, chosen in one place by the target:
 *
 * - on AWS (Staging, the release's e2e job), the e2e issuer, with the private key in `E2E_JWT_PRIVATE_KEY` (a GitHub
 *   environment secret of `staging`); Staging trusts it beside its identity provider and no other stage does
 *   (docs/adr/0042-an-e2e-issuer-for-staging.md);
 * - anywhere else (the embedded local cloud, LocalStack, both running the Local stage), the committed dev key, which
 *   only the Local stage accepts.
 *
 * No vitest import here, so that a unit test can check the choice (test/unit/platform/e2e-issuer.test.ts).
 */
import { devSigner } from '../../../functions/platform/dev-keys.js';
import { e2ePublicKeys, e2eSigner } from '../../../functions/platform/e2e-issuer.js';
import type { TokenSigner } from '../../../functions/platform/token-signer.js';

/** The target kinds of the suite (`TARGET`), as `E2eTarget['kind']` names them. */
export type TargetKind = 'local' | 'localstack' | 'aws';

/** The suite runs against AWS without the e2e issuer's key: every request would be refused, so it stops at once. */
export class E2eSigningKeyMissingError extends Error {
  constructor() {
    super(
      'TARGET=aws signs with the e2e issuer, but E2E_JWT_PRIVATE_KEY is not set (a secret of the GitHub environment ' +
        '`staging`; docs/release.md, "What the e2e job needs")',
    );
    this.name = 'E2eSigningKeyMissingError';
  }
}

/** The secret's key is not among the public keys Staging was deployed with: every token would be refused. */
export class E2eKeyMismatchError extends Error {
  constructor(kid: string) {
    super(
      `E2E_JWT_PRIVATE_KEY (kid ${kid}) is not the private half of any key in E2E_JWT_PUBLIC_KEYS, which Staging ` +
        'trusts: rotate the secret and the variable together (docs/release.md)',
    );
    this.name = 'E2eKeyMismatchError';
  }
}

/**
 * The suite's signer for a target of `kind`. On AWS, where `E2E_JWT_PUBLIC_KEYS` (the keys Staging was deployed with)
 * is also set, the private key must be the half of one of them, so a secret rotated without the variable fails here,
 * with its reason, rather than as a 401 in every test.
 */
export function suiteSigner(kind: TargetKind, environment: NodeJS.ProcessEnv = process.env): TokenSigner {
  if (kind !== 'aws') return devSigner;
  const privateKeyPem = environment.E2E_JWT_PRIVATE_KEY;
  if (!privateKeyPem) throw new E2eSigningKeyMissingError();
  const signer = e2eSigner(privateKeyPem);
  const trusted = environment.E2E_JWT_PUBLIC_KEYS;
  if (trusted && !e2ePublicKeys(trusted).some(({ kid }) => kid === signer.kid)) {
    throw new E2eKeyMismatchError(signer.kid);
  }
  return signer;
}
