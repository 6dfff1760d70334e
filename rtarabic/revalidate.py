"""Conditional requests for listings and feeds, through Scrapy's HTTP cache.

A cron run asks for ``/rss/`` and, in sweeps, every listing page again. When the
site gives validators (``ETag``, ``Last-Modified``), the page is asked for with
``If-None-Match``/``If-Modified-Since``, and a ``304 Not Modified`` answer is
replaced by the copy kept from the last time, which the spider parses as usual.

This is Scrapy's own ``HttpCacheMiddleware`` with a policy that keeps only
pages the spider marks (``meta["revalidate"]``: feeds and listings, never
articles), and that never trusts a kept copy without asking the site: no
freshness heuristics, and a 5xx or a download error is an error, not a reason to use the old
copy (RetryMiddleware sees it: ``NoStaleCopies`` replaces the cache middleware for that). The add-on turns it on next to the archive
(``rtarabic.db`` -> ``rtarabic.httpcache/``) when ``RTARABIC_CONDITIONAL_REQUESTS`` is true.
Stats: Scrapy's ``httpcache/revalidate`` (304s), ``httpcache/invalidate``,
``httpcache/firsthand``, ``httpcache/miss``. README: "Incremental runs".
"""

import logging
from pathlib import Path

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy

logger = logging.getLogger(__name__)


class RevalidatePolicy(RFC2616Policy):
    """Keep feeds and listings that carry a validator; always revalidate; only a 304 reuses the copy."""

    def should_cache_request(self, request) -> bool:
        return bool(request.meta.get("revalidate")) and super().should_cache_request(request)

    def should_cache_response(self, response, request) -> bool:
        return (response.status == 200 and b"no-store" not in self._parse_cachecontrol(response)
                and (b"ETag" in response.headers or b"Last-Modified" in response.headers))

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304


def cache_dir(db_path: str) -> str:
    """Where the kept feeds and listings of an archive live: beside it, named after it (not prefixed by
    its file name, which names only the archive's own files: the WAL, the lock).

    >>> cache_dir("/srv/rtarabic/rtarabic.db")
    '/srv/rtarabic/rtarabic.httpcache'
    """
    return str(Path(db_path).absolute().with_suffix(".httpcache"))


class NoStaleCopies(HttpCacheMiddleware):
    """Scrapy's cache middleware without its error recovery: a feed or listing that fails to download
    (a timeout, a refused connection) goes to RetryMiddleware instead of being answered with the copy kept
    last time, whose stale items would end a cron run's walk before the new articles."""

    def process_exception(self, request, exception):
        request.meta.pop("cached_response", None)


class KeptCopies(FilesystemCacheStorage):
    """Scrapy's filesystem cache storage, except that a copy it cannot write (a full disk) costs only the
    next run's conditional request for that page: logged once, counted in ``rtarabic/httpcache/store_failed``,
    and the response goes on to the spider."""

    def open_spider(self, spider) -> None:
        super().open_spider(spider)
        self.stats = spider.crawler.stats
        self.warned = False

    def store_response(self, spider, request, response) -> None:
        try:
            super().store_response(spider, request, response)
        except OSError as error:
            self.stats.inc_value("rtarabic/httpcache/store_failed")
            if not self.warned:
                self.warned = True
                logger.warning("Could not keep a copy of %(url)s for conditional requests (%(error)s); "
                               "the page is used all the same", {"url": request.url, "error": error})


class ConditionalRequests:
    """Add-on: Scrapy's HTTP cache with ``RevalidatePolicy``, beside ``RTARABIC_DB``.

    Settings given explicitly (``-s HTTPCACHE_ENABLED=False``, ``-s HTTPCACHE_DIR=...``) win.
    """

    def update_settings(self, settings) -> None:
        db = settings.get("RTARABIC_DB")
        if not settings.getbool("RTARABIC_CONDITIONAL_REQUESTS") or not db:
            return
        settings.set("HTTPCACHE_ENABLED", True, priority="addon")
        settings.set("HTTPCACHE_POLICY", "rtarabic.revalidate.RevalidatePolicy", priority="addon")
        settings.set("HTTPCACHE_STORAGE", "rtarabic.revalidate.KeptCopies", priority="addon")
        settings.replace_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES_BASE", HttpCacheMiddleware, NoStaleCopies)
        settings.set("HTTPCACHE_DIR", cache_dir(db), priority="addon")
