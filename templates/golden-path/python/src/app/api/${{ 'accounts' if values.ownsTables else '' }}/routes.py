"""The account routes. Every request arrives authenticated (the router's
Authenticator, see server.py); what the caller may do with an account is
decided by domain/accounts/access.py before anything is read or written for
them."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app.api.auth import Principal, has_scope
from app.api.openapi import Document, OperationValidator
from app.api.problems import PROBLEM_CONTENT_TYPE, ProblemError, json_response, problem, to_json
from app.domain.accounts.access import SCOPES, NoOwner, can_post, can_read, owner_for_new_account
from app.domain.accounts.account import Rejection, TransactionRequest
from app.domain.accounts.idempotency import request_fingerprint
{%- if values.runsJobs %}
from app.infrastructure.jobs.definitions import BALANCE_THRESHOLD_CHECK
from app.infrastructure.jobs.job_system import JobSystem
from app.infrastructure.logger import Logger
{%- endif %}
from app.infrastructure.postgres.account_store import (
    AccountNotFound,
    AccountStore,
{%- if values.runsJobs %}
    Fresh,
{%- endif %}
    KeyReusedResult,
    Posted,
    PostOutcome,
    PostTransactionInput,
    Replayed,
    StoredResponse,
)

#: The HTTP answer to each refusal of the domain.
REJECTIONS: dict[Rejection, tuple[int, str]] = {
    "insufficient-funds": (422, "The balance is too low for this debit"),
    "currency-mismatch": (422, "The transaction's currency is not the account's"),
    "balance-limit-exceeded": (422, "The balance would exceed the largest allowed"),
    "invalid-amount": (400, "The amount must be a positive whole number of minor units"),
    "invalid-currency": (400, "The currency must be an ISO 4217 code"),
}


def to_response(outcome: PostOutcome) -> StoredResponse:
    """The HTTP response to an outcome, as stored for replays: status and exact JSON text."""
    if isinstance(outcome, Posted):
        return StoredResponse(201, to_json(outcome.transaction.to_json()))
    if isinstance(outcome, AccountNotFound):
        return StoredResponse(404, to_json(problem(404, "account-not-found", "No such account")))
    status, title = REJECTIONS[outcome.reason]
    return StoredResponse(status, to_json(problem(status, outcome.reason, title)))


def _forbidden(reason: str) -> ProblemError:
    return ProblemError(problem(403, "forbidden", reason))


def _not_found() -> ProblemError:
    return ProblemError(problem(404, "account-not-found", "No such account"))


def _caller(request: Request) -> Principal:
    return request.state.principal


def account_routes(
    router: APIRouter,
    *,
    openapi: Document,
    accounts: AccountStore,
{%- if values.runsJobs %}
    jobs: JobSystem,
    logger: Logger,
{%- endif %}
) -> None:
    open_account = OperationValidator(openapi, "post", "/v1/accounts")
    read_account = OperationValidator(openapi, "get", "/v1/accounts/{accountId}")
    post_transaction = OperationValidator(openapi, "post", "/v1/accounts/{accountId}/transactions")

    async def create(request: Request) -> Response:
        _, body, _ = await open_account(request)
        owner = owner_for_new_account(_caller(request), body.get("ownerId"))
        if isinstance(owner, NoOwner):
            raise (
                _forbidden(owner.reason)
                if owner.status == 403
                else ProblemError(problem(400, "owner-required", owner.reason))
            )
        account = await accounts.create_account(owner_id=owner.owner_id, currency=body["currency"])
        return json_response(201, account.to_json(), headers={"location": f"/v1/accounts/{account.id}"})

    async def read(request: Request) -> Response:
        params, _, _ = await read_account(request)
        account = await accounts.get_account(params["accountId"])
        if account is None:
            raise _not_found()
        access = can_read(_caller(request), account.owner_id)
        if not access.allowed:
            raise _forbidden(access.reason)
        return json_response(200, account.to_json())

    async def post(request: Request) -> Response:
        params, body, headers = await post_transaction(request)
        account_id = params["accountId"]
        transaction = TransactionRequest(
            type=body["type"], amount=body["amount"], currency=body["currency"], reference=body["reference"]
        )
        caller = _caller(request)
        if not has_scope(caller, SCOPES.write):
            # A member (or a read-only service): checked against the account's
            # owner before the key is claimed, so a refusal stores nothing.
            owner_id = await accounts.owner_of(account_id)
            if owner_id is None:
                raise _not_found()
            access = can_post(caller, transaction.type, owner_id)
            if not access.allowed:
                raise _forbidden(access.reason)
        fingerprint = request_fingerprint("POST", f"/v1/accounts/{account_id}/transactions", body)

        result = await accounts.post_transaction(
            PostTransactionInput(
                account_id=account_id,
                request=transaction,
                idempotency_key=headers["idempotency-key"],
                fingerprint=fingerprint,
            ),
            to_response,
        )
        if isinstance(result, KeyReusedResult):
            raise ProblemError(
                problem(
                    422,
                    "idempotency-key-reused",
                    "This Idempotency-Key was already used for a different request",
                    "Use a new key for a new operation; resend the same body to retry the earlier one.",
                )
            )
{%- if values.runsJobs %}
        if (
            isinstance(result, Fresh)
            and isinstance(result.outcome, Posted)
            and result.outcome.transaction.type == "debit"
        ):
            # After the commit, not in it: the balance change stands even if
            # Redis is down (the failure is logged); a replay enqueues nothing.
            try:
                await jobs.enqueue(BALANCE_THRESHOLD_CHECK, {"account_id": account_id})
            except Exception as error:
                logger.warn(
                    "could not enqueue a job", err=error, job=BALANCE_THRESHOLD_CHECK, reqId=request.state.request_id
                )
{%- endif %}
        # A replay's body is the stored JSON text, sent as it is.
        status, text = result.response.status, result.response.body
        return json_response(
            status,
            text,
            media_type=PROBLEM_CONTENT_TYPE if status >= 400 else "application/json",
            headers={"idempotent-replayed": "true"} if isinstance(result, Replayed) else None,
        )

    router.add_api_route("/v1/accounts", create, methods=["POST"])
    router.add_api_route("/v1/accounts/{accountId}", read, methods=["GET"])
    router.add_api_route("/v1/accounts/{accountId}/transactions", post, methods=["POST"])
