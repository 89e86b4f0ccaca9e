import { ResponseError } from '@backstage/errors';
import { messageOf, statusOf } from './errors';

/** What a client throws for a Backstage error body with this status. */
const failed = (status: number, message: string) =>
  ResponseError.fromResponse({
    ok: false,
    status,
    statusText: status === 503 ? 'Service Unavailable' : 'Forbidden',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    redirected: false,
    type: 'basic',
    url: 'http://backend.test/api/example',
    text: async () =>
      JSON.stringify({
        error: { name: 'ServiceUnavailableError', message },
        response: { statusCode: status },
      }),
  } as Response);

describe('statusOf', () => {
  it('gives the status of a failed backend call, nothing for other errors', async () => {
    expect(statusOf(await failed(503, 'down'))).toBe(503);
    expect(statusOf(new Error('boom'))).toBeUndefined();
    expect(statusOf('boom')).toBeUndefined();
  });
});

describe('messageOf', () => {
  it("gives the backend's words rather than the bare status", async () => {
    const error = await failed(
      503,
      "Prometheus 'prod' did not answer within 5 s (request id 0c4e9a21)",
    );
    expect(error.message).toMatch(/503/);
    expect(messageOf(error)).toBe(
      "Prometheus 'prod' did not answer within 5 s (request id 0c4e9a21)",
    );
  });

  it('gives the message of any other error, and a thrown value as text', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('boom')).toBe('boom');
  });
});
