import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { isError, stringifyError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import { ErrorRequestHandler } from 'express';
import { isDependencyError } from './DependencyError';

/** How much of an error may leave the backend. */
export interface ErrorSettings {
  /**
   * true in development: answers keep their detail. false in production:
   * a 5xx answer carries a message written for users and a request id;
   * the detail is in the log under that id.
   */
  exposeDetails: boolean;
}

/** `localPlus.errors.exposeDetails`, false when unset. */
export function readErrorSettings(config: RootConfigService): ErrorSettings {
  return {
    exposeDetails:
      config.getOptionalBoolean('localPlus.errors.exposeDetails') ?? false,
  };
}

/** The status Backstage's error handler will answer with. */
export function statusOf(error: unknown): number {
  const e = error as { statusCode?: unknown; status?: unknown; name?: unknown };
  for (const value of [e?.statusCode, e?.status]) {
    if (typeof value === 'number' && value >= 100 && value <= 599) return value;
  }
  switch (e?.name) {
    case 'NotModifiedError':
      return 304;
    case 'InputError':
      return 400;
    case 'AuthenticationError':
      return 401;
    case 'NotAllowedError':
      return 403;
    case 'NotFoundError':
      return 404;
    case 'ConflictError':
      return 409;
    case 'NotImplementedError':
      return 501;
    case 'ServiceUnavailableError':
      return 503;
    default:
      return 500;
  }
}

const ADDRESS_PATTERNS: RegExp[] = [
  // URLs of any scheme (http, redis, postgres…), credentials included.
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>)]+/gi,
  // IPv4 addresses, with a port or not.
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g,
  // host:port
  /\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*:\d{2,5}\b/gi,
];

/** The message without addresses: the last guard before an answer leaves. */
export function withoutAddresses(message: string): string {
  return ADDRESS_PATTERNS.reduce(
    (text, pattern) => text.replace(pattern, '(address hidden)'),
    message,
  );
}

/** A short id that ties an answer to its log line. */
export function newRequestId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * What users may read of `error`. Dependency errors are written for them;
 * other 503/501 messages are ours too, but lose any address in production;
 * anything else (a driver's error, a bug) is replaced in production by a
 * sentence naming the plugin. Used for answers (errorBoundary) and for
 * errors carried inside a 200 answer (an SLO source that failed).
 */
export function publicMessage(
  error: unknown,
  options: ErrorSettings & { pluginId: string },
): string {
  if (options.exposeDetails) {
    const message = isError(error) ? error.message : stringifyError(error);
    const detail = isDependencyError(error) ? error.detail : undefined;
    return detail ? `${message} (${detail})` : message;
  }
  const message = ownMessage(error);
  if (isDependencyError(error)) return withoutAddresses(message);
  const status = statusOf(error);
  if (status < 500 || status === 503 || status === 501) {
    return withoutAddresses(message);
  }
  return `The ${options.pluginId} plugin failed unexpectedly`;
}

/**
 * The last middleware of a plugin's router. Client errors (4xx) pass as
 * they are: their messages are about the request. For server errors it
 * logs everything under a request id and answers with what users may read
 * (publicMessage) and that id, never a stack, a cause or an address in
 * production.
 */
export function errorBoundary(options: {
  logger: LoggerService;
  settings: ErrorSettings;
  pluginId: string;
}): ErrorRequestHandler {
  const { logger, settings, pluginId } = options;
  return (error, req, _res, next) => {
    const status = statusOf(error);
    if (status < 500) {
      next(settings.exposeDetails ? error : bare(error, ownMessage(error)));
      return;
    }
    const requestId = newRequestId();
    const detail = isDependencyError(error) ? ` (${error.detail})` : '';
    logger.error(
      `${req.method} ${
        req.originalUrl
      } failed with ${status}, request id ${requestId}: ${stringifyError(
        error,
      )}${detail}`,
      isError(error) ? error : undefined,
    );
    const message = `${publicMessage(error, {
      ...settings,
      pluginId,
    })} (request id ${requestId})`;
    next(
      settings.exposeDetails ? detailed(error, message) : bare(error, message),
    );
  };
}

/**
 * The error's message without the "; caused by …" that @backstage/errors
 * appends from its cause: the cause is a driver's or a library's words.
 */
function ownMessage(error: unknown): string {
  const message = isError(error) ? error.message : stringifyError(error);
  const cut = message.indexOf('; caused by ');
  return cut === -1 ? message : message.slice(0, cut);
}

/**
 * A copy of the error with a new message, its stack and cause kept
 * (development): the thrown error itself may be cached and thrown again.
 */
function detailed(error: unknown, message: string): Error {
  const copy = bare(error, message);
  if (isError(error)) {
    copy.stack = error.stack;
    if (error.cause !== undefined) copy.cause = error.cause;
  }
  return copy;
}

/** A new error with the same name and status, and nothing else. */
function bare(error: unknown, message: string): Error {
  const copy = new Error(message);
  copy.name = isError(error) ? error.name : 'Error';
  const status = statusOf(error);
  if (status === 500 || !isError(error)) copy.name = 'Error';
  Object.defineProperty(copy, 'statusCode', {
    value: status,
    enumerable: false,
  });
  delete copy.stack;
  return copy;
}
