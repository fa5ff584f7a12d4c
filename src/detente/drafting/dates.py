"""Date expressions of an article, resolved against the article's own date.

Full dates in any common format ("4 May 2025", "May 4, 2025", "2025-05-04",
"2018/9/17") and relative ones ("in six months") are parsed by ``dateparser``
(Scrapinghub, https://dateparser.readthedocs.io) with ``RELATIVE_BASE`` set to the
article's date, English only, and no network access. The period forms news writing uses
for deadlines and terms, which ``dateparser`` does not resolve ("before the end of the
year", "the end of 2019", "will end in 2024", "March 2020"), are resolved here to the
*last* day of the period: a deadline "by March 2020" falls due on 31 March 2020, a term
"ending in 2024" at the latest on 31 December 2024. The drafted evidence says which
precision the article gave, so the analyst can set the exact day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = ["MONTHS", "Resolved", "resolve_date"]

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    )
} | {"sept": 9}

YEAR = r"(19|20)\d\d"

Resolved = tuple[dt.date, str]  # (date, precision: "day", "month" or "year")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def resolve_date(expression: str, base: dt.date) -> Resolved | None:
    """Resolve a date ``expression`` of an article dated ``base``.

    Returns
    -------
    (date, precision) or None
        ``precision`` is ``"day"``, ``"month"`` or ``"year"``: periods resolve to their
        last day. None when the expression is not a date.
    """
    text = re.sub(r"\s+", " ", expression.strip().lower()).removeprefix("the ")
    text = text.removeprefix("end of ").removeprefix("the ")
    if text in {"year", "this year"}:
        return dt.date(base.year, 12, 31), "year"
    if text == "next year":
        return dt.date(base.year + 1, 12, 31), "year"
    if re.fullmatch(YEAR, text):
        return dt.date(int(text), 12, 31), "year"
    words = text.replace(",", " ").split()
    if len(words) in (1, 2) and words[0] in MONTHS:
        month = MONTHS[words[0]]
        if len(words) == 2 and re.fullmatch(YEAR, words[1]):
            return _month_end(int(words[1]), month), "month"
        if len(words) == 1:
            year = base.year if month >= base.month else base.year + 1
            return _month_end(year, month), "month"
    return _parse_full(text, base)


def _parse_full(text: str, base: dt.date) -> Resolved | None:
    import dateparser

    text = re.sub(r"^within ", "in ", text)
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": "current_period",
            "REQUIRE_PARTS": ["year"] if re.search(r"\d{4}", text) else [],
        },
    )
    if parsed is None:
        return None
    return parsed.date(), "day"
