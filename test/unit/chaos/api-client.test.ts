import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { devBearerTokens } from '../../../chaos/api-client.js';

const CLAIMS = { sub: 'chaos-support', roles: ['support'], tenant: 'chaos' };
const claimsOf = (bearer: string) => decodeJwt(bearer.replace(/^Bearer /, ''));

describe('devBearerTokens', () => {
  it('keeps one token per principal, and signs a new one ten minutes before it expires', async () => {
    // Prepare: a run longer than a token's hour (the 10,000-checkout run met 401s after 60 minutes).
    let nowMs = Date.now();
    const bearer = devBearerTokens(() => nowMs);

    // Act: the promises tell a kept token from a newly signed one (two signed in one second are the same text).
    const first = bearer(CLAIMS);
    nowMs += 49 * 60_000;
    const kept = bearer(CLAIMS);
    nowMs += 2 * 60_000;
    const renewed = bearer(CLAIMS);
    const other = await bearer({ ...CLAIMS, sub: 'someone-else' });

    // Assess
    expect(kept).toBe(first);
    expect(renewed).not.toBe(first);
    const { exp = 0, iat = 0 } = claimsOf(await first);
    expect(exp - iat).toBe(3600);
    expect(claimsOf(other).sub).toBe('someone-else');
  });
});
