import { ServiceUnavailableError } from '@backstage/errors';

/**
 * A system the portal reads failed: Prometheus, Valkey, a database, a
 * cluster. The message is written for the people using the portal: the
 * dependency by the name it has in the portal's config, what went wrong in
 * plain words and, where it is known, what to do. It never holds an
 * address or a driver's message; those go to `detail`, which is logged
 * under the request id and shown only where details are exposed
 * (development).
 *
 * @example
 * new DependencyError({
 *   dependency: "Prometheus 'platform'",
 *   problem: 'did not answer within 5 s',
 *   hint: 'check slo.prometheus in the portal config',
 *   detail: `GET ${url}: ${error}`,
 * })
 */
export class DependencyError extends ServiceUnavailableError {
  /** What the dependency is called in messages, e.g. "Prometheus 'local'". */
  readonly dependency!: string;
  /** Internal detail for the log: addresses, driver messages. Never sent. */
  readonly detail?: string;

  constructor(options: {
    dependency: string;
    problem: string;
    hint?: string;
    detail?: string;
  }) {
    const { dependency, problem, hint } = options;
    super(`${dependency} ${problem}${hint ? `: ${hint}` : ''}`);
    // Kept out of JSON: Backstage serialises an error's own enumerable
    // properties into the response body.
    Object.defineProperty(this, 'dependency', {
      value: dependency,
      enumerable: false,
    });
    Object.defineProperty(this, 'detail', {
      value: options.detail,
      enumerable: false,
    });
    // Backstage maps the name to the status code (503).
    this.name = 'ServiceUnavailableError';
  }
}

/** Whether `error` is a DependencyError (also across package copies). */
export function isDependencyError(error: unknown): error is DependencyError {
  return (
    error instanceof DependencyError ||
    (typeof error === 'object' &&
      error !== null &&
      typeof (error as DependencyError).dependency === 'string' &&
      (error as Error).name === 'ServiceUnavailableError')
  );
}
