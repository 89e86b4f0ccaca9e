import { ResponseError } from '@backstage/errors';

/** The HTTP status of a failed backend call, if it was one. */
export function statusOf(error: unknown): number | undefined {
  return ResponseError.is(error) ? error.statusCode : undefined;
}

/**
 * What the backend said, rather than "Request failed with 503": its own
 * words name what failed and what to do ("Prometheus 'prod' did not answer
 * within 5 s: …", with a request id).
 */
export function messageOf(error: unknown): string {
  if (ResponseError.is(error)) {
    return error.cause.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
