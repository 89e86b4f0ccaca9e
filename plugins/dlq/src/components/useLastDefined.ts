import { useRef } from 'react';

/**
 * The last value that was set: a closing dialog keeps showing what it was
 * about while it fades out, instead of collapsing to an empty box.
 */
export function useLastDefined<T>(value: T | undefined): T | undefined {
  const last = useRef(value);
  if (value !== undefined) last.current = value;
  return last.current;
}
