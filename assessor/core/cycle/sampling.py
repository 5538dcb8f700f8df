"""Which centres a cycle visits: a reproducible stratified random sample per district.

Every district gets its share of the sample: the shares `fraction × centres` are rounded by
largest remainder (the total rounded half up), so each district's count is its exact share rounded down or up and the
counts add up to the rounded total. Centres the commission always visits (never assessed,
graded low last cycle, open flags) are taken first; the rest of a district's share is drawn at
random. Each district draws from its own generator, seeded with the plan's seed and the
district's code, over its centres in USCC order: the same seed and roster give the same sample
whatever else changes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from assessor.core.cycle.roster_model import RosterCentre
from assessor.core.problems import UserError

SAMPLED = "sampled"
LISTED = "listed"
REASON_LABELS = {
    SAMPLED: "随机抽取",
    LISTED: "指定名单",
    "never_assessed": "从未评估",
    "low_grade": "上一周期评为低等级",
    "open_flags": "有待核实事项",
}


@dataclass(frozen=True)
class Selected:
    centre: RosterCentre
    reason: str


def parse_fraction(text: str) -> Fraction:
    """`10%` or `0.1` → 1/10, exactly."""
    written = text.strip()
    try:
        value = Fraction(written[:-1]) / 100 if written.endswith("%") else Fraction(written)
    except (ValueError, ZeroDivisionError):
        raise UserError(
            f"抽样比例应写成百分比（如 10%）或小数（如 0.1），实际为「{text}」"
        ) from None
    if not 0 < value <= 1:
        raise UserError(f"抽样比例应大于 0、不超过 100%，实际为「{text}」")
    return value


def district_quotas(sizes: Mapping[str, int], fraction: Fraction) -> dict[str, int]:
    """Largest-remainder apportionment of round(fraction × total) over the districts."""
    shares = {d: fraction * n for d, n in sizes.items()}
    quotas = {d: floor(s) for d, s in shares.items()}
    total = floor(fraction * sum(sizes.values()) + Fraction(1, 2))  # half up
    # Ties broken by district code, so the apportionment does not depend on dict order.
    by_remainder = sorted(shares, key=lambda d: (-(shares[d] - quotas[d]), d))
    for district in by_remainder[: max(0, total - sum(quotas.values()))]:
        quotas[district] += 1
    return quotas


def stratified_sample(
    centres: Sequence[RosterCentre],
    fraction: Fraction,
    seed: int,
    always: Mapping[str, str] | None = None,
) -> list[Selected]:
    """The sample, district by district in code order, each district's centres by USCC.

    `always` maps the USCC of a centre that must be visited to the reason why; such centres
    count towards their district's share and are visited even beyond it.
    """
    always = always or {}
    by_district: dict[str, list[RosterCentre]] = {}
    for centre in sorted(centres, key=lambda c: c.uscc):
        by_district.setdefault(centre.district, []).append(centre)
    quotas = district_quotas({d: len(cs) for d, cs in by_district.items()}, fraction)
    chosen: list[Selected] = []
    for district in sorted(by_district):
        members = by_district[district]
        forced = [Selected(c, always[c.uscc]) for c in members if c.uscc in always]
        others = [c for c in members if c.uscc not in always]
        draw = max(0, quotas[district] - len(forced))
        drawn = random.Random(f"{seed}:{district}").sample(others, draw)
        chosen.extend(sorted([*forced, *(Selected(c, SAMPLED) for c in drawn)], key=_uscc))
    return chosen


def _uscc(selected: Selected) -> str:
    return selected.centre.uscc
