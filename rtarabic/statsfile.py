"""Writes the run's final stats to a JSON file (``RTARABIC_STATS_FILE``), for tests and cron jobs.

Off unless the setting names a file. Values that JSON lacks (datetimes) are
written as ISO 8601 text.
"""

import json
import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


def write_stats(stats: dict, path: str | Path) -> None:
    """``stats`` as sorted, indented UTF-8 JSON at ``path`` (parent folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True,
                      default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    path.write_text(text, "utf-8")


class StatsFile:
    """Dumps ``crawler.stats`` once the engine has stopped (every extension has written its stats)."""

    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.path = path
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("RTARABIC_STATS_FILE")
        if not path:
            raise NotConfigured
        return cls(crawler, path)

    def engine_stopped(self):
        write_stats(self.crawler.stats.get_stats(), self.path)
        logger.info("Stats written to %(path)s", {"path": self.path})
