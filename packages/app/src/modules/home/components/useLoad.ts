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
 * request started is dropped.
 */
export function useLoad<T>(load: (() => Promise<T>) | undefined): LoadState<T> {
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

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  return { ...state, retry };
}
