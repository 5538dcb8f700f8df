"""Mean, median and minimum share of points from counts of values (see `stats_summary`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


@dataclass
class Histogram:
    """How often each share of points (value / max) occurred."""

    parent: str = ""
    counts: dict[Fraction, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, value_h: int, top: Fraction, n: int) -> None:
        if top > 0 and n:
            self.counts[Fraction(value_h, 100) / top] += n

    @property
    def size(self) -> int:
        return sum(self.counts.values())

    def mean(self) -> Fraction:
        return sum((share * n for share, n in self.counts.items()), Fraction(0)) / self.size

    def minimum(self) -> Fraction:
        return min(self.counts)

    def median(self) -> Fraction:
        low, high = (self.size + 1) // 2, (self.size + 2) // 2  # 1-based positions
        seen = 0
        found: dict[int, Fraction] = {}
        for share in sorted(self.counts):
            first, seen = seen + 1, seen + self.counts[share]
            for position in (low, high):
                if first <= position <= seen:
                    found[position] = share
            if high in found:
                break
        return (found[low] + found[high]) / 2


def histograms(rows: Iterable[tuple[str, str, str, int, int]]) -> dict[str, Histogram]:
    """Rows of (key, parent, max as decimal text, value in hundredths, count) by key."""
    out: dict[str, Histogram] = {}
    for key, parent, top, value_h, n in rows:
        entry = out.setdefault(key, Histogram(parent))
        entry.add(value_h, Fraction(Decimal(top)), n)
    return {key: h for key, h in out.items() if h.size}
