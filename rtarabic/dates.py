"""Dates: machine-readable values first, the Arabic date shown on the page as a fallback.

Every function returns ISO 8601 in UTC with seconds, ``YYYY-MM-DDTHH:MM:SS+00:00``,
or ``None``. Nothing is ever guessed: a value without at least a day, a month
and a year gives ``None`` (relative dates such as "منذ ساعة" are refused).

Time zone when a value states none: RT Arabic's CMS runs on Moscow time (its
``publish-date`` meta ends in ``+0300``), so a naive time is read as Moscow time,
UTC+03:00 (Moscow has had no daylight saving time since 2014). A date without a
time is midnight Moscow time.

The visible-date parser is table driven (``MONTHS``) and knows the month names
of every regional convention (Egyptian/Maghrebi ``يناير`` and Levantine/Iraqi
``كانون الثاني`` ...), Arabic-Indic and Persian digits, 12-hour markers
(ص/م, صباحا/مساء) and GMT/UTC/غرينتش offsets. It is exact and fast; dateparser is
not used on this path.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

#: What a naive time means (see module docstring).
SITE_TIMEZONE = timezone(timedelta(hours=3), "MSK")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Month names by number. Spelling variants of hamza and alef are matched
# through _fold(), so only one spelling of each is listed here.
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "January", "Jan"),
    2: ("فبراير", "شباط", "فيفري", "February", "Feb"),
    3: ("مارس", "آذار", "March", "Mar"),
    4: ("أبريل", "إبريل", "نيسان", "أفريل", "April", "Apr"),
    5: ("مايو", "أيار", "ماي", "May"),
    6: ("يونيو", "يونية", "حزيران", "جوان", "June", "Jun"),
    7: ("يوليو", "يولية", "تموز", "جويلية", "July", "Jul"),
    8: ("أغسطس", "آب", "أوت", "August", "Aug"),
    9: ("سبتمبر", "أيلول", "September", "Sep", "Sept"),
    10: ("أكتوبر", "تشرين الأول", "October", "Oct"),
    11: ("نوفمبر", "تشرين الثاني", "November", "Nov"),
    12: ("ديسمبر", "كانون الأول", "December", "Dec"),
}


def _fold(text: str) -> str:
    """Matching key only (never stored): digits to ASCII, alef variants to bare alef, lower case."""
    text = text.translate(_DIGITS)
    return re.sub("[أإآٱ]", "ا", text).replace("\u0640", "").lower()


_MONTH_BY_NAME = {_fold(name): number for number, names in MONTHS.items() for name in names}
# Longest first so that "تشرين الثاني" wins over a shorter prefix.
_MONTH_ALTERNATION = "|".join(sorted(map(re.escape, _MONTH_BY_NAME), key=len, reverse=True))

_WORD_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?({_MONTH_ALTERNATION})\.?,?\s*(\d{{4}})(?!\d)", re.IGNORECASE
)
# "يونيو 30, 2024" (month first, as in English renderings)
_WORD_DATE_MONTH_FIRST = re.compile(
    rf"(?<![^\W\d_])({_MONTH_ALTERNATION})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_NUMERIC_DMY = re.compile(r"(?<![\d.:/-])(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?![\d.:/-]*\d)")
_NUMERIC_YMD = re.compile(r"(?<!\d)(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?!\d)")
_TIME = re.compile(
    r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])\s*"
    r"(صباحا|صباحاً|صباح|مساء|مساءً|مساءا|ص|م|am|pm|a\.m\.|p\.m\.)?(?![^\W\d_])",
    re.IGNORECASE,
)
_PM = {"م", "مساء", "مساءً", "مساءا", "pm", "p.m."}
# "GMT+3", "GMT +03:00", "UTC-1", "غرينتش +3", "+0300" after a time
_OFFSET = re.compile(
    r"(?:gmt|utc|غرينتش|جرينتش|غرينيتش)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?"
    r"|(?<=\d)\s*([+-])(\d{2}):?(\d{2})(?!\d)",
    re.IGNORECASE,
)
_ZERO_OFFSET = re.compile(r"\b(?:gmt|utc)\b|غرينتش|جرينتش|غرينيتش", re.IGNORECASE)
_MOSCOW = re.compile(r"موسكو|msk", re.IGNORECASE)

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def utc_now() -> str:
    """The current time as every timestamp the project writes: UTC, seconds, ``+00:00``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def to_utc_iso(moment: datetime) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SS+00:00`` (naive means site time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SITE_TIMEZONE)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _tz(sign: str, hours: str, minutes: str | None) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)


def parse_iso(value: str | None, *, naive: timezone = SITE_TIMEZONE) -> str | None:
    """A machine-readable timestamp (ISO 8601 in its usual shapes) in UTC, or None.

    Accepts ``2024-06-30T12:00:00+0300``, ``+03:00``, ``Z``, fractions, a space
    for ``T``, no seconds, or a date alone. ``naive`` is the zone of a value that
    states none: the site's by default, UTC for the operator's own bounds.

    >>> parse_iso("2024-06-30T12:00:00+0300"), parse_iso("2024-06-30", naive=UTC)
    ('2024-06-30T09:00:00+00:00', '2024-06-30T00:00:00+00:00')
    """
    if not value:
        return None
    match = _ISO.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    if offset is None:
        tzinfo = naive
    elif offset.upper() == "Z":
        tzinfo = UTC
    else:
        tzinfo = _tz(offset[0], offset[1:3], offset[3:].lstrip(":") or None)
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=tzinfo
        )
    except ValueError:
        return None
    return to_utc_iso(moment)


def parse_rfc822(value: str | None) -> str | None:
    """An RSS ``pubDate`` (RFC 822/2822) in UTC, or None."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return to_utc_iso(moment)


def parse_machine(value: str | None) -> str | None:
    """ISO 8601 first, then RFC 822."""
    return parse_iso(value) or parse_rfc822(value)


def _find_date(text: str) -> tuple[date, int, int] | None:
    """The first day-month-year in ``text`` with the span it covers."""
    for pattern, order in (
        (_WORD_DATE, "dmy"),
        (_WORD_DATE_MONTH_FIRST, "mdy"),
        (_NUMERIC_YMD, "ymd"),
        (_NUMERIC_DMY, "dmy_num"),
    ):
        match = pattern.search(text)
        if not match:
            continue
        a, b, c = match.groups()
        if order == "dmy":
            day, month, year = int(a), _MONTH_BY_NAME[b.lower()], int(c)
        elif order == "mdy":
            day, month, year = int(b), _MONTH_BY_NAME[a.lower()], int(c)
        elif order == "ymd":
            year, month, day = int(a), int(b), int(c)
        else:
            day, month, year = int(a), int(b), int(c)
        try:
            return date(year, month, day), match.start(), match.end()
        except ValueError:
            continue
    return None


def parse_arabic(text: str | None) -> str | None:
    """The date shown on the page (``span.date``) in UTC, or None.

    >>> parse_arabic("٣٠ حزيران ٢٠٢٤ ، ١٤:٣٠")
    '2024-06-30T11:30:00+00:00'
    >>> parse_arabic("30 يونيو 2024 14:30 GMT")
    '2024-06-30T14:30:00+00:00'
    >>> parse_arabic("منذ ساعة") is None
    True
    """
    if not text:
        return None
    folded = " ".join(_fold(text).split())
    found = _find_date(folded)
    if found is None:
        return None
    day, start, end = found
    rest = folded[:start] + " " + folded[end:]
    hour = minute = second = 0
    time_match = _TIME.search(rest)
    if time_match:
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        marker = (time_match.group(4) or "").lower()
        if marker and hour <= 12:
            if marker in _PM and hour < 12:
                hour += 12
            elif marker not in _PM and hour == 12:
                hour = 0
    tzinfo = SITE_TIMEZONE
    offset = _OFFSET.search(rest)
    if offset:
        sign, hours, minutes = offset.group(1, 2, 3) if offset.group(1) else offset.group(4, 5, 6)
        tzinfo = _tz(sign, hours, minutes)
    elif _ZERO_OFFSET.search(rest):
        tzinfo = UTC
    elif _MOSCOW.search(rest):
        tzinfo = SITE_TIMEZONE
    try:
        moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tzinfo)
    except ValueError:
        return None
    return to_utc_iso(moment)
