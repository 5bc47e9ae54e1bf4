/**
 * Checkout agents as the platform knows them (docs/adr/0038-service-accounts.md §8): a service account created
 * through the API by a tenant-admin, whose platform token from `POST /oauth/token` travels with every
 * CheckoutRequested.v1 beside the identity provider's delegation proof naming that account as its actor.
 */
import { randomUUID } from 'node:crypto';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { compactToken, derToJoseSignature, signingInputOf } from '../../../functions/identity/domain/platform-token.js';
import { createProject, tenantTeam } from './provisioning.js';
import { agentProof, type Caller, call, output, target } from './target.js';

export interface CheckoutAgent {
  /** The service account: `sub` of its token, and the `act.sub` its proofs must name. */
  readonly serviceAccountId: string;
  readonly tenant: string;
  /** Its platform token, fresh from `POST /oauth/token` (15 minutes: longer than any one test file). */
  readonly agentToken: string;
}

/**
 * A service account of `tenant` holding `role`, made as an operator would: a tenant-admin creates a project and the
 * account in it, then the account exchanges its credentials for a token (RFC 6749 §4.4, client auth §2.3.1).
 */
export async function newCheckoutAgent(tenant: string, role = 'checkout-agent'): Promise<CheckoutAgent> {
  const { admin } = tenantTeam(tenant);
  const projectId = await createProject(admin);
  const created = await call('POST', `projects/${projectId}/service-accounts`, {
    caller: admin,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { name: `agent-${randomUUID().slice(0, 8)}`, role },
  });
  if (created.status !== 201) throw new Error(`Could not create an agent: ${created.status} ${created.text}`);
  const { clientId, clientSecret, serviceAccountId } = created.body;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const issued = await call('POST', 'oauth/token', {
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    rawBody: 'grant_type=client_credentials',
  });
  if (issued.status !== 200) throw new Error(`The agent got no token: ${issued.status} ${issued.text}`);
  return { serviceAccountId, tenant, agentToken: issued.body.access_token as string };
}

/** One agent per tenant for the tests that only need an agent in order (creating one costs three API calls). */
const agentsByTenant = new Map<string, Promise<CheckoutAgent>>();

/**
 * What an agent in order sends for `customer`'s request `idempotencyKey`: the proof the identity provider issued to
 * the tenant's checkout agent, and that agent's own token.
 */
export async function agentCredentials(
  customer: Caller,
  idempotencyKey: string,
): Promise<{ proof: string; agentToken: string }> {
  let agent = agentsByTenant.get(customer.tenant);
  if (!agent) {
    agent = newCheckoutAgent(customer.tenant);
    agentsByTenant.set(customer.tenant, agent);
  }
  const { serviceAccountId, agentToken } = await agent;
  return { proof: await agentProof(customer, idempotencyKey, serviceAccountId), agentToken };
}

/**
 * `agent`'s token with some claims changed (an expiry in the past), signed with the stage's own KMS key as the token
 * endpoint signs: what only the platform could make, so a refusal of it is about the claims, never the signature.
 */
export async function resignedAgentToken(agent: CheckoutAgent, changes: Record<string, unknown>): Promise<string> {
  const keyArn = output('ServiceAccountSigningKeyArn');
  const [, payload] = agent.agentToken.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8')), ...changes };
  const signingInput = signingInputOf(claims, keyArn.split('/').at(-1) as string);
  const kms = new KMSClient({
    region: target.region,
    ...(target.awsEndpoint
      ? { endpoint: target.awsEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
      : {}),
  });
  const { Signature } = await kms.send(
    new SignCommand({
      KeyId: keyArn,
      Message: Buffer.from(signingInput),
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );
  return compactToken(signingInput, derToJoseSignature(Signature as Uint8Array));
}
