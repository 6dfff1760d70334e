"""Backfill helpers: which sitemaps and which URLs can hold articles of a window.

RT Arabic's ``/sitemap.xml`` is an index of yearly children ``sitemap_<YYYY>.xml``
(split as ``sitemap_<YYYY>_<n>.xml`` when a year is large). A yearly child holds
the articles published in that year; ``lastmod`` is a modification time. Two
facts follow, and they are all these functions rely on:

- a child of year Y can hold an article published in [since, until] only if
  since.year <= Y <= until.year;
- a page (or child file) last modified before ``since`` was published before it.

Nothing can be said from ``lastmod`` about ``until`` (an old article edited later
has a recent lastmod), so the spider checks ``published`` against the window
after extraction. Parsing is Scrapy's own ``Sitemap`` (no entities, no network).
Used by the spider for ``-a since= -a until=``; README: "Running from cron".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scrapy.utils.sitemap import Sitemap

from rtarabic import dates

YEARLY_CHILD = re.compile(r"/sitemap_(?P<year>\d{4})(?:_\d+)?\.xml(?:\.gz)?$")


@dataclass(frozen=True)
class Window:
    """A publication window [since, until), either end open (None). Times are UTC."""

    since: datetime | None = None
    until: datetime | None = None

    def contains(self, when: datetime | None) -> bool:
        """Whether an article published at ``when`` belongs; unknown dates belong."""
        if when is None:
            return True
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)


def parse_time(value: str | None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text (``dates.parse_iso``; naive means UTC here).

    >>> parse_time("2024-06-30T12:00:00+03:00")
    datetime.datetime(2024, 6, 30, 9, 0, tzinfo=datetime.timezone.utc)
    """
    iso = dates.parse_iso(value, naive=UTC)
    return datetime.fromisoformat(iso) if iso else None


def parse_window(since: str | None = None, until: str | None = None) -> Window:
    """The window of ``-a since=... -a until=...``. A bare date for ``until`` includes that whole day.

    >>> parse_window("2024-01-01", "2024-01-31").until
    datetime.datetime(2024, 2, 1, 0, 0, tzinfo=datetime.timezone.utc)

    :raises ValueError: unparseable bound, or until before since
    """
    window_since = _bound(since, "since")
    window_until = _bound(until, "until")
    if until and len(until.strip()) == 10:
        window_until += timedelta(days=1)
    if window_since and window_until and window_until <= window_since:
        raise ValueError(f"until ({until}) is not after since ({since})")
    return Window(window_since, window_until)


def _bound(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError(f"{name}={value!r} is not an ISO 8601 date or time (e.g. 2024-01-31)")
    return parsed


def child_year(url: str) -> int | None:
    """The year of a yearly sitemap child, or None for any other name.

    >>> child_year("https://arabic.rt.com/sitemap_2023_2.xml")
    2023
    """
    match = YEARLY_CHILD.search(url)
    return int(match["year"]) if match else None


def select_children(index_xml: str | bytes, window: Window) -> list[str]:
    """The child sitemaps of an index that can hold articles published in ``window``.

    A child of unknown name is kept unless its lastmod rules it out.

    :param index_xml: the body of ``/sitemap.xml``
    """
    sitemap = Sitemap(index_xml)
    if sitemap.type != "sitemapindex":
        return []
    kept = []
    for entry in sitemap:
        url = entry["loc"]
        year = child_year(url)
        if year is not None and not _year_in(year, window):
            continue
        lastmod = parse_time(entry.get("lastmod"))
        if window.since and lastmod and lastmod < window.since:
            continue
        kept.append(url)
    return kept


def _year_in(year: int, window: Window) -> bool:
    if window.since and year < window.since.year:
        return False
    # until is exclusive: 2025-01-01T00:00 ends the window with 2024.
    return not (window.until and year > (window.until - timedelta(microseconds=1)).year)


def select_urls(urlset_xml: str | bytes, window: Window) -> list[tuple[str, datetime | None]]:
    """(url, lastmod) of a child urlset's pages that may have been published in ``window``.

    Pages last modified before ``window.since`` are left out; everything else is
    kept, since lastmod says nothing about the publication date's upper bound.
    """
    sitemap = Sitemap(urlset_xml)
    if sitemap.type != "urlset":
        return []
    kept = []
    for entry in sitemap:
        lastmod = parse_time(entry.get("lastmod"))
        if window.since and lastmod and lastmod < window.since:
            continue
        kept.append((entry["loc"], lastmod))
    return kept

