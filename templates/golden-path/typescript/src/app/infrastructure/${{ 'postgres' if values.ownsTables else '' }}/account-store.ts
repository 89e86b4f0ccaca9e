import { randomUUID } from 'node:crypto';
import {
  decideTransaction,
  type Rejection,
  type TransactionRequest,
  type TransactionType,
} from '../../domain/accounts/account';
import { decideReplay } from '../../domain/accounts/idempotency';
{%- if values.publishesEvents %}
import { accountOpened, transactionPosted } from '../../domain/events/account-events';
import { appendToOutbox, outboxValues } from '../outbox/outbox-writer';
{%- endif %}
import { withTransaction, type Pool, type PoolClient } from './pool';
import { SCHEMA } from './sql';

export interface Account {
  id: string;
  /** The member it belongs to: the `sub` of their tokens. */
  ownerId: string;
  currency: string;
  balance: number;
  createdAt: string;
  updatedAt: string;
}

export interface Transaction {
  id: string;
  accountId: string;
  type: TransactionType;
  amount: number;
  currency: string;
  reference: string;
  balanceAfter: number;
  createdAt: string;
}

/** What posting a transaction led to, before it is turned into an HTTP response. */
export type PostOutcome =
  | { kind: 'posted'; transaction: Transaction }
  | { kind: 'account-not-found' }
  | { kind: 'rejected'; reason: Rejection };

export interface StoredResponse {
  status: number;
  /** A value to serialise as JSON, or (for a replay) the exact JSON text sent the first time. */
  body: unknown;
}

export type PostResult =
  /** First time this key was seen: the outcome and the response that was stored for it. */
  | { kind: 'fresh'; outcome: PostOutcome; response: StoredResponse }
  /** The key was used before with the same request: its first response. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used before with a different request. */
  | { kind: 'key-reused' };

export interface PostTransactionInput {
  accountId: string;
  request: TransactionRequest;
  idempotencyKey: string;
  /** requestFingerprint() of the HTTP request the key came with. */
  fingerprint: string;
}

interface AccountRow {
  id: string;
  owner_id: string;
  currency: string;
  balance_minor: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Accounts in PostgreSQL. Every balance change runs in one transaction that
 * (1) claims the Idempotency-Key, (2) locks the account row with
 * SELECT ... FOR UPDATE, (3) writes the new balance and the transaction row{% if values.publishesEvents %},
 * adds the event to the outbox{% endif %} and stores the response for replays, in one
 * statement. Concurrent requests on one account queue on the row lock, so
 * none can overdraw it; a retried request waits for the first to finish,
 * then gets its response.
 *
 * Five round trips to PostgreSQL (BEGIN, claim, lock, write, COMMIT): each
 * one costs the service more CPU than the database's own work, so the
 * changes decided in (3) go together. The transaction's id is made here and
 * its time is the transaction's now(), read with the lock: the response is
 * complete before the write is sent.
 */
export class AccountStore {
  constructor(private readonly pool: Pool) {}

  async createAccount(input: { ownerId: string; currency: string }): Promise<Account> {
    return withTransaction(this.pool, async client => {
      const { rows } = await client.query<AccountRow>(
        `INSERT INTO ${SCHEMA}.accounts (owner_id, currency) VALUES ($1, $2)
         RETURNING id, owner_id, currency, balance_minor, created_at, updated_at`,
        [input.ownerId, input.currency],
      );
      const account = toAccount(rows[0]!);
{%- if values.publishesEvents %}
      await appendToOutbox(client, accountOpened(account));
{%- endif %}
      return account;
    });
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<AccountRow>(
      `SELECT id, owner_id, currency, balance_minor, created_at, updated_at FROM ${SCHEMA}.accounts WHERE id = $1`,
      [id],
    );
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  /** Who an account belongs to (undefined: no such account); owners never change. */
  async ownerOf(id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ owner_id: string }>(
      `SELECT owner_id FROM ${SCHEMA}.accounts WHERE id = $1`,
      [id],
    );
    return rows[0]?.owner_id;
  }

  /**
   * Posts a credit or debit exactly once per Idempotency-Key. `toResponse`
   * turns the outcome into the HTTP response that is stored, in the same
   * transaction, and replayed to every retry with the same key.
   */
  async postTransaction(
    input: PostTransactionInput,
    toResponse: (outcome: PostOutcome) => StoredResponse,
  ): Promise<PostResult> {
    return withTransaction(this.pool, async client => {
      // Claim the key. If another transaction holds it, this INSERT waits for
      // that one to commit (then conflicts) or roll back (then succeeds).
      const claimed = await client.query(
        `INSERT INTO ${SCHEMA}.idempotency_keys (key, request_fingerprint) VALUES ($1, $2)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [input.idempotencyKey, input.fingerprint],
      );
      if (claimed.rowCount === 0) return this.previousResponse(client, input);

      return this.applyTransaction(client, input, toResponse);
    });
  }

  /** Forgets keys older than the replay window; run periodically. */
  async pruneIdempotencyKeys(olderThanHours: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM ${SCHEMA}.idempotency_keys
        WHERE created_at < now() - make_interval(hours => $1) AND response_status IS NOT NULL`,
      [olderThanHours],
    );
    return result.rowCount ?? 0;
  }

  private async applyTransaction(
    client: PoolClient,
    input: PostTransactionInput,
    toResponse: (outcome: PostOutcome) => StoredResponse,
  ): Promise<PostResult> {
    // The row lock serialises every balance change on this account until COMMIT.
    const { rows } = await client.query<AccountRow & { now: Date }>(
      `SELECT id, owner_id, currency, balance_minor, created_at, updated_at, now() AS now
         FROM ${SCHEMA}.accounts WHERE id = $1 FOR UPDATE`,
      [input.accountId],
    );
    const row = rows[0];
    if (!row) return this.refuse(client, input, toResponse, { kind: 'account-not-found' });
    const decision = decideTransaction({ balance: row.balance_minor, currency: row.currency }, input.request);
    if (!decision.ok) return this.refuse(client, input, toResponse, { kind: 'rejected', reason: decision.reason });

    const transaction: Transaction = {
      id: randomUUID(),
      accountId: row.id,
      type: input.request.type,
      amount: input.request.amount,
      currency: input.request.currency,
      reference: input.request.reference,
      balanceAfter: decision.balanceAfter,
      // The column's default, now(), is the transaction's start time: this one.
      createdAt: row.now.toISOString(),
    };
    const outcome: PostOutcome = { kind: 'posted', transaction };
    const response = toResponse(outcome);
    await client.query(
      `WITH balance AS (
         UPDATE ${SCHEMA}.accounts SET balance_minor = $2, updated_at = now() WHERE id = $1
       ), posted AS (
         INSERT INTO ${SCHEMA}.account_transactions
           (id, account_id, type, amount_minor, currency, reference, balance_after_minor, idempotency_key)
         VALUES ($3, $1, $4, $5, $6, $7, $2, $8)
{%- if values.publishesEvents %}
       ), event AS (
         INSERT INTO ${SCHEMA}.outbox (aggregate_type, aggregate_id, event_type, payload, traceparent)
         VALUES ($11, $12, $13, $14, $15)
{%- endif %}
       )
       UPDATE ${SCHEMA}.idempotency_keys SET response_status = $9, response_body = $10 WHERE key = $8`,
      [
        row.id,
        decision.balanceAfter,
        transaction.id,
        transaction.type,
        transaction.amount,
        transaction.currency,
        transaction.reference,
        input.idempotencyKey,
        response.status,
        JSON.stringify(response.body),
{%- if values.publishesEvents %}
        ...outboxValues(transactionPosted(transaction)),
{%- endif %}
      ],
    );
    return { kind: 'fresh', outcome, response };
  }

  /** A refusal is an answer too: stored with the key, so a retry gets it again. */
  private async refuse(
    client: PoolClient,
    input: PostTransactionInput,
    toResponse: (outcome: PostOutcome) => StoredResponse,
    outcome: PostOutcome,
  ): Promise<PostResult> {
    const response = toResponse(outcome);
    await client.query(
      `UPDATE ${SCHEMA}.idempotency_keys SET response_status = $2, response_body = $3 WHERE key = $1`,
      [input.idempotencyKey, response.status, JSON.stringify(response.body)],
    );
    return { kind: 'fresh', outcome, response };
  }

  private async previousResponse(client: PoolClient, input: PostTransactionInput): Promise<PostResult> {
    const { rows } = await client.query<{
      request_fingerprint: string;
      response_status: number | null;
      response_body: string | null;
    }>(`SELECT request_fingerprint, response_status, response_body FROM ${SCHEMA}.idempotency_keys WHERE key = $1`, [
      input.idempotencyKey,
    ]);
    const row = rows[0];
    if (!row || row.response_status === null) {
      // Only possible if the key was pruned between the INSERT and this
      // SELECT; the client's retry will then be treated as new.
      throw new Error('Idempotency key vanished while it was being read; retry the request');
    }
    const decision = decideReplay(
      { fingerprint: row.request_fingerprint, status: row.response_status, body: row.response_body },
      input.fingerprint,
    );
    return decision.kind === 'replay'
      ? { kind: 'replay', response: { status: decision.status, body: decision.body } }
      : { kind: 'key-reused' };
  }
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    ownerId: row.owner_id,
    currency: row.currency,
    balance: row.balance_minor,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
