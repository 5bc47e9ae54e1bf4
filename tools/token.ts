/**
 * Prints a dev JWT that only the local stage accepts.
 *
 * - `npm run token -- --sub u1 --roles customer --tenant t1`: a bearer token for the API.
 * - `npm run token -- --agent sa_… --sub u1 --tenant t1 --request <idempotency key>`: an agent's delegation proof
 *   for one CheckoutRequested.v1 (docs/adr/0027); `--agent` is the agent's service account (its `act.sub` must be the
 *   `sub` of the agentToken sent beside it, docs/adr/0038-service-accounts.md §8); `--roles` defaults to
 *   `checkout-agent`.
 */
import './closed-pipe.js';
import { defineCli, parse, runCli, UsageError } from '../local-cloud/cli/define-cli.js';

interface TokenOptions {
  readonly sub: string;
  readonly roles?: string;
  readonly tenant: string;
  readonly expiresIn?: number;
  readonly agent?: string;
  readonly request?: string;
}

const program = defineCli({
  name: 'token',
  invocation: 'npm run token --',
  description: 'Prints a dev JWT that only the local stage accepts: a bearer token, or with --agent an agent proof.',
  epilog: `Examples:
  npm run token -- --sub u1 --roles customer --tenant t1
  npm run token -- --agent <sa_… service account id> --sub u1 --tenant t1 --request <idempotency key>   (ADR 0027, 0038 §8)`,
})
  .option('--sub <id>', 'the subject: the customer', 'u1')
  .option('--roles <list>', 'comma-separated roles (default: customer; checkout-agent with --agent)')
  .option('--tenant <id>', 'the tenant', 't1')
  .option('--expires-in <seconds>', 'lifetime (default: 3600; 300 for an agent proof)', parse.integer(1))
  .option(
    '--agent <id>',
    "an agent's delegation proof for this service account (sa_…) instead of a bearer token (needs --request)",
  )
  .option('--request <key>', 'the idempotency key of the one request the proof allows')
  .action(async (options: TokenOptions) => {
    if (options.agent !== undefined && options.request === undefined) {
      throw new UsageError('--agent needs --request <idempotency key>: a proof is issued for one request');
    }
    // Loaded only once the arguments are known good: the key import is the slow part of this tool.
    const { signDevAgentProof, signDevToken } = await import('../functions/platform/dev-keys.js');
    const roles = options.roles?.split(',').filter((role) => role.length > 0);
    const expiresInSeconds = options.expiresIn;
    const token =
      options.agent === undefined
        ? await signDevToken({
            sub: options.sub,
            roles: roles ?? ['customer'],
            tenant: options.tenant,
            expiresInSeconds,
          })
        : await signDevAgentProof({
            agent: options.agent,
            customer: options.sub,
            tenant: options.tenant,
            idempotencyKey: options.request ?? '',
            ...(roles ? { roles } : {}),
            ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
          });
    console.log(token);
  });

await runCli(program);
