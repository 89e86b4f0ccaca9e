import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, stringifyError } from '@backstage/errors';
import { DependencyError, describeCause } from '@internal/backend-helpers';
import Redis from 'ioredis';
import { redactUrl } from '../config';

/** What messages call Valkey: by the config key that sets it. */
export const VALKEY = "Valkey 'deadLetters.redis'";

/** Which time-out ran out, by its config key. */
type Phase = 'connect' | 'command';

export interface ValkeyConnectionOptions {
  url: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  logger: LoggerService;
}

/**
 * One ioredis client for the plugin, which must never make a request hang
 * or the backend fall over when Valkey is down or slow: commands are not
 * queued while disconnected, each one has a time-out, reconnection goes on
 * in the background, and every failure to reach Valkey becomes a 503
 * DependencyError that names Valkey by its config key and says what to do;
 * the address (password hidden) and ioredis's words are its detail, for the
 * log.
 */
export class ValkeyConnection {
  readonly redis: Redis;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly logger: LoggerService;
  /** The URL without its password, for logs. */
  private readonly where: string;
  /** Valkey on this machine: the test services of a developer. */
  private readonly local: boolean;
  /** The last connection error since the last time Valkey was ready. */
  private lastError?: Error;
  private loggedError?: string;

  constructor(options: ValkeyConnectionOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.logger = options.logger;
    this.where = redactUrl(options.url);
    this.local = isLoopback(options.url);
    this.redis = new Redis(options.url, {
      // Connect on the first request, not at start-up: a portal without
      // Valkey must start and stay quiet until someone opens the tab.
      lazyConnect: true,
      // While disconnected, fail at once instead of queueing (we wait for
      // 'ready' ourselves, up to connectTimeoutMs).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      // The ready check needs INFO, which an ACL user limited to the
      // dramatiq keys may not have.
      enableReadyCheck: false,
      // Reconnect forever in the background, at most once a second.
      retryStrategy: times => Math.min(times * 200, 1000),
      // At shutdown, ioredis waits this long for a socket that may already
      // be gone (Valkey down): keep shutdown quick.
      disconnectTimeout: 200,
    });
    this.redis.on('error', (error: Error) => {
      this.lastError = error;
      // One line per distinct cause, not one per reconnection attempt.
      if (error.message !== this.loggedError) {
        this.loggedError = error.message;
        this.logger.warn(
          `Valkey (dead letters) at ${this.where}: ${error.message}; reconnecting in the background`,
        );
      }
    });
    this.redis.on('ready', () => {
      if (this.loggedError) {
        this.logger.info(`Valkey (dead letters) at ${this.where} is back`);
      }
      this.lastError = undefined;
      this.loggedError = undefined;
    });
  }

  /**
   * Runs `fn` once Valkey is ready. Not reaching it in time, a time-out or
   * an error reply becomes a 503 DependencyError; errors of our own (404,
   * 400, 503) pass through.
   */
  async run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    let phase: Phase = 'connect';
    try {
      await this.ready();
      phase = 'command';
      return await fn(this.redis);
    } catch (error) {
      if (error instanceof CustomErrorBase) throw error;
      throw this.failure(error, { phase });
    }
  }

  /**
   * A failure to use Valkey, as people can act on it: what went wrong and
   * what to do. `via` names what used it (BullMQ and its queue); `outcome`
   * says what became of the dead letter, instead of the usual advice.
   */
  failure(
    error: unknown,
    options: {
      phase: Phase;
      timeoutMs?: number;
      via?: string;
      outcome?: string;
      detail?: string;
    },
  ): DependencyError {
    const timeoutKey =
      options.phase === 'connect' ? 'connectTimeoutMs' : 'commandTimeoutMs';
    const timeoutMs =
      options.timeoutMs ??
      (options.phase === 'connect'
        ? this.connectTimeoutMs
        : this.commandTimeoutMs);
    const { problem, advice } = this.explain(error, timeoutMs, timeoutKey);
    return new DependencyError({
      dependency: options.via ? `${VALKEY} (${options.via})` : VALKEY,
      problem,
      hint: options.outcome ?? advice,
      detail: `${this.where}: ${options.detail ?? stringifyError(error)}`,
    });
  }

  private explain(
    error: unknown,
    timeoutMs: number,
    timeoutKey: string,
  ): { problem: string; advice: string } {
    const reply = replyError(error);
    if (reply) {
      return /^NOPERM/.test(reply)
        ? {
            problem: "refused a command to the portal's user",
            advice:
              "allow that user the dead-letter keys (dramatiq:*, <service>:dead-letter, bull:*) in Valkey's ACL",
          }
        : {
            problem: 'answered with an error',
            advice: "the portal's log has it under the request id",
          };
    }
    const name = (error as { name?: unknown } | undefined)?.name;
    const problem =
      name === 'MaxRetriesPerRequestError'
        ? 'closed the connection'
        : describeCause(error, timeoutMs);
    if (problem.startsWith('did not answer')) {
      return {
        problem,
        advice: `it may be overloaded or cut off from the portal; check its health, or raise deadLetters.redis.${timeoutKey}`,
      };
    }
    if (problem.startsWith('refused the portal')) {
      return {
        problem,
        advice: 'check the user and password in deadLetters.redis.url',
      };
    }
    if (problem.includes('TLS')) {
      return {
        problem,
        advice:
          "check rediss:// in deadLetters.redis.url and Valkey's certificate",
      };
    }
    if (problem === 'failed') {
      return {
        problem,
        advice: "the portal's log has it under the request id",
      };
    }
    // Refused, not found, unreachable, closed: is it there at all?
    return {
      problem,
      advice: this.local
        ? 'start the dev services with make start, or check deadLetters.redis.url'
        : 'check that Valkey is up and that deadLetters.redis.url points at it',
    };
  }

  private async ready(): Promise<void> {
    const redis = this.redis;
    if (redis.status === 'ready') return;
    if (redis.status === 'wait' || redis.status === 'end') {
      // Failures arrive as 'error' events; retries follow retryStrategy.
      redis.connect().catch(() => {});
    }
    await new Promise<void>((resolve, reject) => {
      const wait: { timer?: ReturnType<typeof setTimeout> } = {};
      const onReady = () => {
        clearTimeout(wait.timer);
        resolve();
      };
      wait.timer = setTimeout(() => {
        redis.off('ready', onReady);
        // The last connection error says why (refused, not found…); none
        // yet means nothing answered in time.
        reject(
          this.lastError ??
            Object.assign(
              new Error(`no connection within ${this.connectTimeoutMs} ms`),
              { name: 'TimeoutError' },
            ),
        );
      }, this.connectTimeoutMs);
      redis.once('ready', onReady);
    });
  }

  /**
   * A second client with the same URL and time-outs, for BullMQ, which
   * wants `maxRetriesPerRequest: null` and its offline queue on its own
   * connection. Its errors are logged with this client's (one line per cause).
   */
  duplicateForBullmq(): Redis {
    const client = this.redis.duplicate({
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      lazyConnect: true,
    });
    client.on('error', (error: Error) => {
      if (error.message !== this.loggedError) {
        this.loggedError = error.message;
        this.logger.warn(
          `Valkey (BullMQ dead letters) at ${this.where}: ${error.message}; reconnecting in the background`,
        );
      }
    });
    return client;
  }

  close() {
    this.redis.disconnect();
  }
}

/** The reply of an error Valkey answered with (ioredis's ReplyError). */
function replyError(error: unknown): string | undefined {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  return e?.name === 'ReplyError' && typeof e.message === 'string'
    ? e.message
    : undefined;
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return ['localhost', '[::1]', '::1'].includes(host) || /^127\./.test(host);
  } catch {
    return false;
  }
}
