"""Fail fast when the site cannot be reached, and never call such a run healthy.

- ``StartPages`` (spider middleware) marks the requests of ``Spider.start()``
  and counts them (``rtarabic/start/requests``).
- ``Reachability`` (downloader middleware, before RetryMiddleware sees a
  failure) counts start pages answered below 400 (``rtarabic/start/answered``),
  and while no response at all has come from the site, counts DNS and
  connection failures (retries included). At ``RTARABIC_UNREACHABLE_AFTER``
  (default 3) it logs one line (what failed, what to check, that ``make demo``
  works offline), records it (``rtarabic/unreachable``) and closes the spider
  with finish reason ``site_unreachable``; the verdict (``rtarabic/health.py``)
  then gives exit status 6. A run whose start pages all failed is unhealthy
  whatever the settings.
- ``ShortConnectionErrors``, a logging filter, turns Scrapy's traceback for a
  request that failed to connect into one line with the reason.

README: "Exit statuses".
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from twisted.internet.error import ConnectError, DNSLookupError
from twisted.web._newclient import ResponseNeverReceived

from rtarabic import health

logger = logging.getLogger(__name__)

#: Failures that mean the host could not be reached at all: Scrapy's own (2.14+) and Twisted's
#: (ConnectError covers refused, timed out, no route). A timeout counts only while nothing has
#: answered; a connection that opened and then broke is a different fault.
CONNECTION_ERRORS = (CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError,
                     DNSLookupError, ConnectError)

START = "rtarabic_start"


def unreachable_message(base_url: str, failures: int, first: BaseException) -> str:
    """The one line of a run stopped because the site cannot be reached.

    >>> unreachable_message("https://arabic.rt.com", 3, DNSLookupError("no results"))[:60]
    'site unreachable: 3 DNS or connection failures and no respon'
    """
    return (
        f"site unreachable: {failures} DNS or connection failures and no response from {base_url} "
        f"(first: {_reason(first)}); check RTARABIC_BASE_URL, the network and DNS "
        "(`make demo` crawls the offline replica and works without a network)"
    )


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".strip()


class StartPages:
    """Marks and counts the requests ``Spider.start()`` yields."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        async for item_or_request in start:
            if isinstance(item_or_request, Request):
                item_or_request.meta[START] = True
                self.crawler.stats.inc_value(health.START_REQUESTS)
            yield item_or_request


class Reachability:
    """Stops a run that reaches nothing; counts start pages answered (setting ``RTARABIC_UNREACHABLE_AFTER``)."""

    def __init__(self, crawler, after: int):
        self.crawler = crawler
        self.after = after
        self.answered = False
        self.failures = 0
        self.first: BaseException | None = None
        self.stopped = False

    @classmethod
    def from_crawler(cls, crawler):
        after = crawler.settings.getint("RTARABIC_UNREACHABLE_AFTER")
        if after < 1:
            raise NotConfigured("RTARABIC_UNREACHABLE_AFTER < 1: an unreachable site is noticed only at the end")
        install_log_filter()
        return cls(crawler, after)

    def process_request(self, request):
        # Requests still on their way (held by robots.txt, retries) would each wait their download
        # delay and fail again before the engine can close.
        if self.stopped:
            raise IgnoreRequest("the site is unreachable; the run is stopping")
        return None

    def process_response(self, request, response):
        # Redirects (600) come back before this, retries (550) after: a start page counts once, at its answer.
        self.answered = True
        if request.meta.get(START) and response.status < 400:
            self.crawler.stats.inc_value(health.START_ANSWERED)
        return response

    def process_exception(self, request, exception):
        if self.answered or self.stopped or not isinstance(exception, CONNECTION_ERRORS):
            return None
        self.failures += 1
        self.first = self.first or exception
        if self.failures >= self.after:
            self.stop()
        return None

    def stop(self) -> None:
        self.stopped = True
        base_url = self.crawler.settings.get("RTARABIC_BASE_URL")
        message = unreachable_message(base_url, self.failures, self.first)
        logger.error("%(message)s", {"message": message})
        self.crawler.stats.set_value(health.UNREACHABLE, message)
        health.stop_run(self.crawler, health.UNREACHABLE_REASON)


class ShortConnectionErrors(logging.Filter):
    """One line, not a traceback, for a request that could not connect (Scrapy logs it with ``exc_info``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, CONNECTION_ERRORS + (ResponseNeverReceived,)) and isinstance(record.args, dict):
            if "f_exception" not in record.args:
                record.msg = f"{record.msg}: %(rtarabic_reason)s"
                record.args = {**record.args, "rtarabic_reason": _reason(error)}
            record.exc_info, record.exc_text = None, None
        return True


_FILTER = ShortConnectionErrors()
#: Scrapy's loggers that report a failed download with a traceback.
_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")


def install_log_filter() -> None:
    for name in _LOGGERS:
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
