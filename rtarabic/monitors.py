"""The run's one verdict: health, exit status and ``runs`` row, computed once after every feed has closed.

A thin adapter over ``rtarabic/health.py``. The archive counts
(``rtarabic/archive/*``) exist only once the feed storages have stored, which
happens inside the feed exporter's own ``spider_closed`` handler, concurrently
with any other handler of that signal. So the verdict is computed when the
feed exporter reports ``feed_exporter_closed`` (or at ``spider_closed`` when no
feed is configured): ``health.run_row`` judges the run and records the verdict
in the stats, this extension logs the summary and each problem, closes the
``runs`` row of every SQLite feed storage (they announce themselves with the
``archive_stored`` signal once their last batch is written), and ``scrapy crawl``
exits with the recorded status. README: "Running from cron" explains why this is
our own extension rather than a Spidermon suite.
"""

from __future__ import annotations

import logging
import sqlite3

from scrapy import signals
from scrapy.extensions.feedexport import FeedExporter

from rtarabic import health
from rtarabic.signals import archive_stored

logger = logging.getLogger(__name__)


class RunHealthMonitor:
    """Judges the finished run once, logs its summary and writes the ``runs`` rows.

    Always on: the ``runs`` row needs it. ``RTARABIC_HEALTH_ENABLED = False`` only makes
    ``scrapy crawl`` exit 0 for a run that is merely unhealthy (status 3).
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.done = False
        self.storages: list = []

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(ext.archive_stored, signal=archive_stored)
        return ext

    def archive_stored(self, storage):
        self.storages.append(storage)

    def spider_closed(self, spider, reason):
        # CoreStats records finish_reason in its own handler of this signal.
        self.crawler.stats.set_value("finish_reason", self.crawler.stats.get_value("finish_reason", reason))
        if self.crawler.get_extension(FeedExporter) is None:
            self.report()

    def feed_exporter_closed(self):
        self.report()

    def report(self):
        if self.done:
            return
        self.done = True
        stats = self.crawler.stats.get_stats()
        totals = _sum_totals(self.storages) if self.storages else None
        row = health.run_row(stats, self.crawler.settings, totals)
        for storage in self.storages:
            try:
                storage.finish_run(row)
            except sqlite3.Error as error:
                # The verdict stands; the status says the archive failed, as the log does.
                logger.error("could not write the runs row of %(path)s: %(error)s",
                             {"path": storage.path, "error": error})
                stats[health.EXIT_STATUS] = health.EXIT_ARCHIVE
        spider = {"spider": self.crawler.spider}
        log = logger.warning if stats[health.EXIT_STATUS] else logger.info
        log("%(summary)s", {"summary": stats[health.SUMMARY]}, extra=spider)
        for problem in stats[health.PROBLEMS]:
            logger.error("unhealthy run: %(problem)s", {"problem": problem}, extra=spider)


def _sum_totals(storages) -> dict[str, int]:
    totals: dict[str, int] = {}
    for storage in storages:
        for key, value in (storage.sink.totals if storage.sink else {}).items():
            totals[key] = totals.get(key, 0) + value
    return totals
