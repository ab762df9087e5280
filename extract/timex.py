"""Time expressions resolved against the publication date, at their real granularity.

Deterministic: the anchor is the article's publication date, never today's date or the machine's timezone.
A day gives ``YYYY-MM-DD`` (xsd:date), a month ``YYYY-MM`` (xsd:gYearMonth), a year ``YYYY`` (xsd:gYear); an expression
that cannot be placed (no publication date for a relative one, "for years", "the 1990s", a date outside years 1 to 9999
such as "3000 years ago") keeps its text and value None.

>>> resolve("February this year", "2022-04-20")
'2022-02'
>>> resolve("last week", "2022-04-20")
'2022-04'
>>> resolve("in June 2014", None)
'2014-06'
>>> resolve("yesterday", "2022-04-20")
'2022-04-19'
>>> resolve("last month", None) is None
True
"""

from __future__ import annotations

import re
from datetime import MAXYEAR, MINYEAR, date

MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "a": 1, "an": 1, "several": None, "few": None, "a few": None}

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*\d)")
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b")
_MONTH_RELATIVE = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<rel>this|last|next)\s+year\b")
# "may" is also the modal verb ("ISIS may 5 times ..."): before a day it is the month when written May and the day is
# not a count of something ("May 5 days", "May 5 times").
_MAY_DAY = re.compile(rf"\bMay\s+{_DAY}\b(?!\s*(?:times|days?|weeks?|months?|years?)\b)")
_MONTH_ALONE = re.compile(rf"^(?:in\s+|on\s+|since\s+|early\s+|late\s+|mid-?\s*)?{_MONTH}$")
_YEAR_ALONE = re.compile(rf"^(?:in\s+|since\s+|during\s+|early\s+|late\s+|mid-?\s*)?(?:the\s+year\s+)?{_YEAR}$")
_RELATIVE_UNIT = re.compile(r"\b(?P<rel>last|this|next|past|previous|coming|earlier this|later this)\s+(?P<unit>week|month|year|weekend)\b")
_AGO = re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+(?P<unit>day|week|month|year)s?\s+ago\b")
_WEEKDAY = re.compile(r"\b(?P<rel>last\s+|(?:this\s+)?coming\s+|next\s+|this\s+|on\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")


def resolve(text: str, published: str | None) -> str | None:
    """The ISO value of ``text`` at its granularity, or None when it cannot be placed.

    A weekday is the latest one on or before publication ("Monday", "on Monday", "this Monday"), strictly before it
    with "last", and strictly after it with "next", "coming" or "this coming".
    """
    cased = " ".join(text.split()).strip(" ,.")
    t = cased.lower()
    anchor = _parse_date(published)
    if m := _ISO.search(t):
        return _day(int(m["year"]), int(m["month"]), int(m["day"]))
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        if m := pattern.search(t):
            return _day(int(m["year"]), MONTHS[m["month"]], int(m["day"]))
    if m := _MONTH_YEAR.search(t):
        return f"{int(m['year']):04d}-{MONTHS[m['month']]:02d}"
    if m := _YEAR_ALONE.match(t):
        return m["year"]
    if anchor is None:
        return None
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        if (m := pattern.search(t)) and (pattern is _DAY_MONTH or m["month"] != "may" or _MAY_DAY.search(cased)):
            month, day = MONTHS[m["month"]], int(m["day"])
            year = anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1
            return _day(year, month, day)
    if m := _MONTH_RELATIVE.search(t):
        year = _year(anchor.year + {"this": 0, "last": -1, "next": 1}[m["rel"]])
        return f"{year}-{MONTHS[m['month']]:02d}" if year else None
    if (m := _MONTH_ALONE.match(t)) and t != "may":
        month = MONTHS[m["month"]]
        year = _year(anchor.year if month <= anchor.month else anchor.year - 1)
        return f"{year}-{month:02d}" if year else None
    if t in ("today", "tonight", "this morning", "this afternoon", "this evening", "now"):
        return anchor.isoformat()
    if t in ("yesterday", "last night", "yesterday morning", "yesterday afternoon", "yesterday evening", "overnight"):
        return _shifted(anchor, -1)
    if t in ("tomorrow",):
        return _shifted(anchor, 1)
    if m := _AGO.search(t):
        return _ago(anchor, m["n"], m["unit"])
    if m := _RELATIVE_UNIT.search(t):
        return _relative_unit(anchor, m["rel"], m["unit"])
    if m := _WEEKDAY.search(t):
        rel = (m["rel"] or "").split()
        if rel and rel[-1] in ("next", "coming"):
            return _shifted(anchor, (WEEKDAYS[m["weekday"]] - anchor.weekday()) % 7 or 7)
        # News reports the past: a bare weekday is the most recent one on or before publication.
        back = (anchor.weekday() - WEEKDAYS[m["weekday"]]) % 7
        if rel == ["last"] and back == 0:
            back = 7
        return _shifted(anchor, -back)
    return None


def _relative_unit(anchor: date, rel: str, unit: str) -> str | None:
    step = {"last": -1, "past": -1, "previous": -1, "this": 0, "earlier this": 0, "later this": 0, "next": 1,
            "coming": 1}[rel]
    if unit == "year":
        return _year(anchor.year + step)
    if unit == "month":
        return _month(anchor, step)
    # A week is reported at the finest granularity that contains all of it: its month, else its year.
    week = anchor.toordinal() - anchor.weekday() + 7 * step  # its Monday
    first, last = week + (5 if unit == "weekend" else 0), week + 6
    if first < 1 or last > date.max.toordinal():
        return None
    monday, sunday = date.fromordinal(first), date.fromordinal(last)
    if (monday.year, monday.month) == (sunday.year, sunday.month):
        return f"{monday.year:04d}-{monday.month:02d}"
    return f"{monday.year:04d}" if monday.year == sunday.year else None


def _ago(anchor: date, n: str, unit: str) -> str | None:
    # Ten digits are more days than years 1 to 9999 hold (and int() refuses thousands of digits).
    count = (int(n) if len(n) < 10 else None) if n.isdigit() else NUMBERS.get(n)
    if count is None:
        return None
    if unit == "day":
        return _shifted(anchor, -count)
    if unit == "week":
        day = _shifted(anchor, -7 * count)
        return day[:7] if day else None
    if unit == "month":
        return _month(anchor, -count)
    return _year(anchor.year - count)


def _shifted(anchor: date, days: int) -> str | None:
    """The day ``days`` days from the anchor, as YYYY-MM-DD; None outside years 1 to 9999."""
    ordinal = anchor.toordinal() + days
    return date.fromordinal(ordinal).isoformat() if 1 <= ordinal <= date.max.toordinal() else None


def _month(anchor: date, step: int) -> str | None:
    """The month ``step`` months from the anchor's, as YYYY-MM; None outside years 1 to 9999."""
    index = anchor.year * 12 + anchor.month - 1 + step
    year = _year(index // 12)
    return f"{year}-{index % 12 + 1:02d}" if year else None


def _year(year: int) -> str | None:
    """``year`` as YYYY; None outside years 1 to 9999 (the years a date can have)."""
    return f"{year:04d}" if MINYEAR <= year <= MAXYEAR else None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
