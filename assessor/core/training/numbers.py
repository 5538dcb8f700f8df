"""How training figures are written for people: one rounding (half up), one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def _decimal(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_text(value: Fraction) -> str:
    """`0.8560606…` → `85.6%`."""
    return f"{_decimal(value * 100, 1)}%"


def coefficient_text(value: Fraction) -> str:
    """A kappa-like coefficient to three places: `0.734`, `-0.050`."""
    return str(_decimal(value, 3))


def points_text(value: Decimal) -> str:
    """Points without trailing zeros: `12.5`, `40`."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed_points_text(value: Decimal) -> str:
    """A difference with its sign: `+12.5`, `-3`, `0`."""
    text = points_text(abs(value))
    return "0" if value == 0 else ("+" if value > 0 else "-") + text
