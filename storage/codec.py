"""How domain values become SQLite column values and back.

Moments are stored as UTC text of fixed width, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``
(e.g. ``2025-03-04T09:15:00.000000Z``): readable in the sqlite3 shell, exact to the
microsecond, and because every value has the same width, text order is time order, so
``<=`` and ``ORDER BY`` on these columns compare moments. They come back as aware UTC
datetimes. A naive datetime is a bug somewhere upstream and is refused.

Local wall-clock times are "HH:MM" ("HH:MM:SS" when they have seconds), weekdays
"0,1,2,3,4" (Monday = 0), booleans 0/1, enums their string values, and a custom SLA
table JSON ``{"high": [reaction_seconds, resolution_seconds], ...}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta

from domain.enums import Priority
from domain.sla import SlaTable, SlaTargets


def utc_text(moment: datetime) -> str:
    """An aware datetime as fixed-width UTC text."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the storage keeps only aware UTC moments")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def utc_text_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment)


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_utc_or_none(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)


def clock_text(value: time) -> str:
    if value.tzinfo is not None:
        raise ValueError("local wall-clock times are stored without tzinfo")
    if value.microsecond:
        return value.isoformat(timespec="microseconds")
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def parse_clock(text: str) -> time:
    return time.fromisoformat(text)


def weekdays_text(days: frozenset[int] | set[int]) -> str:
    return ",".join(str(day) for day in sorted(days))


def parse_weekdays(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.split(",") if part)


def _seconds(amount: timedelta) -> int | float:
    seconds = amount.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def sla_table_json(table: SlaTable | None) -> str | None:
    if table is None:
        return None
    return json.dumps(
        {
            Priority(priority).value: [_seconds(t.reaction), _seconds(t.resolution)]
            for priority, t in table.items()
        },
        sort_keys=True,
    )


def parse_sla_table(text: str | None) -> dict[Priority, SlaTargets] | None:
    if text is None:
        return None
    raw: Mapping[str, list[float]] = json.loads(text)
    return {
        Priority(priority): SlaTargets(timedelta(seconds=reaction), timedelta(seconds=resolution))
        for priority, (reaction, resolution) in raw.items()
    }


def flag(value: bool) -> int:
    return 1 if value else 0


def enum_value(member: object) -> str | None:
    """A StrEnum member (or a plain string) as its stored value; None stays None."""
    return None if member is None else str(member)
