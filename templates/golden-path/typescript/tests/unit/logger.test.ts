import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/infrastructure/logger';

function capture() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', serviceName: 'svc-test' }, stream) };
}

describe('logger', () => {
  it('writes JSON lines with service, level and message', () => {
    const { lines, logger } = capture();
    logger.info({ accountId: 'a-1' }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'svc-test', level: 'info', message: 'hello', accountId: 'a-1' });
  });

  it('redacts personal and card data wherever it appears', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        email: 'jane@example.com',
        member: { firstName: 'Jane', iban: 'FR7630006000011234567890189' },
        payment: { card: { cardNumber: '4111111111111111' } },
        body: { anything: 'at all' },
      },
      'attempt',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['jane@example.com', 'Jane', 'FR76', '4111', 'at all']) expect(text).not.toContain(secret);
    expect(lines[0]!.member.iban).toBe('[redacted]');
  });

  it('logs requests by templated route, without URL, headers or client address', () => {
    const { lines, logger } = capture();
    const req = {
      id: 'r-1',
      method: 'GET',
      url: '/v1/things/secret-id?email=jane@example.com',
      headers: { authorization: 'Bearer x' },
      ip: '203.0.113.9',
      routeOptions: { url: '/v1/things/:id' },
    };
    logger.info({ req }, 'request');
    expect(lines[0]!.req).toEqual({ id: 'r-1', method: 'GET', route: '/v1/things/:id' });
  });
});
