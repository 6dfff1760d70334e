"""Run a real ``scrapy crawl rtarabic`` in a subprocess and collect what it produced.

``run_crawl(base_url, tmp_path, "-a", "sections=world", RETRY_TIMES=1)`` crawls with the test
politeness overrides (no delay, no AutoThrottle, 16 requests per host), a throwaway archive
and stats file under ``tmp_path``, and returns a ``CrawlResult``.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Settings every test crawl uses: fast, local, nothing left behind.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "RTARABIC_BACKOFF_BASE_DELAY": 0.05,
    "RTARABIC_BACKOFF_MAX_DELAY": 0.2,
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    items: list[dict]
    stats: dict
    returncode: int
    log: str

    def stat(self, key: str, default=0):
        return self.stats.get(key, default)

    @property
    def ids(self) -> list[int]:
        return [item["id"] for item in self.items]


def run_crawl(base_url: str, tmp_path: Path, *args: str, timeout: float = 240, archive: bool = False,
              **settings) -> CrawlResult:
    """``scrapy crawl rtarabic`` against ``base_url``; ``args`` are extra command-line arguments.

    ``settings`` override TEST_SETTINGS; ``RTARABIC_DB`` defaults to a file in ``tmp_path``, which
    the crawl also writes when ``archive`` is true (else only the JSON Lines file is written).
    """
    tmp_path = Path(tmp_path)
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    for path in (out, stats_file):
        path.unlink(missing_ok=True)
    merged = {**TEST_SETTINGS, "RTARABIC_BASE_URL": base_url, "RTARABIC_DB": str(tmp_path / "archive.db"),
              "RTARABIC_STATS_FILE": str(stats_file), **settings}
    command = [sys.executable, "-m", "scrapy", "crawl", "rtarabic"]
    if archive:
        from rtarabic.feeds import path_to_uri

        feeds = {str(out): {"format": "jsonlines", "overwrite": True},
                 path_to_uri(merged["RTARABIC_DB"]): {"format": "sqlite"}}
        command += ["-s", f"FEEDS={json.dumps(feeds)}"]
    else:
        command += ["-O", str(out)]
    for name, value in merged.items():
        command += ["-s", f"{name}={value}"]
    command += list(args)
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "SCRAPY_SETTINGS_MODULE": "rtarabic.settings"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()] if out.exists() else []
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return CrawlResult(items=items, stats=stats, returncode=done.returncode, log=done.stderr + done.stdout)
