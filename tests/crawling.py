"""Run a real ``scrapy crawl rtarabic`` in a subprocess and collect what it produced.

``run_crawl(base_url, tmp_path, "-a", "sections=world", RETRY_TIMES=1)`` crawls with the test
politeness overrides (no delay, no AutoThrottle, 16 requests per host), a throwaway archive
and stats file under ``tmp_path``, and returns a ``CrawlResult``. ``crawl_command`` and
``crawl_env`` build the command line and environment of every test (and benchmark) crawl.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests import ROOT

#: The environment every crawl subprocess adds to ours: tldextract keeps its bundled suffix
#: list (no network), and Scrapy loads the project's settings.
CRAWL_ENV = {"TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "SCRAPY_SETTINGS_MODULE": "rtarabic.settings"}

#: Settings every test crawl uses: fast, local, nothing left behind.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    # The back-off on 429/5xx (AutoThrottle off, so only it moves the delay): short steps.
    "AUTOTHROTTLE_START_DELAY": 0.05,
    "AUTOTHROTTLE_MAX_DELAY": 0.2,
    "LOG_LEVEL": "INFO",
}


def crawl_env() -> dict:
    """This process's environment with ``CRAWL_ENV`` on top."""
    return {**os.environ, **CRAWL_ENV}


def crawl_command(base_url: str, *args: str, options: tuple[str, ...] = (), base: dict = TEST_SETTINGS,
                  scrapy_command: str = "crawl", **settings) -> list[str]:
    """``python -m scrapy crawl rtarabic [options] -s NAME=VALUE... [args]`` against ``base_url``.

    The ``-s`` overrides are ``base`` (the test politeness settings), ``RTARABIC_BASE_URL`` and
    then ``settings``; run it in ``ROOT`` with ``crawl_env()``. The WARC files of a crawl go beside its
    ``RTARABIC_DB`` (``<folder>/warc``) unless ``RTARABIC_WARC_DIR`` is given, never into the repository.
    """
    if "RTARABIC_DB" in settings and "RTARABIC_WARC_DIR" not in settings:
        settings["RTARABIC_WARC_DIR"] = str(Path(settings["RTARABIC_DB"]).parent / "warc")
    command = [sys.executable, "-m", "scrapy", scrapy_command, "rtarabic", *options]
    for name, value in {**base, "RTARABIC_BASE_URL": base_url, **settings}.items():
        command += ["-s", f"{name}={value}"]
    return command + list(args)


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
    settings = {"RTARABIC_DB": str(tmp_path / "archive.db"), "RTARABIC_STATS_FILE": str(stats_file), **settings}
    if archive:
        from rtarabic.feeds import path_to_uri

        feeds = {str(out): {"format": "jsonlines", "overwrite": True},
                 path_to_uri(settings["RTARABIC_DB"]): {"format": "sqlite"}}
        options = ("-s", f"FEEDS={json.dumps(feeds)}")
    else:
        options = ("-O", str(out))
    command = crawl_command(base_url, *args, options=options, **settings)
    done = subprocess.run(command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=timeout)
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()] if out.exists() else []
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return CrawlResult(items=items, stats=stats, returncode=done.returncode, log=done.stderr + done.stdout)
