"""Date strings in every form the site shows them.

Visible dates are Moscow time (UTC+3) with Arabic month names in one of three
regional conventions and, on some pages, Arabic-Indic digits, e.g.
``30 يونيو 2024 12:00 GMT+03:00`` or ``٣٠ حزيران ٢٠٢٤ ١٢:٠٠ GMT+03:00``.
Machine-readable forms: ``publish-date`` meta ``2024-06-30T12:00:00+0300``,
``published_time_telegram`` and JSON-LD ``2024-06-30T09:00:00+00:00``, sitemap
``lastmod`` ``2024-06-30T12:00:00+03:00``, RSS ``pubDate`` RFC 822 in UTC.
"""

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

from .text import to_arabic_indic

MOSCOW = timezone(timedelta(hours=3))

#: Month names by convention: Egyptian/Gulf (loan words), Levantine/Iraqi, Maghrebi.
MONTHS = {
    "egyptian": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
                 "أكتوبر", "نوفمبر", "ديسمبر"],
    "levantine": ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                  "تشرين الأول", "تشرين الثاني", "كانون الأول"],
    "maghrebi": ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر",
                 "أكتوبر", "نوفمبر", "ديسمبر"],
}


def iso_utc(dt: datetime) -> str:
    """``2024-06-30T09:00:00+00:00`` (the item's format)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def publish_date_meta(dt: datetime) -> str:
    """``2024-06-30T12:00:00+0300`` (the ``publish-date`` meta)."""
    return dt.astimezone(MOSCOW).strftime("%Y-%m-%dT%H:%M:%S%z")


def iso_moscow(dt: datetime) -> str:
    """``2024-06-30T12:00:00+03:00`` (sitemap lastmod, ``<time datetime>``)."""
    return dt.astimezone(MOSCOW).isoformat(timespec="seconds")


def rfc822(dt: datetime) -> str:
    """``Sun, 30 Jun 2024 09:00:00 +0000`` (RSS pubDate)."""
    return format_datetime(dt.astimezone(UTC))


def visible_date(dt: datetime, convention: str = "egyptian", indic: bool = False) -> str:
    """The date as printed on the page, Moscow time."""
    local = dt.astimezone(MOSCOW)
    month = MONTHS[convention][local.month - 1]
    numbers = f"{local.day} {month} {local.year} {local:%H:%M}"
    if indic:
        numbers = to_arabic_indic(numbers)
    return f"{numbers} GMT+03:00"


def tweet_date(dt: datetime) -> str:
    """``June 30, 2024`` (the date line of an embedded tweet)."""
    return f"{dt:%B} {dt.day}, {dt.year}"


def parse_now(value: str | None) -> datetime:
    """The ``now`` anchor: an ISO string, or the current time truncated to the minute."""
    if value:
        dt = datetime.fromisoformat(value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC)
    return datetime.now(UTC).replace(second=0, microsecond=0)
