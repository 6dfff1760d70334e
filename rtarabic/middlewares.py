"""Downloader middlewares: base-URL rewriting, exact offsite filtering, anti-bot interstitial detection.

- ``SiteOffsiteMiddleware`` is Scrapy's offsite filter made exact: only the
  base URL's own scheme, host and port are fetched (Scrapy compares host names,
  so a redirect to another port of the same host would pass).
- ``RebaseMiddleware`` sends requests for arabic.rt.com (and its mirrors) to
  ``RTARABIC_BASE_URL`` when that differs: contracts (``scrapy check``) carry
  static live URLs, and pages may hold absolute live links.
- ``InterstitialMiddleware`` recognises anti-bot answers (DDoS-Guard and the
  like), counts them in ``rtarabic/blocked`` and ``rtarabic/blocked/<kind>``,
  says once what to do, and drops them so that nothing stores them.

Settings are documented in settings.py; the README's "Crawling" section explains them.
"""

import logging
import re

from scrapy import signals
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured

from rtarabic import urls

logger = logging.getLogger(__name__)

# Markers of anti-bot challenge pages, in priority order: (kind, pattern over headers+body).
_INTERSTITIALS = (
    ("ddos_guard", re.compile(rb"ddos-guard|ddosguard|__ddg[0-9_]", re.I)),
    ("cloudflare", re.compile(rb"cf-chl|challenge-platform|just a moment\.\.\.|attention required! \| cloudflare", re.I)),
    ("captcha", re.compile(rb"g-recaptcha|h-captcha|captcha-delivery|are you a robot", re.I)),
    ("js_check", re.compile(rb"checking your browser|enable javascript and cookies to continue", re.I)),
)


def interstitial_kind(status: int, headers: dict[str, str], body: bytes) -> str | None:
    """The kind of anti-bot interstitial this answer is ("ddos_guard", "cloudflare", ...), or None.

    Only short pages are examined: an article that merely mentions DDoS-Guard is not a challenge.

    >>> interstitial_kind(403, {"Server": "ddos-guard"}, b"<html>Checking your browser</html>")
    'ddos_guard'
    >>> interstitial_kind(200, {}, b"<html><h1>ok</h1></html>") is None
    True
    """
    head = " ".join(f"{k}: {v}" for k, v in headers.items()).encode("utf-8", "replace")
    if len(body) > 64 * 1024 and status == 200:
        return None
    for kind, pattern in _INTERSTITIALS:
        if pattern.search(head) or pattern.search(body[: 64 * 1024]):
            return kind
    return None


def blocked_message(kind: str, status: int, host: str, count: int) -> str:
    """What to tell the operator the first time the site answers with an interstitial."""
    name = kind.replace("_", "-").title().replace("Ddos", "DDoS")
    return (
        f"{host} answered with a {name} interstitial ({status}); slow down (DOWNLOAD_DELAY, "
        f"AUTOTHROTTLE_TARGET_CONCURRENCY), or run from another network; {count} pages blocked so far"
    )


def record_blocked(stats, kind: str, status: int, url: str) -> None:
    """Counts a blocked page in the stats; the run's first one logs the advice (middleware and spider alike).

    :param stats: the crawler's stats collector, which knows whether this is the run's first block
    """
    stats.inc_value("rtarabic/blocked")
    stats.inc_value(f"rtarabic/blocked/{kind}")
    count = stats.get_value("rtarabic/blocked")
    if count == 1:
        host = url.split("/")[2] if "//" in url else url
        logger.warning("%(message)s", {"message": blocked_message(kind, status, host, count)})
    else:
        logger.debug("Blocked (%(kind)s, %(status)d): %(url)s", {"kind": kind, "status": status, "url": url})


class InterstitialMiddleware:
    """Drops anti-bot interstitials (never stored), counting them per kind."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        headers = {k.decode("latin-1"): b",".join(v).decode("latin-1") for k, v in response.headers.items()}
        kind = interstitial_kind(response.status, headers, response.body)
        if kind is None:
            return response
        record_blocked(self.stats, kind, response.status, response.url)
        raise IgnoreRequest(f"{kind} interstitial at {response.url}")

    def spider_closed(self, spider):
        count = self.stats.get_value("rtarabic/blocked")
        if count:
            logger.warning("%(count)d pages were anti-bot interstitials and were not stored", {"count": count})


class RebaseMiddleware:
    """Rewrites requests for arabic.rt.com or a mirror onto RTARABIC_BASE_URL when the base is elsewhere."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    @classmethod
    def from_crawler(cls, crawler):
        base_url = crawler.settings.get("RTARABIC_BASE_URL")
        if base_url.split("/")[2] == urls.LIVE_HOST:
            raise NotConfigured("RTARABIC_BASE_URL is the live site")
        return cls(base_url)

    def process_request(self, request):
        target = urls.rebase(request.url, self.base_url)
        shortlink = urls.shortlink_url(request.url, self.base_url)
        target = shortlink or target
        if target != request.url:
            return request.replace(url=target)
        return None


class SiteOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's OffsiteMiddleware, also requiring the base URL's scheme and port (``urls.is_fetchable``).

    It filters redirects too: Scrapy sends every redirected request through the downloader
    middlewares again. Unlike Scrapy's, it filters ``dont_filter`` requests as well on their way to
    the downloader (only the ``allow_offsite`` meta key lets a request leave the site).
    """

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.base_url = crawler.settings.get("RTARABIC_BASE_URL")
        return middleware

    def should_follow(self, request, spider):
        return super().should_follow(request, spider) and urls.is_fetchable(request.url, self.base_url)

    def request_scheduled(self, request, spider=None):
        # Scrapy's own check when a request is scheduled, before RebaseMiddleware: ``scrapy check``
        # schedules its contract requests (dont_filter) for live URLs that are rebased later.
        super().process_request(request)

    def process_request(self, request, spider=None):
        # On the way to the downloader (after RebaseMiddleware), Scrapy lets dont_filter requests go
        # anywhere. Ours set it only to skip the dupefilter (article requests, deduplicated by id in
        # the spider; retries; AMP fallbacks), and a redirect inherits it: they stay on the site too.
        # Only ``allow_offsite`` lets a request out.
        if request.dont_filter and not request.meta.get("allow_offsite"):
            request = request.replace(dont_filter=False)
        return super().process_request(request)
