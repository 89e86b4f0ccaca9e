"""A stateless starter endpoint: how many loyalty points a purchase would earn.
Replace it with this service's own logic; keep the shape (pure function,
typed result, explicit rejections) and its unit tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.domain.money import is_currency_code, is_minor_amount

Tier = Literal["standard", "silver", "gold"]
TIERS: tuple[Tier, ...] = ("standard", "silver", "gold")

#: Points per major currency unit, in hundredths (150 = 1.5 points per euro).
EARN_RATE_HUNDREDTHS: dict[str, int] = {"standard": 100, "silver": 150, "gold": 200}

#: Minor units per major unit (ISO 4217 exponent) of the currencies accepted.
CURRENCY_EXPONENT: dict[str, int] = {"EUR": 2, "GBP": 2, "CHF": 2, "USD": 2, "JPY": 0}

#: A single purchase never earns more than this.
MAX_POINTS_PER_QUOTE = 1_000_000


@dataclass(frozen=True)
class PointsQuoteRequest:
    amount: int
    currency: str
    tier: Tier


@dataclass(frozen=True)
class PointsQuote:
    points: int
    capped: bool
    #: Points per major unit; a whole number when the rate is one (1, not 1.0, in JSON).
    rate_per_unit: int | float
    ok: Literal[True] = True


@dataclass(frozen=True)
class QuoteRefused:
    reason: Literal["invalid-amount", "unsupported-currency"]
    ok: Literal[False] = False


def quote_points(request: PointsQuoteRequest) -> PointsQuote | QuoteRefused:
    if not is_minor_amount(request.amount):
        return QuoteRefused("invalid-amount")
    exponent = CURRENCY_EXPONENT.get(request.currency) if is_currency_code(request.currency) else None
    if exponent is None:
        return QuoteRefused("unsupported-currency")

    rate = EARN_RATE_HUNDREDTHS[request.tier]
    # Integer arithmetic only: points are rounded down to whole points.
    uncapped = (request.amount * rate) // (100 * 10**exponent)
    points = min(uncapped, MAX_POINTS_PER_QUOTE)
    per_unit = rate / 100
    return PointsQuote(
        points=points,
        capped=uncapped > MAX_POINTS_PER_QUOTE,
        rate_per_unit=int(per_unit) if per_unit.is_integer() else per_unit,
    )
