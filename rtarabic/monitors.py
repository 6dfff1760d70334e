"""Run health at the end of a crawl: the verdict in the stats and a summary in the log.

A thin adapter over ``rtarabic/health.py``. The archive counts
(``rtarabic/archive/*``) exist only once the feed storages have stored, which
happens inside the feed exporter's own ``spider_closed`` handler, concurrently
with any other handler of that signal. So the verdict is recorded when the
feed exporter reports ``feed_exporter_closed`` (or at ``spider_closed`` when no
feed is configured). The SQLite storage calls ``health.finalize`` itself before it
writes the ``runs`` row. README: "Running from cron" explains why this is our own
extension rather than a Spidermon suite.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter

from rtarabic import health

logger = logging.getLogger(__name__)


class RunHealthMonitor:
    """Judges the finished run and logs its summary (setting ``RTARABIC_HEALTH_ENABLED``)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.done = False

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RTARABIC_HEALTH_ENABLED"):
            raise NotConfigured("RTARABIC_HEALTH_ENABLED is False: unhealthy runs will exit 0")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return ext

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
        status, text = health.finalize(self.crawler.stats.get_stats(), self.crawler.settings)
        log = logger.warning if status else logger.info
        log("%(summary)s", {"summary": text}, extra={"spider": self.crawler.spider})
