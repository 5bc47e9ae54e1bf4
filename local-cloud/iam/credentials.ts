/**
 * Every function signs its AWS calls with an access key id of its own, so the edge knows who calls: the key id maps
 * to the function, and the function to its role. The id is derived from the function's name (stable across restarts,
 * so a persisted deployment keeps working) and shaped like the temporary keys Lambda hands out (`ASIA` + 16).
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function functionAccessKeyId(functionName: string): string {
  const digest = createHash('sha256').update(functionName).digest();
  let id = 'ASIA';
  for (let index = 0; id.length < 20; index++) id += BASE32[(digest[index] as number) % 32];
  return id;
}

/** The access key id a SigV4 `Authorization` header signs with; `undefined` for an unsigned request. */
export function accessKeyIdOf(authorization: string | string[] | undefined): string | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = header ? /Credential=([^/,\s]+)\//.exec(header) : null;
  return match?.[1];
}
