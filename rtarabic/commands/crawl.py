"""``scrapy crawl``, with an exit status that reports the run's health.

Scrapy's own command exits 0 whenever the crawl ran. A cron job needs more: a
run that was refused, blocked, stopped by a failing archive, or that stored
nothing must exit non-zero.

Before the crawler exists the command checks, in order, the feeds, every
``RTARABIC_*`` setting and every ``-a`` argument (``rtarabic/preflight.py``,
``rtarabic/arguments.py``), takes the archive lock (once per run,
``rtarabic/runlock.py``) and checks each archive (``PRAGMA quick_check`` and its
schema) and the WARC folder. A refusal is one log line and an exit status, no traceback, and nothing
is fetched. After the crawl it exits with the status the run's one verdict
recorded (``RunHealthMonitor``, ``rtarabic/monitors.py``).

Exit statuses (``rtarabic/health.py``; README: "Exit statuses"): 0 healthy;
1 Scrapy's own errors; 2 usage errors (command line, ``-a`` argument, ``-s``
setting, ``-O`` on the archive); 3 unhealthy run; 4 another run holds the archive
lock; 5 the archive cannot be used (corrupt, unknown schema, a write failed, its WARC
files cannot be written);
6 the site could not be reached.
"""

from __future__ import annotations

import logging

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from rtarabic import feeds, health, preflight, runlock
from rtarabic.arguments import BadArgument, parse_arguments

logger = logging.getLogger(__name__)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; the exit status reports the run's health (0-6, README: Exit statuses)"

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        try:
            feeds.check_feeds(self.settings.getdict("FEEDS"))
        except ValueError as exc:
            raise UsageError(str(exc), print_help=False) from exc
        try:
            self.check_input(args[0], opts.spargs)
        except preflight.Refusal as refusal:
            self.refuse(refusal.message, refusal.status)
            return
        # Taken before the crawler exists: the spider is built before any extension and reads the archive.
        paths = runlock.archive_paths(self.settings)
        locked = paths if self.settings.getbool("RTARABIC_LOCK_ENABLED") else []
        try:
            runlock.hold_all(locked)
        except runlock.LockHeld as exc:
            self.refuse(str(exc), health.EXIT_LOCKED)
            return
        except runlock.LockUnusable as exc:
            self.refuse(str(exc), health.EXIT_ARCHIVE)
            return
        try:
            preflight.check_archives(paths, preflight.busy_timeout_ms(self.settings))
            preflight.check_warc_dir(self.settings.get("RTARABIC_WARC_DIR"))
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
            self.exitcode = self._exit_status(crawler)
        except preflight.Refusal as refusal:
            self.refuse(refusal.message, refusal.status)
        finally:
            runlock.release_all(locked)

    def check_input(self, spider_name: str, spargs: dict) -> None:
        """Settings and spider arguments, checked as the spider will read them (raises Refusal)."""
        preflight.check_settings(self.settings)
        if spider_name != "rtarabic":
            return  # another project spider checks its own arguments
        try:
            parse_arguments(self.settings.get("RTARABIC_BASE_URL").rstrip("/"), **spargs)
        except BadArgument as exc:
            raise preflight.Refusal(str(exc), health.EXIT_USAGE) from None

    def refuse(self, message: str, status: int) -> None:
        logger.error("%(message)s", {"message": message})
        self.exitcode = status

    def _exit_status(self, crawler) -> int:
        # Scrapy sets crawler.stats only once the spider is built; a crawl that failed before has none.
        stats = getattr(crawler, "_stats", None)
        status = stats.get_value(health.EXIT_STATUS) if stats is not None else None
        if self.crawler_process.bootstrap_failed:
            return status or health.EXIT_ERROR
        if status is None:
            logger.error("the run ended without a verdict (RunHealthMonitor did not run); exiting 1")
            return health.EXIT_ERROR
        if status == health.EXIT_UNHEALTHY and not crawler.settings.getbool("RTARABIC_HEALTH_ENABLED"):
            logger.warning("RTARABIC_HEALTH_ENABLED is False: exiting 0 for this unhealthy run")
            return health.EXIT_HEALTHY
        return status
