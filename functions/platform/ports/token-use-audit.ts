/** The audit trail of platform tokens in use: the authorizer records a service account's token when it accepts it. */
import type { ScopedIdentity } from '../../../shared/auth/platform-keys.js';

export interface TokenUseAudit {
  /** Records that `identity`'s token was accepted for `methodArn`. */
  recordUse(identity: ScopedIdentity, methodArn: string): Promise<void>;
}
