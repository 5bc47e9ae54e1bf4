/**
 * Prints a dev JWT that only the local stage accepts.
 *
 * - `npm run token -- --sub u1 --roles customer --tenant t1`: a bearer token for the API.
 * - `npm run token -- --agent agent:shopper-bot --sub u1 --tenant t1 --request <idempotency key>`: an agent's
 *   delegation proof for one CheckoutRequested.v1 (docs/adr/0027); `--roles` defaults to `checkout-agent`.
 */
import './closed-pipe.js';
import { parseArgs } from 'node:util';
import { signDevAgentProof, signDevToken } from '../functions/platform/dev-keys.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'u1' },
    roles: { type: 'string' },
    tenant: { type: 'string', default: 't1' },
    'expires-in': { type: 'string' },
    agent: { type: 'string' },
    request: { type: 'string' },
  },
});

const roles = values.roles?.split(',').filter((role) => role.length > 0);
const expiresInSeconds = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);

if (values.agent !== undefined && values.request === undefined) {
  console.error('--agent needs --request <idempotency key>: a proof is issued for one request');
  process.exit(2);
}

const token =
  values.agent === undefined
    ? await signDevToken({ sub: values.sub, roles: roles ?? ['customer'], tenant: values.tenant, expiresInSeconds })
    : await signDevAgentProof({
        agent: values.agent,
        customer: values.sub,
        tenant: values.tenant,
        idempotencyKey: values.request ?? '',
        ...(roles ? { roles } : {}),
        ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
      });
console.log(token);
