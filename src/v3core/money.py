"""Money in decimal arithmetic: amounts are USD with at most 6 decimal places (micro-dollars).

Each priced step is rounded to 6 places when charged (``v3core.costs``), so an amount is a
whole number of micro-dollars and sums of them are exact. Floats stay the domain's
convenience type for callers, but every sum goes through ``Decimal`` (or integer
micro-dollars in SQL) and every amount leaves the service through ``money``: no
``1.4000000000000004`` on the wire.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

MICROS_PER_DOLLAR = 1_000_000
_PLACES = Decimal("0.000001")


def as_decimal(amount: float | int | Decimal) -> Decimal:
    """``amount`` as the decimal it was written as (``0.1`` is ``Decimal("0.1")``), 6 places."""
    value = amount if isinstance(amount, Decimal) else Decimal(repr(amount))
    return value.quantize(_PLACES, rounding=ROUND_HALF_EVEN)


def money(amount: float | int | Decimal) -> float:
    """The float nearest to ``amount`` rounded to 6 places, whose shortest repr is that decimal."""
    return float(as_decimal(amount))


def to_micros(amount: float | int | Decimal) -> int:
    """``amount`` in whole micro-dollars."""
    return int(as_decimal(amount) * MICROS_PER_DOLLAR)


def from_micros(micros: int | Decimal) -> Decimal:
    """Micro-dollars back to dollars (exact)."""
    return (Decimal(micros) / MICROS_PER_DOLLAR).quantize(_PLACES, rounding=ROUND_HALF_EVEN)


def total(amounts: Iterable[float | int | Decimal]) -> float:
    """The exact sum of ``amounts`` (each taken at 6 places), as a float for the wire."""
    return money(sum((as_decimal(a) for a in amounts), Decimal(0)))


def average(sum_micros: int | Decimal, count: int) -> float:
    """``sum_micros / count`` in dollars at 6 places (0 when ``count`` is 0)."""
    if count <= 0:
        return 0.0
    return money(
        (Decimal(sum_micros) / count / MICROS_PER_DOLLAR).quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    )
