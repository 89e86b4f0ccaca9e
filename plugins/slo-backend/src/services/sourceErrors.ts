import { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  DependencyError,
  ErrorSettings,
  isDependencyError,
  publicMessage,
} from '@internal/backend-helpers';
import { SloServerError } from '@internal/plugin-slo-common';

const PLUGIN_ID = 'slo';

/**
 * How a Prometheus server (or a whole source) that failed while others
 * answered is reported inside a 200 answer: with the same words an error
 * answer would have (publicMessage: no address, no driver message in
 * production), the detail in the log.
 */
export class SourceErrors {
  constructor(
    private readonly options: {
      /** localPlus.errors; production (no detail) when unset. */
      settings?: ErrorSettings;
      logger?: LoggerService;
    } = {},
  ) {}

  serverError(server: string, error: unknown): SloServerError {
    const detail =
      isDependencyError(error) && error.detail ? ` (${error.detail})` : '';
    this.options.logger?.warn(
      `SLOs answered without ${server}: ${stringifyError(error)}${detail}`,
    );
    return {
      server,
      message: publicMessage(error, {
        exposeDetails: this.options.settings?.exposeDetails ?? false,
        pluginId: PLUGIN_ID,
      }),
    };
  }
}

/**
 * Every configured server failed: an error answer (503). One server: its
 * own error. Several: one DependencyError naming each, whose detail holds
 * all of theirs.
 */
export function everyServerFailed(
  failures: { server: string; error: unknown }[],
): Error {
  const [first] = failures;
  if (failures.length === 1 && isDependencyError(first.error)) {
    return first.error;
  }
  const words = (error: unknown) =>
    publicMessage(error, { exposeDetails: false, pluginId: PLUGIN_ID });
  return new DependencyError({
    dependency:
      failures.length === 1
        ? `Prometheus '${first.server}'`
        : `None of the ${failures.length} Prometheus servers`,
    problem: failures.length === 1 ? 'failed' : 'answered',
    hint: failures.map(f => words(f.error)).join('; '),
    detail: failures
      .map(
        f =>
          `${f.server}: ${
            isDependencyError(f.error) && f.error.detail
              ? f.error.detail
              : stringifyError(f.error)
          }`,
      )
      .join('; '),
  });
}
