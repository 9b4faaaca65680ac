"""Numbers people type: ticket numbers, client numbers, months.

`str.isdigit()` says yes to "²" and to digits of other scripts, and `int()` refuses some
of them ("²") and takes others ("١٢"); a number written with twenty digits is no ticket.
Everything here reads ASCII digits only, and never raises."""

from __future__ import annotations

import re
from datetime import date

DIGITS = re.compile(r"[0-9]+")
TICKET_DIGITS = 9  # ticket numbers stay far below a billion: more digits cannot be one
FIRST_REPORT_MONTH = date(2000, 1, 1)


def is_number(text: str) -> bool:
    """ASCII digits and nothing else."""
    return DIGITS.fullmatch(text) is not None


def ticket_digits(text: str) -> str | None:
    """The digits of a ticket number as typed ("15", "#15", "№ 15"); None when it is not
    one. The caller says "not found" when there are more than TICKET_DIGITS of them."""
    digits = text.strip().lstrip("#№").strip()
    return digits if is_number(digits) else None


def month_in_range(month: date, this_month: date) -> bool:
    """A month a report can be built for: from 2000-01 to this month."""
    return FIRST_REPORT_MONTH <= month <= this_month.replace(day=1)
