/** `npm run token -- --sub u1 --roles customer --tenant t1`: prints a dev JWT that only the local stage accepts. */
import './closed-pipe.js';
import { parseArgs } from 'node:util';
import { signDevToken } from '../functions/platform/dev-keys.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'u1' },
    roles: { type: 'string', default: 'customer' },
    tenant: { type: 'string', default: 't1' },
    'expires-in': { type: 'string', default: '3600' },
  },
});

const token = await signDevToken({
  sub: values.sub,
  roles: values.roles.split(',').filter((role) => role.length > 0),
  tenant: values.tenant,
  expiresInSeconds: Number(values['expires-in']),
});
console.log(token);
