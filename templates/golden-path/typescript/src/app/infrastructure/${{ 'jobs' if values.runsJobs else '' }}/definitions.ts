import { z } from 'zod';
{%- if values.ownsTables %}
import { isLowBalance, LOW_BALANCE_THRESHOLD_MINOR } from '../../domain/accounts/account';
import type { AccountStore } from '../postgres/account-store';
{%- else %}
import type { Redis } from 'ioredis';
import { TIERS } from '../../domain/quotes/points-quote';
{%- endif %}
import type { JobDefinition } from './job-system';
{%- if values.ownsTables %}

export const BALANCE_THRESHOLD_CHECK = 'balance-threshold-check';

const balanceThresholdCheck = z.object({ accountId: z.uuid() });

/**
 * Enqueued after each debit: reports accounts whose balance fell below the
 * low-balance threshold. A starter job, to show the shape: a payload of ids,
 * a handler that is safe to run twice, a retry policy.
 */
export function balanceThresholdCheckJob(accounts: AccountStore): JobDefinition<z.infer<typeof balanceThresholdCheck>> {
  return {
    name: BALANCE_THRESHOLD_CHECK,
    queue: 'default',
    attempts: 5,
    backoffMs: 1_000,
    schema: balanceThresholdCheck,
    async handle({ accountId }, { logger }) {
      const account = await accounts.getAccount(accountId);
      if (!account) return { accountId, checked: false };
      const low = isLowBalance(account.balance);
      if (low) {
        // Ids and amounts only: no personal data in logs.
        logger.warn(
          { accountId, balance: account.balance, threshold: LOW_BALANCE_THRESHOLD_MINOR },
          'account balance below threshold',
        );
      }
      return { accountId, checked: true, balance: account.balance, low };
    },
  };
}

export interface JobDependencies {
  accounts: AccountStore;
}

/** Every job this service runs. */
export function jobDefinitions(deps: JobDependencies): JobDefinition[] {
  return [balanceThresholdCheckJob(deps.accounts)];
}
{%- else %}

export const POINTS_QUOTED = 'points-quoted';

const pointsQuoted = z.object({
  tier: z.enum(TIERS),
  points: z.number().int().min(0),
  day: z.iso.date(),
});

/**
 * Enqueued after each quote: adds the quoted points to a per-day, per-tier
 * tally in Redis (`<service>:points-quoted:<day>`). A starter job, to show the
 * shape: a payload without personal data, a retry policy, a result. Like
 * every job it runs at least once, so the tally is a statistic, not a ledger.
 */
export function pointsQuotedJob(redis: Redis, keyPrefix: string): JobDefinition<z.infer<typeof pointsQuoted>> {
  return {
    name: POINTS_QUOTED,
    queue: 'low',
    attempts: 5,
    backoffMs: 1_000,
    schema: pointsQuoted,
    async handle({ tier, points, day }) {
      const key = `${keyPrefix}:points-quoted:${day}`;
      // One atomic step: a retry never finds the increment done but the expiry not.
      const results = await redis.multi().hincrby(key, tier, points).expire(key, 35 * 24 * 3_600).exec();
      const [error, total] = results?.[0] ?? [new Error('transaction discarded'), null];
      if (error) throw error;
      return { day, tier, total: Number(total) };
    },
  };
}

export interface JobDependencies {
  redis: Redis;
  /** `<namespace:>service`, as for the dead-letter hash. */
  keyPrefix: string;
}

/** Every job this service runs. */
export function jobDefinitions(deps: JobDependencies): JobDefinition[] {
  return [pointsQuotedJob(deps.redis, deps.keyPrefix)];
}
{%- endif %}
