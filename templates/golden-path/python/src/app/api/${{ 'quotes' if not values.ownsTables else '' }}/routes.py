"""The quote routes. Every request arrives authenticated (the router's
Authenticator, see server.py)."""

from __future__ import annotations
{% if values.runsJobs %}
import datetime
{% endif %}
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app.api.openapi import Document, OperationValidator
from app.api.problems import ProblemError, json_response, problem
from app.domain.quotes.points_quote import PointsQuoteRequest, QuoteRefused, quote_points
{%- if values.runsJobs %}
from app.infrastructure.jobs.definitions import POINTS_QUOTED
from app.infrastructure.jobs.job_system import JobSystem
from app.infrastructure.logger import Logger
{%- endif %}


def quote_routes(
    router: APIRouter,
    *,
    openapi: Document,
{%- if values.runsJobs %}
    jobs: JobSystem,
    logger: Logger,
{%- endif %}
) -> None:
    validate = OperationValidator(openapi, "post", "/v1/quotes/points")

    async def quote(request: Request) -> Response:
        _, body, _ = await validate(request)
        result = quote_points(PointsQuoteRequest(amount=body["amount"], currency=body["currency"], tier=body["tier"]))
        if isinstance(result, QuoteRefused):
            if result.reason == "unsupported-currency":
                raise ProblemError(problem(422, "unsupported-currency", "The programme does not accept this currency"))
            raise ProblemError(
                problem(400, "invalid-amount", "The amount must be a positive whole number of minor units")
            )
{%- if values.runsJobs %}
        # The tally is a statistic: failing to enqueue is logged, the quote is still answered.
        try:
            await jobs.enqueue(
                POINTS_QUOTED,
                {"tier": body["tier"], "points": result.points, "day": datetime.datetime.now(datetime.UTC).date()},
            )
        except Exception as error:
            logger.warn("could not enqueue a job", err=error, job=POINTS_QUOTED, reqId=request.state.request_id)
{%- endif %}
        return json_response(
            200,
            {
                "amount": body["amount"],
                "currency": body["currency"],
                "tier": body["tier"],
                "points": result.points,
                "capped": result.capped,
                "ratePerUnit": result.rate_per_unit,
            },
        )

    router.add_api_route("/v1/quotes/points", quote, methods=["POST"])
