"""Progress of a backfill: articles done of the total, rate and time left, logged at a steady interval.

A backfill (``-a ids=FROM-TO``, ``-a since=/until=``) knows how many articles it will ask for:
the spider adds the size of the id range, or the article URLs it selects from each sitemap, to the
stat ``rtarabic/progress/total``. Every ``RTARABIC_PROGRESS_INTERVAL`` seconds (default 60; 0
turns it off) :class:`BackfillProgress` logs, like Scrapy's LogStats::

    Backfill: 1200 of 5000 article pages (24.0%), 310 pages/min, about 12m 15s left

and at the end of the run::

    Backfill finished (finished): 5000 of 5000 article pages in 16m 02s (312 pages/min)

An article is done when its request has left the downloader once (answered or failed), whatever
came of it; redirects, retries and its AMP copy count once. Runs without a total (incremental
runs, ``-a urls=``) log nothing. The README's "Backfills beside cron" shows the lines.
"""

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from rtarabic.idset import IdSet

logger = logging.getLogger(__name__)

#: Stats keys: what the spider will ask for, and what is done (kept up to date by the extension).
TOTAL = "rtarabic/progress/total"
DONE = "rtarabic/progress/done"


def format_duration(seconds: float) -> str:
    """A short human duration.

    >>> format_duration(42), format_duration(735), format_duration(7384.2)
    ('42s', '12m 15s', '2h 03m')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def seconds_left(done: int, total: int, elapsed: float) -> float | None:
    """Time left at the mean rate so far; None before anything is done.

    >>> seconds_left(250, 1000, 60.0)
    180.0
    >>> seconds_left(0, 1000, 60.0) is None
    True
    """
    if done <= 0 or elapsed <= 0:
        return None
    return max(total - done, 0) * elapsed / done


class BackfillProgress:
    """Logs a backfill's progress every ``RTARABIC_PROGRESS_INTERVAL`` seconds and its totals at the end."""

    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.done = IdSet()
        self.task = None
        self.started = self.last_time = time.monotonic()
        self.last_done = 0

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("RTARABIC_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured  # deliberately off: RTARABIC_PROGRESS_INTERVAL = 0
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.request_done, signal=signals.request_left_downloader)
        crawler.signals.connect(extension.request_done, signal=signals.response_received)
        return extension

    def spider_opened(self, spider) -> None:
        self.started = self.last_time = time.monotonic()
        self.task = create_looping_call(self.log_progress)
        self.task.start(self.interval, now=False)

    def request_done(self, request, **kwargs) -> None:
        article_id = request.meta.get("article_id")
        if article_id is not None and self.done.add(article_id):
            self.stats.set_value(DONE, len(self.done))

    def log_progress(self) -> None:
        total = self.stats.get_value(TOTAL)
        if not total:
            return
        now, done = time.monotonic(), len(self.done)
        rate = (done - self.last_done) * 60 / max(now - self.last_time, 1e-9)
        self.last_time, self.last_done = now, done
        left = seconds_left(done, total, now - self.started)
        logger.info(
            "Backfill: %(done)d of %(total)d article pages (%(share).1f%%), %(rate)d pages/min, %(left)s",
            {"done": done, "total": total, "share": 100 * done / total, "rate": rate,
             "left": "about " + format_duration(left) + " left" if left is not None else "time left unknown"},
        )

    def spider_closed(self, spider, reason) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        total = self.stats.get_value(TOTAL)
        if not total:
            return
        elapsed = time.monotonic() - self.started
        done = len(self.done)
        self.stats.set_value(DONE, done)
        logger.info(
            "Backfill finished (%(reason)s): %(done)d of %(total)d article pages in %(elapsed)s (%(rate)d pages/min)",
            {"reason": reason, "done": done, "total": total, "elapsed": format_duration(elapsed),
             "rate": done * 60 / max(elapsed, 1e-9)},
        )
