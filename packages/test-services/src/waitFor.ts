export interface WaitForOptions {
  /** Give up after this long (ms). Default 15 s. */
  timeoutMs?: number;
  /** The pause between two checks (ms). Default 50 ms. */
  intervalMs?: number;
  /**
   * A check that throws counts as "not yet" (a server still starting) until
   * the deadline, when its error is thrown. By default its error ends the
   * wait at once.
   */
  retryOnError?: boolean;
  /**
   * The message of the error thrown when time runs out. Default:
   * `timed out after <timeoutMs> ms waiting until <what>`.
   */
  timeoutMessage?: string;
}

/**
 * Calls `check` every `intervalMs` until it returns something other than
 * `undefined` or `false`, and returns that. Fails after `timeoutMs`, naming
 * `what` it was waiting for.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 50, retryOnError = false } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | false;
    try {
      value = await check();
    } catch (error) {
      if (!retryOnError || Date.now() > deadline) throw error;
      value = undefined;
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(
        options.timeoutMessage ??
          `timed out after ${timeoutMs} ms waiting until ${what}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
