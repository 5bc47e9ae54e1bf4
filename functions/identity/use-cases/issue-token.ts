/**
 * `POST /oauth/token`, the client credentials grant (RFC 6749 §4.4): a service account's client id and an active
 * secret buy a platform token of `tuning.identity.tokenLifetimeSeconds`. A revoked secret, or a deleted account, is
 * refused at the next request; tokens issued before live out their lifetime. Every issue, and every refusal of a
 * known account, is audited.
 */
import type { TokenResponse } from '../../../shared/contracts/identity-api.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { secretMatches } from '../domain/client-secret.js';
import { type ClientCredentials, OAuthError } from '../domain/oauth-request.js';
import {
  compactToken,
  type PlatformTokenSettings,
  platformTokenClaims,
  signingInputOf,
} from '../domain/platform-token.js';
import { activeSecrets, type ServiceAccount, serviceAccountSrn } from '../domain/service-account.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ServiceAccounts } from '../ports/service-accounts.js';
import type { TokenSigner } from '../ports/token-signer.js';

export interface IssueTokenPorts {
  readonly accounts: ServiceAccounts;
  readonly signer: TokenSigner;
  readonly audit: AuditTrail;
  readonly settings: PlatformTokenSettings;
  readonly clock?: Clock;
}

/** One message for every refused client, so that a caller cannot tell an unknown id from a wrong secret. */
const CLIENT_REFUSED = 'The client id or secret is not valid';

export async function issueToken(
  request: { credentials: ClientCredentials; correlationId: string },
  ports: IssueTokenPorts,
): Promise<TokenResponse> {
  const { clientId, clientSecret } = request.credentials;
  // The client id is the account id; a malformed one cannot be a key of the table.
  const account = /^sa_[a-f0-9]{24}$/.test(clientId) ? await ports.accounts.find(clientId) : undefined;
  if (!account) {
    metrics.addMetric('TokenRefused', MetricUnit.Count, 1);
    throw new OAuthError('invalid_client', CLIENT_REFUSED);
  }
  const secret = activeSecrets(account).find((candidate) => secretMatches(clientSecret, candidate));
  if (!secret) {
    metrics.addMetric('TokenRefused', MetricUnit.Count, 1);
    await audit(ports, account, request.correlationId, 'DENIED', { reason: 'no active secret matches' });
    throw new OAuthError('invalid_client', CLIENT_REFUSED);
  }

  const claims = platformTokenClaims(account, ports.settings, (ports.clock ?? systemClock)());
  const signingInput = signingInputOf(claims, ports.signer.keyId);
  const signature = await ports.signer.sign(Buffer.from(signingInput, 'ascii'));
  await audit(ports, account, request.correlationId, 'SUCCEEDED', {
    jti: claims.jti,
    secretId: secret.secretId,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
  });
  metrics.addMetric('TokenIssued', MetricUnit.Count, 1);
  logger.info('Platform token issued', { serviceAccountId: account.serviceAccountId, jti: claims.jti });
  return {
    access_token: compactToken(signingInput, signature),
    token_type: 'Bearer',
    expires_in: claims.exp - claims.iat,
  };
}

function audit(
  ports: IssueTokenPorts,
  account: ServiceAccount,
  correlationId: string,
  outcome: 'SUCCEEDED' | 'DENIED',
  details: Record<string, unknown>,
): Promise<void> {
  return ports.audit.record({
    action: 'identity.token.issue',
    outcome,
    srn: serviceAccountSrn(account),
    tenantId: account.tenantId,
    // The account acts for itself: the actor is the machine identity, with the role its token would carry.
    actor: { sub: account.serviceAccountId, tenant: account.tenantId, roles: [account.role] },
    correlationId,
    details,
  });
}
