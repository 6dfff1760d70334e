"""The ``rtarabic`` spider: discovery and scheduling only.

Start points (all derived from ``RTARABIC_BASE_URL``): the home page, every
section page, tag pages (given with ``-a tags=`` or found on pages), their
"load more" listings page by page, and ``/rss/``. Newest first: landing pages
and the feed outrank deep pagination, and articles found on a page outrank the
next page. Other modes: ``-a urls=``/``-a urls_file=`` (exactly those
articles), ``-a since=``/``-a until=`` (sitemap backfill) and ``-a ids=FROM-TO``
(id ranges through ``/news/<id>``), and ``-a warc=PATH`` (re-extraction: the article pages stored in
WARC files, answered by ``rtarabic.replay.WarcReplayMiddleware``, no network).

Each article id is requested once per run, whatever URL it was found under, at
its canonical URL. Incremental runs skip ids the archive (``RTARABIC_DB``)
already holds, except those published within ``RTARABIC_REVISIT_HOURS``.

A plain incremental run (no sections, tags or max_pages asked for) reads the
feed first (``feed_first``): when ``/rss/`` reaches an archived article, it lists
everything published since and no listing is walked; else the home page's
newest-first listing is walked until a "load more" page shows an archived
article. The articles of the revisit window are asked for by their archived
URLs. Every ``RTARABIC_SWEEP_HOURS`` a run is a ``sweep`` instead and walks every
listing as below; the feed storage records ``sweep`` in the run's ``runs`` row.

Date backfills collect the URLs of every sitemap kept for the window, then find
the window's run of ids with a binary search per edge (ids grow with time;
``sitemaps.EdgeSearch``), probing articles (or asking the archive when it holds
them), and fetch only that run.

A listing's walk is complete when it reaches the listing's end, or a page that
holds only skipped ids and reaches down to the newest id of the listing's last
complete walk (the archive's ``listings`` table); ``completed_walks`` maps each
listing walked completely in this run to the newest id on its landing page. Only
such a page stops paging early: a listing never walked completely (a first run
killed or cut short leaves holes below the articles it stored) is walked to its
end, or to ``max_pages``. The feed storage records ``completed_walks`` only when
the run finishes cleanly, so by induction every id of a covered listing, down to
the end of its first complete walk, was requested by some finished run.

Extraction is ``rtarabic.extract``; the item pipelines clean, check and
deduplicate. The README's "Crawling" section documents arguments and settings.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field, fields

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from rtarabic import extract, sitemaps
from rtarabic import urls as grammar
from rtarabic.arguments import parse_arguments
from rtarabic.dates import utc_now
from rtarabic.idset import IdSet
from rtarabic.items import ArticleItem
from rtarabic.middlewares import record_blocked

logger = logging.getLogger(__name__)

_ITEM_FIELDS = {f.name for f in fields(ArticleItem)}

# Priorities: each level of listing depth costs one step; an article found on a
# page comes just after that page's level and before the next page.
_STEP = 10
_HOP_PENALTY = 1000


def next_page_number(listing_urls: list[str], template: str) -> int:
    """The page a "load more" control asks for first: a number one of its URLs (or attributes) carries, else 0.

    The landing page shows the first items; its button names the next page (``.../10/1``), while the
    template may hold only a ``{page}`` placeholder.

    >>> next_page_number(["/listing/tag.x/noprepare/tag/10/{page}", "/listing/tag.x/noprepare/tag/10/1"], "")
    1
    >>> next_page_number([], "/listing/tag.x/noprepare/tag/10/{page}")
    0
    >>> next_page_number(["/listing/tag.x/noprepare/tag/10/"], "")  # 10 is the limit, not a page
    0
    >>> next_page_number(["/listing/tag.x/noprepare/tag/10/{page}", "1"], "")  # the control's page attribute
    1
    """
    for url in [*listing_urls, template]:
        # A whole number is the control's own page attribute; a URL names its page in its fifth segment.
        page = int(url.strip()) if url.strip().isdigit() else grammar.listing_page_number(url)
        if page is not None:
            return page
    return 0


def sweep_due(last_sweep: str | None, hours: float, now: dt.datetime | None = None) -> bool:
    """Whether a cron run should walk every listing: no finished sweep yet, or the last one is ``hours`` old.

    >>> sweep_due(None, 24), sweep_due("2026-12-01T09:00:00+00:00", 24, dt.datetime(2026, 12, 1, 20, tzinfo=dt.UTC))
    (True, False)
    >>> sweep_due("2026-12-01T09:00:00+00:00", 0, dt.datetime(2026, 12, 1, 9, 1, tzinfo=dt.UTC))
    True
    """
    if last_sweep is None or hours <= 0:
        return True
    elapsed = (now or dt.datetime.now(dt.UTC)) - dt.datetime.fromisoformat(last_sweep)
    return elapsed >= dt.timedelta(hours=hours)


def listing_priority(depth: int) -> int:
    """Priority of a listing page ``depth`` pages deep (landing pages and feeds are 0)."""
    return -_STEP * depth


def article_priority(depth: int, hops: int = 0) -> int:
    """Priority of an article found on a listing page ``depth`` deep, ``hops`` article links away."""
    return -_STEP * depth - _STEP // 2 - _HOP_PENALTY * hops


@dataclass
class SitemapBackfill:
    """A date backfill's candidates: every article id its sitemaps list (ascending, lastmod rule applied),
    their URLs, the searches for the window's two edges, and the probes awaiting an answer."""

    ids: list[int]
    urls: dict[int, str]
    low: sitemaps.EdgeSearch | None
    high: sitemaps.EdgeSearch | None
    in_flight: set[int] = field(default_factory=set)

    @property
    def searches(self) -> list[sitemaps.EdgeSearch]:
        return [search for search in (self.low, self.high) if search is not None]

    @property
    def done(self) -> bool:
        return all(search.done for search in self.searches) and not self.in_flight

    def window_ids(self) -> list[int]:
        """The ids published in the window, newest first (once ``done``)."""
        first = self.low.answer if self.low else 0
        end = self.high.answer if self.high else len(self.ids)
        return self.ids[first:end][::-1]


class RtarabicSpider(scrapy.Spider):
    """Crawls arabic.rt.com (or the site at RTARABIC_BASE_URL) for articles.

    The callbacks' contracts name live URLs of the offline replica's reference site
    (``python -m tests.replica --seed 1 --articles 300 --now 2026-12-01T09:00:00+00:00``);
    ``RebaseMiddleware`` sends them to RTARABIC_BASE_URL, so that
    ``scrapy check rtarabic -s RTARABIC_BASE_URL=<replica>`` checks them offline.
    """

    name = "rtarabic"

    def __init__(self, *args, sections=None, tags=None, max_pages=None, urls=None, urls_file=None,
                 since=None, until=None, ids=None, warc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.raw_arguments = dict(sections=sections, tags=tags, max_pages=max_pages, urls=urls,
                                  urls_file=urls_file, since=since, until=until, ids=ids, warc=warc)
        # Anything else given with -a is refused by parse_arguments (Scrapyd's _job excepted).
        self.other_arguments = dict(kwargs)
        # Bit arrays: these grow with the run (a 50,000-article backfill), a set of ints by ~60 bytes an id.
        self.requested = IdSet()
        self.extracted = IdSet()
        self.tags_seen: set[str] = set()
        self.listed = IdSet()
        self.listing_ids: dict[str, tuple[list[int], ...]] = {}
        self.archive = None
        self.unarchived: set[int] = set()
        self.recent: dict[int, str] = {}
        self.coverage: dict[str, int] = {}
        self.walk_tops: dict[str, int] = {}
        self.completed_walks: dict[str, int] = {}
        self.feed_first = False
        self.sweep = False
        self.feed_ids: set[int] = set()
        self.sitemaps_pending = 0
        self.sitemap_urls: dict[int, str] = {}
        self.backfill: SitemapBackfill | None = None
        self.sweep_only: set[int] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        return spider

    def configure(self, settings) -> None:
        """Reads settings and checks arguments (BadArgument stops the crawl before any request)."""
        self.base_url = settings.get("RTARABIC_BASE_URL").rstrip("/")
        self.args = parse_arguments(self.base_url, **self.raw_arguments, **self.other_arguments)
        host = grammar.urlsplit(self.base_url).hostname
        self.allowed_domains = [host] + ([grammar.SHORTLINK_HOST] if host == grammar.LIVE_HOST else [])
        default_pages = settings.getint("RTARABIC_MAX_PAGES")
        self.max_pages = self.args.max_pages or (default_pages if default_pages > 0 else None)
        # Backfills (sitemaps, id ranges) and explicit URLs fetch what they name, nothing they link to.
        self.discover = not (self.args.explicit or self.args.since or self.args.until or self.args.ids
                             or self.args.warc)
        self.max_hops = settings.getint("RTARABIC_ARTICLE_HOPS") if self.discover else 0
        self.sections = set(self.args.sections)
        # The home page, the feed and tag listings list articles of every section.
        self.every_section = self.sections == set(grammar.SECTIONS)
        self.window = None
        if self.args.since or self.args.until:
            self.window = sitemaps.parse_window(self.raw_arguments["since"], self.raw_arguments["until"])
        last_sweep = None
        if not (self.args.explicit or self.args.warc) and settings.getbool("RTARABIC_INCREMENTAL"):
            hours = settings.getfloat("RTARABIC_REVISIT_HOURS")
            self.recent, self.coverage, last_sweep = self.archived_state(settings.get("RTARABIC_DB"), hours)
            if self.coverage is not None:
                from rtarabic.archive import ArchiveLookup

                self.archive = ArchiveLookup(settings.get("RTARABIC_DB"))
                self.crawler.signals.connect(self.close_archive, signal=scrapy.signals.spider_closed)
                # A plain cron run (no sections, tags or max_pages asked for) reads the feed first.
                plain = self.discover and not any(self.raw_arguments[k] for k in ("sections", "tags", "max_pages"))
                self.feed_first = plain and not sweep_due(last_sweep, settings.getfloat("RTARABIC_SWEEP_HOURS"))
            self.coverage = self.coverage or {}
        # Recorded in the runs row (feeds.run_arguments): the next runs learn when the last sweep was.
        self.sweep = self.discover and self.every_section and not self.feed_first and self.max_pages is None
        if self.discover and self.archive is not None:
            logger.info("%(mode)s (last sweep: %(last)s)",
                        {"mode": "Sweep: every listing is walked" if self.sweep else "The feed comes first",
                         "last": last_sweep or "none"})

    @staticmethod
    def archived_state(db_path: str | None, revisit_hours: float) -> tuple[dict[int, str], dict[str, int] | None,
                                                                            str | None]:
        """``(id -> url of the articles published within the revisit window, listing coverage, last sweep)``;
        coverage None without an archive.

        The archived ids are not loaded (the archive holds up to a million): ``is_archived`` asks for each.
        """
        from rtarabic.archive import open_existing

        with open_existing(db_path) as archive:
            if archive is None:
                return {}, None, None
            since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=revisit_hours)).replace(microsecond=0)
            recent = archive.recent_urls(since.isoformat())
            coverage = archive.listing_coverage()
            last_sweep = archive.last_sweep()
        logger.info("Incremental run: %(recent)d archived articles to revisit, "
                    "%(covered)d listings walked completely before",
                    {"recent": len(recent), "covered": len(coverage)})
        return recent, coverage, last_sweep

    def close_archive(self, spider=None) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def is_archived(self, article_id: int) -> bool:
        """Whether the archive held ``article_id`` (or an id alias of it) when the run started.

        The archive is asked. Only this run's articles (and ids recorded as their aliases) enter it
        during the run, through the feed storage; ``parse_article`` notes which of them the archive
        did not hold before their item was yielded (``unarchived``), so they still count as new.
        """
        if self.archive is None or article_id in self.unarchived:
            return False
        return self.archive.is_known(article_id)

    # --- start ----------------------------------------------------------------------

    async def start(self):
        for request in self.start_requests_for_mode():
            # An id range is generated in step with the scheduler (Scrapy's lazy start pattern):
            # the engine would otherwise drain this generator first, the whole range into memory.
            if request.meta.get("id_range") and self.crawler.engine.needs_backout():
                await self.crawler.signals.wait_for(scrapy.signals.scheduler_empty)
            yield request

    def start_requests_for_mode(self):
        args = self.args
        if args.warc:
            yield from self.warc_requests()
            return
        if args.explicit:
            for url in args.urls:
                yield from self.article_requests([url], depth=0)
            return
        if args.since or args.until or args.ids:
            if args.since or args.until:
                yield scrapy.Request(grammar.sitemap_index_url(self.base_url), callback=self.parse_sitemap_index,
                                     priority=listing_priority(0))
            if args.ids:
                yield from self.id_requests(*args.ids)
            return
        if self.every_section:
            if not self.feed_first:
                yield self.listing_request(self.base_url + "/", "home", depth=0)
            self.crawler.stats.inc_value("rtarabic/requests/feed")
            yield scrapy.Request(grammar.rss_url(self.base_url), callback=self.parse_feed, errback=self.feed_failed,
                                 priority=listing_priority(0), meta={"revalidate": True})
        if self.feed_first:
            # No listing shows them all: the articles of the revisit window are asked for by their URLs.
            yield from self.article_requests(list(self.recent.values()), depth=1)
            return
        for section in args.sections:
            yield self.listing_request(grammar.section_url(section, self.base_url), f"section:{section}", depth=0)
        for slug in args.tags:
            request = self.tag_request(slug)
            if request:
                yield request

    def warc_requests(self):
        """Re-extraction: one request per article page stored in the ``-a warc=`` files (the newest 200 of
        each id), answered from its record by ``WarcReplayMiddleware``; the item names that record."""
        from rtarabic.replay import article_records

        skipped: dict[str, int] = {}
        pages = article_records(self.args.warc, self.base_url, skipped=skipped)
        stats = self.crawler.stats
        for reason, count in skipped.items():
            stats.set_value(f"rtarabic/warc/skipped/{reason}", count)
        logger.info("Re-extracting %(pages)d article pages from %(files)d WARC files (passed over: %(skipped)s)",
                    {"pages": len(pages), "files": len(self.args.warc), "skipped": skipped or "none"})
        if not pages:
            logger.warning("The WARC files hold no article page of %(base)s; set RTARABIC_BASE_URL to the site "
                           "they were crawled from", {"base": self.base_url})
        for page in pages:
            self.requested.add(page.article_id)
            stats.inc_value("rtarabic/requests/article")
            yield scrapy.Request(page.url, callback=self.parse_article, errback=self.article_failed,
                                 meta={"article_id": page.article_id, "hops": 0,
                                       "warc_replay": (str(page.path), page.offset),
                                       "warc_record": (page.path.name, page.offset)},
                                 dont_filter=True)

    def id_requests(self, first: int, last: int):
        """``/news/<id>`` for every id of the range, newest first; the site redirects each to its article.

        Lazy: ``start`` takes one request at a time, when the scheduler has room (the range is at most
        ``arguments.MAX_ID_RANGE`` ids).
        """
        self.crawler.stats.inc_value("rtarabic/progress/total", last - first + 1)  # rtarabic/progress.py
        for id_ in range(last, first - 1, -1):
            if id_ in self.requested:
                continue
            self.requested.add(id_)
            self.crawler.stats.inc_value("rtarabic/requests/article")
            yield scrapy.Request(grammar.news_id_url(id_, self.base_url), callback=self.parse_article,
                                 errback=self.article_failed,
                                 meta={"article_id": id_, "hops": 0, "id_range": True}, dont_filter=True)

    # --- request builders -------------------------------------------------------------

    def listing_request(self, url: str, listing: str, *, depth: int, template: str | None = None,
                        priority: int | None = None) -> scrapy.Request:
        self.crawler.stats.inc_value("rtarabic/requests/listing")
        return scrapy.Request(
            url,
            callback=self.parse_listing,
            priority=listing_priority(depth) if priority is None else priority,
            meta={"listing": listing, "depth_in_listing": depth, "template": template, "revalidate": True},
        )

    def tag_request(self, slug: str) -> scrapy.Request | None:
        if slug in self.tags_seen or self.feed_first:  # runs that read the feed first walk no tag listing
            return None
        self.tags_seen.add(slug)
        return self.listing_request(grammar.tag_url(slug, self.base_url), f"tag:{slug}", depth=0,
                                    priority=article_priority(0))

    def wanted(self, article_id: int) -> bool:
        """Whether an archived article should be fetched again: only within the revisit window."""
        return article_id in self.recent or not self.is_archived(article_id)

    def article_requests(self, links, *, depth: int, hops: int = 0):
        """One request per new article id among ``links``, at its canonical URL."""
        stats = self.crawler.stats
        for link in links:
            parts = grammar.article_parts(link, self.base_url)
            if parts is None:
                continue
            section, article_id, _slug = parts
            if article_id in self.requested:
                continue
            if not self.args.explicit:
                if section not in self.sections:
                    continue
                archived = self.is_archived(article_id)  # one archive query per link, not two
                if archived and article_id not in self.recent:
                    continue
                if archived:
                    stats.inc_value("rtarabic/requests/revisit")
            self.requested.add(article_id)
            stats.inc_value("rtarabic/requests/article")
            yield scrapy.Request(
                grammar.canonicalize(link, self.base_url),
                callback=self.parse_article,
                errback=self.article_failed,
                priority=article_priority(depth, hops),
                meta={"article_id": article_id, "hops": hops},
                # Deduplicated by id through ``requested``; the dupefilter need not keep their fingerprints.
                dont_filter=True,
            )

    # --- callbacks ----------------------------------------------------------------------

    def parse_listing(self, response):
        """Article links of a home/section/tag page or "load more" fragment, then tags and the next page.

        @url https://arabic.rt.com/sport/
        @returns requests 2
        """
        listing = response.meta.get("listing", "contract")
        depth = response.meta.get("depth_in_listing", 0)
        page = extract.parse(response.body)  # once, for links, tags and the "load more" control
        links = extract.listing_links(page, response.url, base_url=self.base_url)
        ids = [grammar.article_id(link, self.base_url) for link in links]
        self.count_listing_ids(ids)
        self.count_sweep_only(ids)
        yield from self.article_requests(links, depth=depth)
        if self.discover:
            for href in extract.tag_links(page):
                slug = grammar.tag_slug(response.urljoin(href), self.base_url)
                if slug:
                    request = self.tag_request(slug)
                    if request:
                        yield request
        next_page = self.next_listing_page(response, listing, depth, ids, page)
        if next_page:
            yield next_page

    def count_listing_ids(self, ids) -> None:
        """Counts the ids seen for the first time in this run on listings and feeds, and those not archived."""
        first = [i for i in ids if i is not None and self.listed.add(i)]
        stats = self.crawler.stats
        stats.inc_value("rtarabic/listing/ids_seen", len(first))
        stats.inc_value("rtarabic/listing/ids_new", sum(1 for i in first if not self.is_archived(i)))

    def count_sweep_only(self, ids) -> None:
        """In a sweep, notes the new articles a listing shows, for ``count_not_in_feed``."""
        if self.sweep:
            self.sweep_only |= {i for i in ids if i is not None and i not in self.sweep_only
                                and not self.is_archived(i)}
            self.count_not_in_feed()

    def count_not_in_feed(self) -> None:
        """``rtarabic/sweep/not_in_feed``: new articles the listings show that the feed left out although they
        are newer than its oldest item (ids grow with time), i.e. articles a cron run reading the feed misses.

        Older ones are not counted: the feed is a window of the newest articles. The feed and the listings
        are parsed in any order, so the count is recomputed as either arrives (over this run's new ids only).
        """
        oldest = min(self.feed_ids) if self.feed_ids else None
        missed = sum(1 for i in self.sweep_only if i not in self.feed_ids and (oldest is None or i > oldest))
        self.crawler.stats.set_value("rtarabic/sweep/not_in_feed", missed)

    def next_listing_page(self, response, listing: str, depth: int, ids: list[int | None], page=None):
        """The next "load more" page, unless this page ended the walk of the listing.

        A walk ends complete at the listing's end (no "load more", a page with nothing new) or at a page
        of skipped ids that reaches the listing's recorded coverage; it ends incomplete at ``max_pages``.
        The landing page's ids are not compared with the fragments': the first fragment may repeat them.
        """
        ids = [i for i in ids if i is not None]
        if depth == 0 and ids:
            self.walk_tops[listing] = max(ids)
        if depth > 0:
            # Only the ids of the two pages before this one are kept, not every id the walk has seen:
            # a page repeats at most the tail of the page before it (articles published during the
            # walk push items down), so they tell fresh ids from repeated ones, in memory bounded
            # per listing whatever the walk's length (the second page covers a burst of new articles
            # longer than a page).
            pages = self.listing_ids.get(listing, ())
            fresh = [i for i in ids if not any(i in page for page in pages)]
            self.listing_ids[listing] = (*pages[-1:], ids)
        else:
            fresh = ids
        if not fresh:
            return self.walk_completed(listing)
        if not any(self.wanted(i) for i in fresh) and self.reaches_coverage(listing, ids):
            self.crawler.stats.inc_value("rtarabic/listing/stopped_known")
            return self.walk_completed(listing)
        if self.feed_first and depth > 0 and any(self.is_archived(i) for i in ids):
            # The feed did not reach the archive; this page of the newest-first listing does. (The home
            # page itself also shows older articles in other blocks: only its "load more" pages decide.)
            self.crawler.stats.inc_value("rtarabic/listing/stopped_archived")
            return None
        if self.max_pages is not None and depth + 1 >= self.max_pages:
            return None
        page = page if page is not None else extract.parse(response.body)
        template = response.meta.get("template") or extract.load_more_url(
            page, response.url, base_url=self.base_url
        )
        if not template or grammar.page_kind(template, self.base_url) == "offsite":
            return self.walk_completed(listing)
        first = response.meta.get("first_page")
        if first is None:
            first = next_page_number(extract.listing_attribute_urls(page), template)
        request = self.listing_request(grammar.listing_page_url(template, first + depth), listing,
                                       depth=depth + 1, template=template)
        request.meta["first_page"] = first
        return request

    def reaches_coverage(self, listing: str, ids: list[int]) -> bool:
        """Whether this page reaches down to the newest id of the listing's last complete walk.

        Below such a page (listings run newest first) every article was listed when that walk ran.
        """
        covered = self.coverage.get(listing)
        return covered is not None and min(ids) <= covered

    def walk_completed(self, listing: str) -> None:
        """Notes a walk that reached its end, for the archive to record if the run finishes cleanly.

        In a run limited to some sections, the home page and tag listings also list articles of other
        sections, which it skipped: those walks cover nothing.
        """
        top = self.walk_tops.get(listing)
        if top is not None and (listing.startswith("section:")
                                or (self.every_section and (listing == "home" or listing.startswith("tag:")))):
            self.completed_walks[listing] = top
            self.crawler.stats.inc_value("rtarabic/listing/walks_completed")
        return None

    def parse_feed(self, response):
        """Article links of the RSS feed, newest first.

        @url https://arabic.rt.com/rss/
        @returns items 0 0
        @returns requests 10
        """
        links = response.xpath("//item/link/text()").getall() or response.xpath("//*[local-name()='link']/text()").getall()
        ids = [i for i in (grammar.article_id(link.strip(), self.base_url) for link in links) if i]
        self.count_listing_ids(ids)
        self.feed_ids.update(ids)
        if self.sweep:
            self.count_not_in_feed()
        yield from self.article_requests([link.strip() for link in links], depth=0)
        if self.feed_first:
            yield from self.after_feed(any(self.is_archived(i) for i in ids))

    def after_feed(self, reached: bool):
        """A run that read the feed first: done if the feed reached an archived article, else walk the
        site-wide newest-first listing (the home page's) until a page does."""
        stats = self.crawler.stats
        if reached:
            stats.set_value("rtarabic/feed/reached_archive", 1)
            return
        stats.set_value("rtarabic/feed/reached_archive", 0)
        logger.info("The feed reaches no archived article: walking the home page's listing until one")
        yield self.listing_request(self.base_url + "/", "home", depth=0)

    def feed_failed(self, failure):
        """The feed could not be read: a run that read it first walks the home page's listing instead."""
        logger.warning("Could not read the feed %(url)s: %(error)s",
                       {"url": failure.request.url, "error": failure.getErrorMessage()})
        if self.feed_first:
            yield from self.after_feed(False)

    def parse_sitemap_index(self, response):
        """Yearly sitemaps that can hold articles of the ``since``/``until`` window."""
        children = sitemaps.select_children(response.body, self.window)
        self.sitemaps_pending = len(children)
        for url in children:
            self.crawler.stats.inc_value("rtarabic/requests/sitemap")
            yield scrapy.Request(grammar.rebase(url, self.base_url), callback=self.parse_sitemap,
                                 errback=self.sitemap_failed, priority=listing_priority(1))

    def parse_sitemap(self, response):
        """Collects the article URLs of a sitemap not last modified before ``since``; after the last sitemap,
        the window's articles.

        Ids grow with publication time: one binary search per edge of the window (``sitemaps.EdgeSearch``)
        over every collected id finds the window's run of ids with a few probes, and only that run is
        fetched, newest first.
        """
        for url, _lastmod in sitemaps.select_urls(response.body, self.window):
            parts = grammar.article_parts(url, self.base_url)
            if parts is not None:
                self.sitemap_urls.setdefault(parts[1], url)
        yield from self.sitemap_done()

    def sitemap_failed(self, failure):
        logger.warning("Could not read the sitemap %(url)s: %(error)s",
                       {"url": failure.request.url, "error": failure.getErrorMessage()})
        yield from self.sitemap_done()

    def sitemap_done(self):
        self.sitemaps_pending -= 1
        if self.sitemaps_pending > 0:
            return
        ids = sorted(self.sitemap_urls)
        low, high = sitemaps.edge_searches(ids, self.window)
        self.backfill = SitemapBackfill(ids, self.sitemap_urls, low, high)
        yield from self.advance_backfill()

    def advance_backfill(self):
        """The next probes of the edge searches; once both are done, the window's articles."""
        backfill = self.backfill
        for search in backfill.searches:
            while not search.done:
                article_id = search.probe()
                published = self.archive.published_of(article_id) if self.archive is not None else None
                if published is not None:  # the archive knows when it was published: no request
                    for each in backfill.searches:
                        each.record(article_id, sitemaps.parse_time(published))
                    continue
                if article_id not in backfill.in_flight:
                    backfill.in_flight.add(article_id)
                    yield self.probe_request(article_id, backfill.urls[article_id])
                break
        if not backfill.done:
            return
        window_ids = backfill.window_ids()
        # Only these are expected in the archive (the run's health compares them with what it stored).
        self.count_listing_ids(window_ids)
        self.crawler.stats.set_value("rtarabic/backfill/listed", len(backfill.ids))
        self.crawler.stats.set_value("rtarabic/backfill/in_window", len(window_ids))
        self.backfill = None
        for request in self.article_requests([backfill.urls[i] for i in window_ids], depth=1):
            self.crawler.stats.inc_value("rtarabic/progress/total")  # rtarabic/progress.py
            yield request

    def probe_request(self, article_id: int, url: str) -> scrapy.Request:
        """An article fetched for its publication time (and stored, if it belongs to the window)."""
        self.requested.add(article_id)
        self.crawler.stats.inc_value("rtarabic/requests/article")
        self.crawler.stats.inc_value("rtarabic/backfill/probes")
        self.crawler.stats.inc_value("rtarabic/progress/total")  # a probe is an article page too
        return scrapy.Request(grammar.canonicalize(url, self.base_url), callback=self.parse_article,
                              errback=self.probe_failed, priority=listing_priority(0),
                              meta={"article_id": article_id, "hops": 0, "probe": True}, dont_filter=True)

    def probe_answered(self, meta: dict, published: dt.datetime | None):
        """Records a probe's publication time (None: unreadable, the search widens) and goes on."""
        backfill, article_id = self.backfill, meta.get("article_id")
        if backfill is None or article_id not in backfill.in_flight:
            return
        backfill.in_flight.discard(article_id)
        for search in backfill.searches:
            search.record(article_id, published)
        yield from self.advance_backfill()

    def probe_failed(self, failure):
        """A probe that got no page: the AMP copy may still answer it; else its search widens."""
        retried = False
        for request in self.article_failed(failure):
            retried = True
            yield request
        if not retried:
            yield from self.probe_answered(failure.request.meta, None)

    def parse_article(self, response):
        """One article page -> one ArticleItem (and, unless explicit, the tag pages and articles it links).

        @url https://arabic.rt.com/business/1849596-%D9%85%D9%88%D8%B3%D9%83%D9%88-%D8%A7%D8%B4%D8%AA%D8%A8%D8%A7%D9%83%D8%A7%D8%AA-%D8%B9%D9%86%D9%8A%D9%81%D8%A9-%D9%81%D9%8A-%D9%85%D8%AD%D9%8A%D8%B7-%D8%A7%D9%84%D9%85%D8%AF%D9%8A%D9%86%D8%A9-%D8%B5%D9%88%D8%B1-%D9%81%D9%8A%D8%AF%D9%8A%D9%88/
        @returns items 1 1
        @scrapes id url section title summary body source published tags image crawled_at
        """
        # Parsed once: extraction, interstitial detection and link discovery share the tree.
        page = extract.parse(response.body)
        extraction = extract.extract_article(page, response.url, base_url=self.base_url)
        self.count_extraction(extraction)
        probe = "probe" in response.meta
        if extraction.article is None:
            retried = False
            for request in self.handle_problem(response, extraction.problem):
                retried = True
                yield request
            if probe and not retried:
                yield from self.probe_answered(response.meta, None)
            return
        article = extraction.article
        if probe:
            yield from self.probe_answered(response.meta, sitemaps.parse_time(article.get("published")))
        if self.window and not self.window.contains(sitemaps.parse_time(article.get("published"))):
            self.crawler.stats.inc_value("rtarabic/backfill/outside_window")
            return
        if article["id"] in self.extracted:
            self.crawler.stats.inc_value("rtarabic/extract/repeated")
            return
        self.extracted.add(article["id"])
        self.requested.add(article["id"])
        if self.archive is not None and not self.archive.is_known(article["id"]):
            self.unarchived.add(article["id"])  # still new once the feed storage has written it
        values = {k: v for k, v in article.items() if k in _ITEM_FIELDS}
        yield ArticleItem(**values, crawled_at=utc_now(), page_headlines=list(extraction.headlines))
        yield from self.follow_from_article(response, article, page)

    def follow_from_article(self, response, article: dict, page=None):
        hops = response.meta.get("hops", 0)
        if not self.discover:
            return
        for tag in article.get("tags") or []:
            request = self.tag_request(tag["slug"]) if tag.get("slug") else None
            if request:
                yield request
        if hops >= self.max_hops:
            return
        links = extract.listing_links(page if page is not None else response.body, response.url,
                                      base_url=self.base_url)
        yield from self.article_requests(links, depth=1, hops=hops + 1)
        for link in article.get("links") or []:
            target = grammar.shortlink_url(link, self.base_url)
            if target:
                yield scrapy.Request(target, callback=self.parse_article, errback=self.article_failed,
                                     priority=article_priority(1, hops + 1), meta={"hops": hops + 1})

    def count_extraction(self, extraction) -> None:
        """Counts how an article was read. An article read generically (no layout matched) is
        stored, yet counts as ``rtarabic/extract/failed/unknown-layout`` as well, not as a layout:
        the drift alarm of run health (the failed share) still fires on a redesign."""
        stats = self.crawler.stats
        if extraction.article is None:
            return
        if extraction.layout == extract.GENERIC:
            stats.inc_value("rtarabic/extract/generic")
            stats.inc_value("rtarabic/extract/failed")
            stats.inc_value("rtarabic/extract/failed/unknown-layout")
        else:
            stats.inc_value(f"rtarabic/extract/layout/{extraction.layout}")
        if extraction.fallbacks:
            stats.inc_value("rtarabic/extract/fallback")
            for name in extraction.fallbacks:
                stats.inc_value(f"rtarabic/extract/fallback/{name}")
        for name in extraction.missing:
            stats.inc_value(f"rtarabic/extract/missing/{name}")

    def handle_problem(self, response, problem: str | None):
        """Counts a page that gave no article; retries a truncated one, tries AMP for an unknown layout."""
        stats = self.crawler.stats
        if problem == "not-article":
            stats.inc_value("rtarabic/nonarticle")
            return
        if problem == "interstitial":
            record_blocked(stats, "ddos_guard", response.status, response.url)
            return
        if problem == "truncated":
            retry = self.retry_truncated(response)
            if retry is not None:
                yield retry
                return
        stats.inc_value("rtarabic/extract/failed")
        stats.inc_value(f"rtarabic/extract/failed/{problem}")
        logger.warning("No article at %(url)s: %(problem)s", {"url": response.url, "problem": problem})

    def retry_truncated(self, response) -> scrapy.Request | None:
        """The same request again (Scrapy's retry rules: RETRY_TIMES, RETRY_PRIORITY_ADJUST), when a page
        stopped mid-body. Counted in ``retry/count`` and ``retry/reason_count/truncated`` with the rest."""
        return get_retry_request(response.request, spider=self, reason="truncated")

    def article_failed(self, failure):
        """An article request that got no usable answer: try its AMP copy once when the canonical page fails."""
        request = failure.request
        stats = self.crawler.stats
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt, offsite or an interstitial: counted where it was decided
        status = failure.value.response.status if failure.check(HttpError) else None
        reason = f"http_{status}" if status else type(failure.value).__name__
        stats.inc_value(f"rtarabic/fetch/failed/{reason}")
        parts = grammar.article_parts(request.url, self.base_url)
        # The id-only form (/news/<id>, slug None) is a redirect with no AMP copy of its own.
        if status and status >= 500 and not request.meta.get("amp") and parts and parts[2] is not None:
            logger.info("%(url)s answered %(status)d; trying its AMP copy", {"url": request.url, "status": status})
            yield request.replace(url=grammar.amp_url(request.url), meta={**request.meta, "amp": True},
                                  dont_filter=True)
            return
        logger.warning("Could not fetch %(url)s: %(reason)s", {"url": request.url, "reason": reason})
