"""Money is always an integer number of the currency's minor unit (cents for
EUR): never a float, so sums are exact. The largest amount fits PostgreSQL's
bigint with room to spare."""

from __future__ import annotations

import re

#: One billion in major units.
MAX_AMOUNT_MINOR = 100_000_000_000

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def is_currency_code(value: object) -> bool:
    """ISO 4217 alphabetic code: three upper-case letters."""
    return isinstance(value, str) and _CURRENCY_CODE.fullmatch(value) is not None


def is_minor_amount(value: object) -> bool:
    """A positive whole number of minor units, within MAX_AMOUNT_MINOR."""
    # bool is an int in Python; True is not an amount.
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_AMOUNT_MINOR
