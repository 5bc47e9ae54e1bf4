/** Service accounts (SERVICE_ACCOUNTS_TABLE_NAME, keyed by `serviceAccountId`, indexed by project). */
import type { ServiceAccount } from '../domain/service-account.js';

export interface ServiceAccounts {
  /** Creates the account unless its id is taken; then answers the account that holds it. */
  create(account: ServiceAccount): Promise<{ created: boolean; account: ServiceAccount }>;
  find(serviceAccountId: string): Promise<ServiceAccount | undefined>;
  listByProject(projectId: string): Promise<ServiceAccount[]>;
  /**
   * Replaces the account's secrets if it is still at `expectedVersion` (the version goes up by one); `false` when
   * someone else changed it first, or it was deleted.
   */
  replaceSecrets(account: ServiceAccount, expectedVersion: number): Promise<boolean>;
  /** Deletes the account; `false` when there was none. */
  delete(serviceAccountId: string): Promise<boolean>;
}
