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

A third fact saves most requests: ids grow with publication time. Among the ids
of every child kept (sorted), those published in the window are one run, found
with a binary search per edge (``EdgeSearch``: about log2(n) probes, each an
article page the spider reads for its publication time, or the archive's copy),
and only that run is fetched. Entries left out by the lastmod rule stay out.
Used by the spider for ``-a since= -a until=``; README: "Running from cron".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
        if _modified_before(entry.get("lastmod"), parse_time(entry.get("lastmod")), window):
            continue
        kept.append(url)
    return kept


def _modified_before(lastmod: str | None, moment: datetime | None, window: Window) -> bool:
    """Whether a lastmod (its text and ``parse_time`` of it) ends before ``window.since``; a bare date
    (S1: "date or datetime") means any time of that day, so it ends at the next midnight.

    >>> window = parse_window("2024-06-30T05:00:00Z")
    >>> _modified_before("2024-06-30", parse_time("2024-06-30"), window)
    False
    >>> _modified_before("2024-06-29T23:00:00Z", parse_time("2024-06-29T23:00:00Z"), window)
    True
    """
    if not window.since or moment is None:
        return False
    if len(lastmod.strip()) == 10:  # the whole day, which ends at the next midnight
        return moment + timedelta(days=1) <= window.since
    return moment < window.since


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
        if _modified_before(entry.get("lastmod"), lastmod, window):
            continue
        kept.append((entry["loc"], lastmod))
    return kept



@dataclass
class EdgeSearch:
    """Binary search over ascending ``ids`` for the first one published at or after ``bound``.

    Ids grow with publication time, so "published before ``bound``" holds for a prefix of them.
    ``probe()`` names the next id to look at; ``record(id, published)`` narrows the range; the
    answer is an index into ``ids`` once ``done``. A probe whose date cannot be read ends the
    search on the side that fetches more (``widen``: "low" keeps every id from the range's start,
    "high" every id up to its end), never the side that could lose an article.

    >>> search = EdgeSearch([10, 20, 30, 40, 50], datetime(2024, 3, 1, tzinfo=UTC), widen="low")
    >>> published = {10: "2024-01", 20: "2024-02", 30: "2024-03", 40: "2024-04", 50: "2024-05"}
    >>> while not search.done:
    ...     i = search.probe()
    ...     _ = search.record(i, datetime.fromisoformat(published[i] + "-15T00:00:00+00:00"))
    >>> search.answer, search.probes
    (2, 2)
    """

    ids: list[int]
    bound: datetime
    widen: str = "low"
    lo: int = 0
    hi: int = -1
    probes: int = 0
    pending: int | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.hi < 0:
            self.hi = len(self.ids)

    @property
    def done(self) -> bool:
        return self.lo >= self.hi

    @property
    def answer(self) -> int:
        return self.lo

    def probe(self) -> int | None:
        """The id to look at next (the same until it is recorded), or None when done."""
        if self.done:
            return None
        if self.pending is None:
            self.pending = self.ids[(self.lo + self.hi) // 2]
            self.probes += 1
        return self.pending

    def record(self, article_id: int, published: datetime | None) -> bool:
        """Narrows the range with the probe's publication time; False when ``article_id`` was not the probe."""
        if article_id != self.pending:
            return False
        self.pending = None
        index = (self.lo + self.hi) // 2
        if published is None:
            if self.widen == "low":
                self.hi = self.lo
            else:
                self.lo = self.hi
        elif published >= self.bound:
            self.hi = index
        else:
            self.lo = index + 1
        return True


def edge_searches(ids: list[int], window: Window) -> tuple[EdgeSearch | None, EdgeSearch | None]:
    """The searches for the first id in the window and the first after it, among ascending ``ids``.

    None for an open end of the window: every id on that side is kept.

    >>> [s is None for s in edge_searches([1, 2], parse_window("2024-03-01", None))]
    [False, True]
    """
    low = EdgeSearch(ids, window.since, widen="low") if window.since is not None else None
    high = EdgeSearch(ids, window.until, widen="high") if window.until is not None else None
    return low, high
