import pytest

from app.domain.quotes.points_quote import (
    MAX_POINTS_PER_QUOTE,
    PointsQuote,
    PointsQuoteRequest,
    QuoteRefused,
    quote_points,
)


def quote(amount: object, currency: str = "EUR", tier: str = "standard") -> object:
    return quote_points(PointsQuoteRequest(amount=amount, currency=currency, tier=tier))  # type: ignore[arg-type]


def test_earns_points_per_major_unit_at_the_tier_rate_rounded_down() -> None:
    assert quote(12_345) == PointsQuote(points=123, capped=False, rate_per_unit=1)
    assert quote(12_345, tier="silver") == PointsQuote(points=185, capped=False, rate_per_unit=1.5)
    assert quote(12_345, tier="gold") == PointsQuote(points=246, capped=False, rate_per_unit=2)


def test_uses_each_currency_minor_unit() -> None:
    result = quote(1_000, "JPY")
    assert isinstance(result, PointsQuote) and result.points == 1_000


def test_caps_the_points_of_one_purchase() -> None:
    assert quote(100_000_000_000, tier="gold") == PointsQuote(points=MAX_POINTS_PER_QUOTE, capped=True, rate_per_unit=2)


@pytest.mark.parametrize(
    ("amount", "currency", "reason"),
    [(100, "SEK", "unsupported-currency"), (0, "EUR", "invalid-amount"), (1.5, "EUR", "invalid-amount")],
)
def test_refuses_currencies_outside_the_programme_and_bad_amounts(amount: object, currency: str, reason: str) -> None:
    assert quote(amount, currency, "gold") == QuoteRefused(reason)  # type: ignore[arg-type]
