import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, ServiceUnavailableError } from '@backstage/errors';
import Redis from 'ioredis';
import { redactUrl } from '../config';

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
 * in the background, and every failure to reach Valkey becomes a 503.
 */
export class ValkeyConnection {
  readonly redis: Redis;
  private readonly connectTimeoutMs: number;
  private readonly logger: LoggerService;
  private readonly where: string;
  /** The last connection error since the last time Valkey was ready. */
  private lastError?: Error;
  private loggedError?: string;

  constructor(options: ValkeyConnectionOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.logger = options.logger;
    this.where = redactUrl(options.url);
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
   * an error reply becomes a 503; errors of our own (404, 400) pass through.
   */
  async run<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      await this.ready();
      return await fn(this.redis);
    } catch (error) {
      if (error instanceof CustomErrorBase) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ServiceUnavailableError(
        `Valkey (dead letters) could not be reached: ${message}`,
      );
    }
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
        reject(
          new Error(
            this.lastError?.message ??
              `no connection within ${this.connectTimeoutMs} ms`,
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
