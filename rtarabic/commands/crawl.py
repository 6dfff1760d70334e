"""``scrapy crawl``, with an exit status that reports the run's health.

Scrapy's own command exits 0 whenever the crawl ran. A cron job needs more: a
run that was refused by the lock, blocked, or stored nothing must exit non-zero.

Exit statuses: 0 healthy; 1 Scrapy's own errors (bad arguments, a crawl that
could not start); 2 usage errors (Scrapy's, ``-O`` on the archive, an archive written by a newer release); 3 unhealthy run (``rtarabic/health/problems`` says why);
4 another run holds the archive lock. README: "Running from cron".
"""

from __future__ import annotations

import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from rtarabic import feeds, health, runlock
from rtarabic.archive import check_version

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; the exit status reports the run's health (0, 1, 2, 3, 4)"

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        try:
            feeds.check_feeds(self.settings.getdict("FEEDS"))
            for path in runlock.archive_paths(self.settings):
                check_version(path)  # ArchiveTooNew: written by a newer release
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from exc
        # Taken before the crawler exists: the spider object is built before any
        # extension and may read the archive.
        paths = runlock.archive_paths(self.settings) if self.settings.getbool("RTARABIC_LOCK_ENABLED") else []
        try:
            runlock.hold_all(paths)
        except runlock.LockHeld as exc:
            logger.error("%(message)s", {"message": str(exc)})
            self.exitcode = runlock.EXIT_LOCKED
            return
        try:
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            for path in paths:
                runlock.unhold(path)
        self.exitcode = self._exit_status(crawler)

    def _exit_status(self, crawler) -> int:
        if self.crawler_process.bootstrap_failed:
            return crawler.stats.get_value(health.EXIT_STATUS) or 1
        if not crawler.settings.getbool("RTARABIC_HEALTH_ENABLED"):
            return 0
        # Again, now that every stat is final (a feed that failed to store, say).
        status, _ = health.finalize(crawler.stats.get_stats(), crawler.settings)
        for problem in crawler.stats.get_value(health.PROBLEMS):
            logger.error("unhealthy run: %(problem)s", {"problem": problem})
        return status
