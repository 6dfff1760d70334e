"""Date strings in every form the site shows them.

The visible date: only classic (2019-22) pages print one, in ``span.date`` (S4), whose format no
evidence shows (the samples of today's template print no date at all), so the replica uses one plain
form, Moscow time: ``30 يونيو 2024 12:00 GMT+03:00``. Machine-readable forms: ``publish-date`` meta
``2024-06-30T12:00:00+0300``, ``published_time_telegram`` and JSON-LD ``2024-06-30T09:00:00+00:00``,
sitemap ``lastmod`` ``2024-06-30T12:00:00+03:00``, RSS ``pubDate`` RFC 822 in UTC.
"""

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

MOSCOW = timezone(timedelta(hours=3))

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر"]


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


def visible_date(dt: datetime) -> str:
    """The date as printed on classic pages, Moscow time."""
    local = dt.astimezone(MOSCOW)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H:%M} GMT+03:00"


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
