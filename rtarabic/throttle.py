"""One delay controller: Scrapy's AutoThrottle, which also backs off when the site says "too much".

AutoThrottle adapts a host's download delay to its latency, and on an error
answer it only refuses to shorten the delay. ``BackoffThrottle`` is AutoThrottle
(it replaces it in ``EXTENSIONS``) with one rule added: a 429 or 5xx answer
(``RTARABIC_BACKOFF_HTTP_CODES``) sets the delay to its ``Retry-After`` (seconds
or an HTTP date) or doubles it, at least ``AUTOTHROTTLE_START_DELAY`` and at most
``AUTOTHROTTLE_MAX_DELAY``; later successes bring it down AutoThrottle's way.
Scrapy's RetryMiddleware retries those answers, at the pace this sets.

With ``AUTOTHROTTLE_ENABLED = False`` (the tests) and ``RTARABIC_BACKOFF_ENABLED``
still on, only the back-off rule runs, and each success halves the distance back
to ``DOWNLOAD_DELAY``. Settings are documented in settings.py; README: "Crawling".
"""

import logging
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle

from rtarabic.dates import parse_rfc822

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or None.

    >>> retry_after_seconds("30"), retry_after_seconds("soon")
    (30.0, None)
    >>> retry_after_seconds("Wed, 02 Dec 2026 07:00:30 GMT", now=datetime(2026, 12, 2, 7, 0, tzinfo=UTC))
    30.0
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_rfc822(value)
    if when is None:
        return None
    seconds = (datetime.fromisoformat(when) - (now or datetime.now(UTC))).total_seconds()
    return max(seconds, 0.0)


def backoff_delay(current: float, *, base: float, maximum: float, retry_after: str | None = None) -> float:
    """The download delay after a 429/5xx: what Retry-After asks, else double (at least ``base``), capped.

    >>> backoff_delay(0, base=1, maximum=60), backoff_delay(8, base=1, maximum=10), backoff_delay(1, base=1, maximum=60, retry_after="30")
    (1, 10, 30.0)
    """
    asked = retry_after_seconds(retry_after)
    if asked is not None:
        return min(max(asked, base), maximum)
    return min(max(current * 2, base), maximum)


class BackoffThrottle(AutoThrottle):
    """AutoThrottle plus back-off on 429/5xx; counts each back-off in ``rtarabic/backoff``."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.adapts = settings.getbool("AUTOTHROTTLE_ENABLED")
        self.backs_off = settings.getbool("RTARABIC_BACKOFF_ENABLED")
        self.codes = {int(code) for code in settings.getlist("RTARABIC_BACKOFF_HTTP_CODES")}
        if self.adapts:
            super().__init__(crawler)
        elif not self.backs_off:
            raise NotConfigured  # both switched off on purpose
        else:
            # AutoThrottle's own __init__ refuses to run disabled; connect what the back-off needs.
            self.crawler = crawler
            self.debug = False
            crawler.signals.connect(self._spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)

    def _spider_opened(self, spider) -> None:
        if self.adapts:
            super()._spider_opened(spider)
        else:  # the delay stays DOWNLOAD_DELAY until the site asks for less
            self.mindelay = self._min_delay()
            self.maxdelay = self._max_delay()

    def _adjust_delay(self, slot, latency: float, response) -> None:
        if self.backs_off and response.status in self.codes:
            retry_after = response.headers.get("Retry-After", b"").decode("latin-1") or None
            slot.delay = backoff_delay(slot.delay, base=self._start_delay(), maximum=self.maxdelay,
                                       retry_after=retry_after)
            self.crawler.stats.inc_value("rtarabic/backoff")
            logger.info("%(status)d from %(url)s: download delay now %(delay).2fs",
                        {"status": response.status, "url": response.url, "delay": slot.delay})
        elif self.adapts:
            super()._adjust_delay(slot, latency, response)
        elif response.status < 400 and slot.delay > self.mindelay:
            slot.delay = max(self.mindelay, (slot.delay + self.mindelay) / 2)
