"""The dates LinkedIn writes in its export, which differ from file to file.

``messages.csv`` writes ``2023-05-04 10:11:12 UTC``, endorsements ``2019/05/14 17:26:03
UTC``, ``Connections.csv`` ``12 Mar 2021`` (older exports ``3/12/21``), invitations
``5/4/23, 10:11 AM``. Numeric dates with slashes put the month first, as LinkedIn writes
them everywhere; a time without a zone is taken as UTC, and a date without a time as its
midnight in UTC.

>>> linkedin_time("2023-05-04 10:11:12 UTC") == linkedin_time("5/4/23, 10:11:12 AM")
True
>>> linkedin_time("12 Mar 2021") == linkedin_time("3/12/21") == linkedin_time("2021-03-12")
True
>>> linkedin_time("13/12/21")
Traceback (most recent call last):
...
goodwill.sources.fields.BadRecord: date '13/12/21' is not a date: month must be in 1..12
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from goodwill.events import to_time_us
from goodwill.sources.fields import BadRecord

__all__ = ["linkedin_time"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}  # fmt: skip
_CLOCK = r"(?:[ T,]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?\s*([AaPp][Mm])?)?"
_ZONE = r"\s*(UTC|GMT|Z|[+-][0-9]{2}:?[0-9]{2})?"
_YEAR_FIRST = re.compile(rf"([0-9]{{4}})[-/]([0-9]{{1,2}})[-/]([0-9]{{1,2}}){_CLOCK}{_ZONE}\Z")
_MONTH_FIRST = re.compile(
    rf"([0-9]{{1,2}})/([0-9]{{1,2}})/([0-9]{{2}}|[0-9]{{4}}){_CLOCK}{_ZONE}\Z"
)
_DAY_NAME = re.compile(rf"([0-9]{{1,2}})[ -]([A-Za-z]{{3,9}})\.?[ -]([0-9]{{4}}){_CLOCK}{_ZONE}\Z")
_NAME_DAY = re.compile(rf"([A-Za-z]{{3,9}})\.? ([0-9]{{1,2}}),? ([0-9]{{4}}){_CLOCK}{_ZONE}\Z")


def linkedin_time(value: str, column: str = "date") -> int:
    """Microseconds since the epoch for a date or time as LinkedIn writes it."""
    text = value.strip()
    if not text:
        raise BadRecord(f"{column} is empty")
    try:
        if match := _YEAR_FIRST.match(text):
            year, month, day, *rest = match.groups()
            return _moment(int(year), int(month), int(day), *rest)
        if match := _MONTH_FIRST.match(text):
            month, day, year, *rest = match.groups()
            return _moment(_full_year(year), int(month), int(day), *rest)
        if match := _DAY_NAME.match(text):
            day, month_name, year, *rest = match.groups()
            return _moment(int(year), _month(month_name), int(day), *rest)
        if match := _NAME_DAY.match(text):
            month_name, day, year, *rest = match.groups()
            return _moment(int(year), _month(month_name), int(day), *rest)
    except (ValueError, OverflowError) as exc:
        raise BadRecord(f"{column} {value[:40]!r} is not a date: {exc}") from None
    raise BadRecord(
        f"{column} {value[:40]!r} is not a date as LinkedIn writes them "
        "(e.g. 12 Mar 2021, 3/12/21, 2021-03-12 10:11:12 UTC)"
    )


def _full_year(year: str) -> int:
    """A two-digit year in this century, or the last for 70 to 99 (before LinkedIn)."""
    number = int(year)
    if len(year) == 2:
        return number + (1900 if number >= 70 else 2000)
    return number


def _month(name: str) -> int:
    number = _MONTHS.get(name.lower())
    if number is None:
        raise ValueError(f"{name!r} is not a month")
    return number


def _moment(
    year: int,
    month: int,
    day: int,
    hour: str | None,
    minute: str | None,
    second: str | None,
    half: str | None,
    zone: str | None,
) -> int:
    """The time the parts name, in UTC unless ``zone`` gives an offset."""
    hours = int(hour or 0)
    if half is not None:
        if not 1 <= hours <= 12:
            raise ValueError(f"hour {hours} with {half.upper()}")
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    moment = datetime(year, month, day, hours, int(minute or 0), int(second or 0), tzinfo=UTC)
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment = moment - offset if zone[0] == "+" else moment + offset
    return to_time_us(moment)
