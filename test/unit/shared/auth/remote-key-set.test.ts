import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClaimsPolicy, verifyToken } from '../../../../shared/auth/jwt.js';
import { remoteKeySet } from '../../../../shared/auth/remote-key-set.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { type JwksServer, startJwksServer } from '../../support/jwks-server.js';
import { AUDIENCE, generateTestKeys, ISSUER, signToken, type TestKeys } from '../../support/jwt-support.js';

const policy: ClaimsPolicy = { issuer: ISSUER, audience: AUDIENCE };
const COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 600_000;

let server: JwksServer;
let current: TestKeys;
let next: TestKeys;

beforeAll(async () => {
  server = await startJwksServer();
  current = await generateTestKeys();
  next = await generateTestKeys();
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  // Only the clock the key set reads is faked: sockets and fetch keep their real timers.
  vi.useFakeTimers({ toFake: ['Date'] });
  await server.publish([{ kid: 'key-2026-1', keys: current }]);
});

afterEach(() => {
  vi.useRealTimers();
});

const signedWith = (keys: TestKeys, kid: string) => signToken(keys.privateKey, { header: { kid } });
const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

async function refusal(verifying: Promise<unknown>): Promise<string> {
  const error = await verifying.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return (error as Error).message;
}

describe('remoteKeySet (a JWKS served on loopback)', () => {
  it('verifies a token with the key its kid names, fetching the set once for many tokens', async () => {
    // Prepare
    const keys = remoteKeySet(server.url);
    const before = server.fetches;

    // Act
    const identities = await Promise.all(
      [1, 2, 3].map(async () => verifyToken(await signedWith(current, 'key-2026-1'), keys, policy)),
    );
    const again = await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);

    // Assess
    expect([...identities, again].map((identity) => identity.sub)).toEqual([
      'user-ada',
      'user-ada',
      'user-ada',
      'user-ada',
    ]);
    expect(server.fetches - before).toBe(1);
  });

  it('follows a rotation: a token with the new kid is accepted once the set holds it, with the same key set', async () => {
    // Prepare
    const keys = remoteKeySet(server.url);
    await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);
    const before = server.fetches;
    const rotated = await signedWith(next, 'key-2026-2');

    // Act
    await server.publish([
      { kid: 'key-2026-1', keys: current },
      { kid: 'key-2026-2', keys: next },
    ]);
    advance(COOLDOWN_MS + 1000);
    const identity = await verifyToken(rotated, keys, policy);
    const old = await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);

    // Assess
    expect(identity.sub).toBe('user-ada');
    expect(old.sub).toBe('user-ada');
    expect(server.fetches - before).toBe(1);
  });

  it('refuses unknown kids without fetching again within the cooldown, so made-up kids cannot flood the issuer', async () => {
    // Prepare
    const keys = remoteKeySet(server.url);
    await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);
    const before = server.fetches;

    // Act
    const reasons = [];
    for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
      advance(1000);
      reasons.push(await refusal(verifyToken(await signedWith(next, kid), keys, policy)));
    }

    // Assess
    expect(reasons).toEqual([
      'The token kid made-up-1 is not a known key',
      'The token kid made-up-2 is not a known key',
      'The token kid made-up-3 is not a known key',
    ]);
    expect(server.fetches - before).toBe(0);
  });

  it('drops a key the issuer removed once the cached set has aged out', async () => {
    // Prepare
    const keys = remoteKeySet(server.url);
    await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);
    await server.publish([{ kid: 'key-2026-2', keys: next }]);

    // Act
    advance(MAX_AGE_MS + 1000);
    const reason = await refusal(verifyToken(await signedWith(current, 'key-2026-1'), keys, policy));

    // Assess
    expect(reason).toBe('The token kid key-2026-1 is not a known key');
  });

  it('keeps verifying with the keys it fetched while the issuer cannot be reached', async () => {
    // Prepare
    const keys = remoteKeySet(server.url);
    await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);
    server.failWith(503);
    advance(MAX_AGE_MS + 1000);
    const before = server.fetches;

    // Act
    const identity = await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);

    // Assess
    expect(identity.sub).toBe('user-ada');
    expect(server.fetches - before).toBe(1);
  });

  it('answers a kid it cannot check during an outage with an availability error, not a refused token', async () => {
    // Prepare
    const keys = remoteKeySet(server.url);
    await verifyToken(await signedWith(current, 'key-2026-1'), keys, policy);
    server.failWith(503);
    advance(COOLDOWN_MS + 1000);

    // Act
    const verifying = verifyToken(await signedWith(next, 'key-2026-2'), keys, policy);

    // Assess
    await expect(verifying).rejects.toThrow(/JSON Web Key Set at http:\/\/127\.0\.0\.1:\d+\/.* could not be used/);
    await expect(verifying).rejects.not.toBeInstanceOf(UnauthorizedError);
  });

  it('fails with an availability error when the set was never fetched', async () => {
    // Prepare
    server.failWith(500);
    const keys = remoteKeySet(server.url);

    // Act
    const lookup = keys.keyFor('key-2026-1');

    // Assess
    await expect(lookup).rejects.toThrow(/could not be used: Expected 200 OK/);
    await expect(lookup).rejects.not.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a key set over plain HTTP anywhere but loopback', () => {
    // Assess
    expect(() => remoteKeySet(new URL('http://issuer.example.com/jwks.json'))).toThrow(/must be https/);
    expect(() => remoteKeySet(new URL('https://issuer.example.com/jwks.json'))).not.toThrow();
  });
});
