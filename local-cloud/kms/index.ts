/**
 * The local KMS (docs/local-cloud/kms.md): the engine, its JSON API, and the `LocalService` `boot.ts` mounts on the
 * edge under `TrentService`.
 */
import { type EdgeRequestGuard, jsonApiListener } from '../aws-protocol.js';
import type { LocalService } from '../local-service.js';
import { KMS_TARGET_PREFIX, kmsApi } from './api.js';
import type { LocalKms } from './local-kms.js';

export { LocalKms } from './local-kms.js';

/** KMS as a service of the edge; it holds no work in progress, and keeps its keys on disk as they change. */
export function kmsService(kms: LocalKms, guard?: EdgeRequestGuard): LocalService {
  return {
    name: 'kms',
    listener: jsonApiListener(kmsApi(kms), guard),
    edgeRoutes: { targetPrefixes: [KMS_TARGET_PREFIX] },
    whenIdle: async () => {},
    stop: async () => {},
  };
}
