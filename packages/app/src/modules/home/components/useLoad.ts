import { useCallback, useEffect, useState } from 'react';

/** Where one request stands: loading, failed, or answered. */
export type LoadState<T> = {
  loading: boolean;
  error?: Error;
  value?: T;
  /** Asks again (after an error, or for fresh data). */
  retry: () => void;
};

/**
 * Runs `load` (memoize it with useCallback) and again on `retry()` or when
 * it changes. Undefined `load` means "not yet": what it needs is still
 * loading, so the state stays loading. An answer that arrives after a newer
 * request started is dropped. With `refreshMs`, it also asks again in the
 * background: what is shown stays until the new answer replaces it, and a
 * failed refresh keeps the last answer (the next one tries again).
 */
export function useLoad<T>(
  load: (() => Promise<T>) | undefined,
  options: { refreshMs?: number } = {},
): LoadState<T> {
  const { refreshMs } = options;
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<LoadState<T>, 'retry'>>({
    loading: true,
  });

  useEffect(() => {
    setState({ loading: true });
    if (!load) return undefined;
    let current = true;
    load().then(
      value => {
        if (current) setState({ loading: false, value });
      },
      error => {
        if (current) {
          setState({
            loading: false,
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);

  useEffect(() => {
    if (!load || !refreshMs) return undefined;
    let current = true;
    const timer = setInterval(() => {
      load().then(
        value => {
          if (current) setState({ loading: false, value });
        },
        () => undefined,
      );
    }, refreshMs);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [load, refreshMs, attempt]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  return { ...state, retry };
}
