"""The one source of the current time and the one way to show a moment to a person.

Every stored or signed moment is an aware datetime in UTC; people read Beijing time
(Asia/Shanghai through `zoneinfo`, with the `tzdata` package so Windows has the zone too),
whatever time zone the laptop is set to.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
BEIJING_SUFFIX = "（北京时间）"


def now_utc() -> datetime:
    """Now, to the second, in UTC."""
    return datetime.now(UTC).replace(microsecond=0)


def in_beijing(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every moment in assessor carries its time zone")
    return moment.astimezone(BEIJING)


def beijing_text(moment: datetime, fmt: str = "%Y-%m-%d %H:%M:%S", *, suffix: bool = True) -> str:
    """`2026-11-30 14:05:09（北京时间）`, or without the suffix where the screen says it once."""
    text = in_beijing(moment).strftime(fmt)
    return text + BEIJING_SUFFIX if suffix else text


def beijing_today() -> date:
    """Today's date in Beijing (a visit date is a Beijing date)."""
    return in_beijing(now_utc()).date()
