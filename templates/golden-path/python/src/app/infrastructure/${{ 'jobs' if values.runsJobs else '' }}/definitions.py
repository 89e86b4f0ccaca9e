"""Every job this service runs. A starter job, to show the shape: a payload
of identifiers, a handler that is safe to run twice (every job runs at least
once), a retry policy."""

from __future__ import annotations

{%- if values.ownsTables %}

import uuid

from pydantic import BaseModel, ConfigDict

from app.domain.accounts.account import LOW_BALANCE_THRESHOLD_MINOR, is_low_balance
from app.infrastructure.jobs.job_system import JobContext, JobDefinition
from app.infrastructure.postgres.account_store import AccountStore

BALANCE_THRESHOLD_CHECK = "balance_threshold_check"


class BalanceThresholdCheck(BaseModel):
    model_config = ConfigDict(frozen=True)

    account_id: uuid.UUID


def balance_threshold_check_job(accounts: AccountStore) -> JobDefinition[BalanceThresholdCheck]:
    """Enqueued after each debit: reports accounts whose balance fell below
    the low-balance threshold. It only reads: replaying it is always safe."""

    async def handle(payload: BalanceThresholdCheck, context: JobContext) -> None:
        account_id = str(payload.account_id)
        account = await accounts.get_account(account_id)
        if account is None:
            context.logger.info("balance check of an account that does not exist", accountId=account_id)
            return
        if is_low_balance(account.balance):
            # Ids and amounts only: no personal data in logs.
            context.logger.warn(
                "account balance below threshold",
                accountId=account_id,
                balance=account.balance,
                threshold=LOW_BALANCE_THRESHOLD_MINOR,
            )

    return JobDefinition(
        name=BALANCE_THRESHOLD_CHECK,
        queue="default",
        attempts=5,
        backoff_ms=1_000,
        payload=BalanceThresholdCheck,
        handle=handle,
    )


def job_definitions(*, accounts: AccountStore) -> list[JobDefinition]:
    return [balance_threshold_check_job(accounts)]
{%- else %}

import datetime

import redis.asyncio
from pydantic import BaseModel, ConfigDict, Field

from app.domain.quotes.points_quote import Tier
from app.infrastructure.jobs.job_system import JobContext, JobDefinition

POINTS_QUOTED = "points_quoted"
#: How long a day's tally is kept.
TALLY_DAYS = 35


class PointsQuoted(BaseModel):
    model_config = ConfigDict(frozen=True)

    tier: Tier
    points: int = Field(ge=0)
    day: datetime.date


def tally_key(key_prefix: str, day: datetime.date | str) -> str:
    """`<service>:points-quoted:<day>` (REDIS_NAMESPACE first, if set)."""
    return f"{key_prefix}:points-quoted:{day}"


def points_quoted_job(client: redis.asyncio.Redis, key_prefix: str) -> JobDefinition[PointsQuoted]:
    """Enqueued after each quote: adds the quoted points to a per-day,
    per-tier tally in Redis. Like every job it runs at least once, so the
    tally is a statistic, not a ledger."""

    async def handle(payload: PointsQuoted, context: JobContext) -> None:
        key = tally_key(key_prefix, payload.day)
        # One atomic step: a retry never finds the increment done but the expiry not.
        async with client.pipeline(transaction=True) as pipe:
            pipe.hincrby(key, payload.tier, payload.points)
            pipe.expire(key, TALLY_DAYS * 86_400)
            await pipe.execute()

    return JobDefinition(
        name=POINTS_QUOTED,
        queue="low",
        attempts=5,
        backoff_ms=1_000,
        payload=PointsQuoted,
        handle=handle,
    )


def job_definitions(*, client: redis.asyncio.Redis, key_prefix: str) -> list[JobDefinition]:
    return [points_quoted_job(client, key_prefix)]
{%- endif %}
