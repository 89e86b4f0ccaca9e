import type { FastifyInstance } from 'fastify';
import { canPost, canRead, ownerForNewAccount, SCOPES } from '../../domain/accounts/access';
import type { Rejection, TransactionRequest } from '../../domain/accounts/account';
import { requestFingerprint } from '../../domain/accounts/idempotency';
import type { AccountStore, PostOutcome, StoredResponse } from '../../infrastructure/postgres/account-store';
{%- if values.runsJobs %}
import { BALANCE_THRESHOLD_CHECK } from '../../infrastructure/jobs/definitions';
import type { JobSystem } from '../../infrastructure/jobs/job-system';
{%- endif %}
import { hasScope } from '../auth';
import { routeSchema, toFastifyPath, type OpenApiDocument } from '../openapi';
import { problem, PROBLEM_CONTENT_TYPE, sendProblem } from '../problems';

export interface AccountRoutesDependencies {
  openapi: OpenApiDocument;
  accounts: AccountStore;
{%- if values.runsJobs %}
  jobs: JobSystem;
{%- endif %}
}

/** The HTTP answer to each refusal of the domain. */
const REJECTIONS: Record<Rejection, { status: number; title: string }> = {
  'insufficient-funds': { status: 422, title: 'The balance is too low for this debit' },
  'currency-mismatch': { status: 422, title: "The transaction's currency is not the account's" },
  'balance-limit-exceeded': { status: 422, title: 'The balance would exceed the largest allowed' },
  'invalid-amount': { status: 400, title: 'The amount must be a positive whole number of minor units' },
  'invalid-currency': { status: 400, title: 'The currency must be an ISO 4217 code' },
};

export function toResponse(outcome: PostOutcome): StoredResponse {
  switch (outcome.kind) {
    case 'posted':
      return { status: 201, body: outcome.transaction };
    case 'account-not-found':
      return { status: 404, body: problem(404, 'account-not-found', 'No such account') };
    case 'rejected': {
      const { status, title } = REJECTIONS[outcome.reason];
      return { status, body: problem(status, outcome.reason, title) };
    }
  }
}

const forbidden = (reason: string) => problem(403, 'forbidden', reason);

/**
 * The account routes. Every request arrives authenticated (request.principal,
 * see auth.ts); what the caller may do with an account is decided by
 * domain/accounts/access.ts before anything is read or written for them.
 */
export function accountRoutes(app: FastifyInstance, deps: AccountRoutesDependencies): void {
  const schemaOf = (method: 'get' | 'post', path: string) => routeSchema(deps.openapi, method, path);

  app.post<{ Body: { currency: string; ownerId?: string } }>(
    toFastifyPath('/v1/accounts'),
    { schema: schemaOf('post', '/v1/accounts') },
    async (request, reply) => {
      const owner = ownerForNewAccount(request.principal, request.body.ownerId);
      if (!owner.ok) {
        return sendProblem(
          reply,
          owner.status === 403 ? forbidden(owner.reason) : problem(400, 'owner-required', owner.reason),
        );
      }
      const account = await deps.accounts.createAccount({ ownerId: owner.ownerId, currency: request.body.currency });
      return reply.code(201).header('location', `/v1/accounts/${account.id}`).send(account);
    },
  );

  app.get<{ Params: { accountId: string } }>(
    toFastifyPath('/v1/accounts/{accountId}'),
    { schema: schemaOf('get', '/v1/accounts/{accountId}') },
    async (request, reply) => {
      const account = await deps.accounts.getAccount(request.params.accountId);
      if (!account) return sendProblem(reply, problem(404, 'account-not-found', 'No such account'));
      const access = canRead(request.principal, account.ownerId);
      if (!access.allowed) return sendProblem(reply, forbidden(access.reason));
      return account;
    },
  );

  app.post<{ Params: { accountId: string }; Headers: { 'idempotency-key': string }; Body: TransactionRequest }>(
    toFastifyPath('/v1/accounts/{accountId}/transactions'),
    { schema: schemaOf('post', '/v1/accounts/{accountId}/transactions') },
    async (request, reply) => {
      const { accountId } = request.params;
      const idempotencyKey = request.headers['idempotency-key'];
      if (!hasScope(request.principal, SCOPES.write)) {
        // A member (or a read-only service): checked against the account's
        // owner before the key is claimed, so a refusal stores nothing.
        const ownerId = await deps.accounts.ownerOf(accountId);
        if (ownerId === undefined) return sendProblem(reply, problem(404, 'account-not-found', 'No such account'));
        const access = canPost(request.principal, request.body.type, ownerId);
        if (!access.allowed) return sendProblem(reply, forbidden(access.reason));
      }
      const fingerprint = requestFingerprint('POST', `/v1/accounts/${accountId}/transactions`, request.body);

      const result = await deps.accounts.postTransaction(
        { accountId, request: request.body, idempotencyKey, fingerprint },
        toResponse,
      );

      if (result.kind === 'key-reused') {
        return sendProblem(
          reply,
          problem(
            422,
            'idempotency-key-reused',
            'This Idempotency-Key was already used for a different request',
            'Use a new key for a new operation; resend the same body to retry the earlier one.',
          ),
        );
      }
      if (result.kind === 'replay') reply.header('idempotent-replayed', 'true');
{%- if values.runsJobs %}
      if (result.kind === 'fresh' && result.outcome.kind === 'posted' && result.outcome.transaction.type === 'debit') {
        const { transaction } = result.outcome;
        // After the commit, not in it: the balance change stands even if Redis
        // is down; the job id makes a repeated enqueue a no-op.
        await deps.jobs
          .enqueue(BALANCE_THRESHOLD_CHECK, { accountId }, { jobId: `btc-${transaction.id}` })
          .catch(error => request.log.warn({ err: error }, 'could not enqueue balance-threshold-check'));
      }
{%- endif %}
      // A replay's body is the stored JSON text, sent as is.
      const { status, body } = result.response;
      return reply
        .code(status)
        .type(status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json')
        .send(body);
    },
  );
}
