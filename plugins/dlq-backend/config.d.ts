export interface Config {
  /**
   * Dead letters of the Dramatiq task queues and of the BullMQ services
   * (plugins/dlq-backend).
   */
  deadLetters?: {
    redis?: {
      /**
       * The broker's Valkey/Redis: redis:// or rediss:// (TLS), optionally
       * with user, password and database, e.g.
       * rediss://portal:secret@valkey.example:6380/0. Unset: the routes
       * answer 503 "dead letters are not configured".
       * @visibility secret
       */
      url?: string;
      /** How long to wait for a connection before answering 503 (2000 ms). */
      connectTimeoutMs?: number;
      /** How long one command may take before answering 503 (2000 ms). */
      commandTimeoutMs?: number;
    };
    dramatiq?: {
      /** Dramatiq's key namespace (`dramatiq`). */
      namespace?: string;
      /** Queues whose dead letters are read ([critical, high, default, low, scheduled]). */
      queues?: string[];
      /** Dramatiq's dead_message_ttl: dead letters are deleted after it (604800000 ms, 7 days). */
      deadMessageTtlMs?: number;
    };
    /**
     * Links shown on each dead letter. The template may contain {messageId},
     * {actor} and {queue}; only http(s) URLs.
     */
    links?: Array<{
      title: string;
      urlTemplate: string;
    }>;
    /**
     * How much one listing may read, so that memory and time stay bounded
     * whatever the queues hold. A page examines at most `scanBudget` dead
     * letters (20000) and ends with a cursor to go on; counting with a filter
     * on content (a service's actors, an error, a text) reads at most
     * `countBudget` (100000), past which counts are lower bounds.
     */
    listing?: {
      scanBudget?: number;
      countBudget?: number;
    };
    /**
     * Pace of bulk replays and discards: dead letters per second, by default
     * (50) and at most (500), well under what Valkey and the workers take.
     */
    bulk?: {
      defaultRatePerSecond?: number;
      maxRatePerSecond?: number;
    };
    /**
     * Masking of what the dead-letter pages show. Card numbers (first 6 and
     * last 4 kept), IBANs, e-mail addresses, phone numbers and the values of
     * keys such as password, token, secret, authorization and cvv are always
     * masked; these add to them.
     */
    masking?: {
      /** More key names whose values are replaced whole (matched as words: otp matches user_otp). */
      sensitiveKeys?: string[];
      /** More patterns (JavaScript regular expressions), each keeping a few characters at its ends. */
      patterns?: Array<{
        name: string;
        regex: string;
        keepStart?: number;
        keepEnd?: number;
      }>;
    };
  };
}
