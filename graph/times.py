"""Times at their real granularity (``2022``, ``2022-03``, ``2022-03-22``) as the span of days they cover.

Filters compare events by overlap with a range and Gephi's timeline needs dates, so both ask the same question.

>>> time_bounds("2022-02")
(datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
>>> time_bounds("last month") is None
True
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_ISO_TIME = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def time_bounds(value: str | None) -> tuple[date, date] | None:
    """First and last day a time at its granularity covers: ``"2022"`` is 2022-01-01..2022-12-31; None if not ISO."""
    match = _ISO_TIME.fullmatch(value or "")
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day:
            return date(year, month, day), date(year, month, day)
        if month:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:  # year 0 or below, month 13
        return None


def overlaps(time: str | None, first: date | None, last: date | None) -> bool:
    """Whether ``time`` (an ISO day, month or year) shares a day with ``first``..``last`` (either open); an undated or
    malformed time never does."""
    bounds = time_bounds(time)
    return bounds is not None and (first is None or bounds[1] >= first) and (last is None or bounds[0] <= last)
