import { waitFor } from './waitFor';

describe('waitFor', () => {
  it('returns the first value that is not undefined or false', async () => {
    const answers = [undefined, false, 0, 'done'];
    const check = jest.fn(async () => answers.shift());
    await expect(waitFor(check, 'a value', { intervalMs: 1 })).resolves.toBe(0);
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('fails after timeoutMs, naming what it waited for', async () => {
    await expect(
      waitFor(async () => false, 'the moon turns blue', {
        timeoutMs: 30,
        intervalMs: 5,
      }),
    ).rejects.toThrow(
      'timed out after 30 ms waiting until the moon turns blue',
    );
  });

  it('fails with the caller’s message when given one', async () => {
    await expect(
      waitFor(async () => undefined, 'x', {
        timeoutMs: 10,
        intervalMs: 5,
        timeoutMessage: 'Prometheus not ready in 10 ms',
      }),
    ).rejects.toThrow(/^Prometheus not ready in 10 ms$/);
  });

  it('ends at once on an error by default', async () => {
    const check = jest.fn(async () => {
      throw new Error('boom');
    });
    await expect(waitFor(check, 'x', { timeoutMs: 1000 })).rejects.toThrow(
      'boom',
    );
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('retries on errors with retryOnError, then throws the last one', async () => {
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls < 3) throw new Error('not up yet');
      return 'up';
    };
    await expect(
      waitFor(flaky, 'x', { retryOnError: true, intervalMs: 1 }),
    ).resolves.toBe('up');

    await expect(
      waitFor(
        async () => {
          throw new Error('still down');
        },
        'x',
        { retryOnError: true, timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow('still down');
  });
});
