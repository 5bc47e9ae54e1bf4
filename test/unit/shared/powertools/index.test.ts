import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // The logger as it runs in Lambda: JSON lines on stdout (not dev mode), at the default level.
  delete process.env.POWERTOOLS_DEV;
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_SERVICE_NAME = 'checkout';
});

import { logger, REDACTED, SENSITIVE_LOG_KEYS } from '../../../../shared/powertools/index.js';

/**
 * Every line the logger writes while `log` runs, to stdout or stderr (warnings and errors go there): what Lambda
 * sends to the function's log group.
 */
function outputOf(log: () => void): string[] {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    log();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.length > 0);
}

describe('logger redaction', () => {
  afterEach(() => {
    logger.resetKeys();
  });

  it('writes no value of a sensitive key, however deep and in whatever case', () => {
    // Prepare
    const secrets = {
      paymentToken: 'tok_e2e_1f9c',
      postalCode: 'ZZ-SECRET-9',
      bearer: 'Bearer eyJhbGciOi.secret',
      idToken: 'id-token-secret',
      accessToken: 'access-token-secret',
      token: 'plain-token-secret',
      password: 'correct-horse-battery',
      cardNumber: '4242424242424242',
      cvv: '987',
      secret: 'client-secret-value',
      proof: 'agent-proof-signature',
    };

    // Act
    const [line, ...more] = outputOf(() =>
      logger.info('A request logged whole by accident', {
        checkoutId: 'chk_01TEST',
        detail: {
          data: {
            cartId: 'cart-1',
            paymentToken: secrets.paymentToken,
            shippingAddress: { country: 'US', region: 'CA', postalCode: secrets.postalCode },
            proof: { signature: secrets.proof },
          },
        },
        headers: { Authorization: secrets.bearer, 'Content-Type': 'application/json' },
        sessions: [{ idToken: secrets.idToken, AccessToken: secrets.accessToken, token: secrets.token }],
        user: { PASSWORD: secrets.password, settings: { Secret: secrets.secret } },
        card: { cardNumber: secrets.cardNumber, cvv: secrets.cvv },
      }),
    );

    // Assess
    expect(more).toEqual([]);
    for (const value of Object.values(secrets)) expect(line).not.toContain(value);
    const entry = JSON.parse(line ?? '{}');
    expect(entry).toMatchObject({
      message: 'A request logged whole by accident',
      checkoutId: 'chk_01TEST',
      detail: { data: { cartId: 'cart-1', paymentToken: REDACTED, shippingAddress: REDACTED, proof: REDACTED } },
      headers: { Authorization: REDACTED, 'Content-Type': 'application/json' },
      sessions: [{ idToken: REDACTED, AccessToken: REDACTED, token: REDACTED }],
      user: { PASSWORD: REDACTED, settings: { Secret: REDACTED } },
      card: { cardNumber: REDACTED, cvv: REDACTED },
    });
  });

  it.each(SENSITIVE_LOG_KEYS)('redacts %s in persistent keys too', (key) => {
    // Prepare
    logger.appendKeys({ context: { [key]: `value-of-${key}` } });

    // Act
    const [line] = outputOf(() => logger.warn('Something happened'));

    // Assess
    expect(line).not.toContain(`value-of-${key}`);
    expect(JSON.parse(line ?? '{}').context).toEqual({ [key]: REDACTED });
  });
});
