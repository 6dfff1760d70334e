"""Request economy and install size: cron runs (the feed first, and a sweep apart), a date backfill, and
the runtime install in a fresh venv.

Each crawl is a real ``scrapy crawl rtarabic`` subprocess against a replica subprocess (politeness off).
"""

import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests import ROOT

from . import crawling
from .common import Replica, run_crawl

#: A two-month window of the 10,000-article replica (seed 1): a few dozen articles among years of them.
BACKFILL_WINDOW = ("2019-03-01", "2019-04-30")


def cron(articles: int, workdir: Path, new: int = 50, log=print) -> dict:
    """A full crawl, then ``new`` articles published and a cron run (the feed first), then ``new`` more
    and a sweep of every listing (``RTARABIC_SWEEP_HOURS=0``)."""
    with Replica(articles) as replica:
        full = crawling.full_crawl(replica, workdir, log=log)
        feed_first = crawling.incremental(replica, workdir, new=new, log=log)
        sweep = crawling.incremental(replica, workdir, new=new, log=log, RTARABIC_SWEEP_HOURS=0)
    return {"archive_articles": full["articles"], "feed_first": feed_first, "sweep": sweep}


def backfill(articles: int, workdir: Path, window: tuple[str, str] = BACKFILL_WINDOW, log=print) -> dict:
    """``-a since= -a until=`` into a fresh archive: article requests against the articles of the window."""
    since, until = window
    with Replica(articles) as replica:
        site = replica.make_site()
        start = datetime.fromisoformat(since).replace(tzinfo=UTC)
        end = datetime.fromisoformat(until).replace(tzinfo=UTC).replace(hour=23, minute=59, second=59)
        in_window = [i for i in site.article_ids() if start <= site.entries[i].published.astimezone(UTC) <= end]
        replica.control("reset-stats")
        crawl = run_crawl(replica.base_url, workdir, "-a", f"since={since}", "-a", f"until={until}")
        served = replica.control("stats")["by_kind"]
    requests = crawl.stat("rtarabic/requests/article")
    probes = crawl.stat("rtarabic/backfill/probes")
    result = {
        "window": f"{since}..{until}",
        "in_window": len(in_window),
        "stored": crawl.stat("rtarabic/archive/new"),
        "article_requests": requests,
        "probes": probes,
        "sitemap_entries": crawl.stat("rtarabic/backfill/listed"),
        "served_by_kind": served,
        "ratio": requests / (len(in_window) + probes) if in_window else None,
        "bound": 1.1 * len(in_window) + probes,
        "returncode": crawl.returncode,
    }
    log(f"backfill {since}..{until}: {requests} article requests ({probes} probes) for {len(in_window)} "
        f"articles in the window, {result['stored']} stored; the sitemaps listed {result['sitemap_entries']} "
        f"not last modified before the window")
    return result


def install(log=print) -> dict:
    """``pip install -r requirements.txt`` into a fresh venv: packages, megabytes, seconds."""
    folder = Path(tempfile.mkdtemp(prefix="rtarabic-install-"))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        python = folder / "bin" / "python"
        started = time.perf_counter()
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(ROOT / "requirements.txt")],
                       check=True, capture_output=True)
        seconds = time.perf_counter() - started
        listed = subprocess.run([str(python), "-m", "pip", "list", "--format=json"], check=True,
                                capture_output=True, text=True).stdout
        packages = [p["name"] for p in json.loads(listed) if p["name"].lower() not in ("pip", "setuptools")]
        site_packages = next(folder.glob("lib/python*/site-packages"))
        tooling = ("pip", "setuptools", "_distutils_hack", "pkg_resources", "distutils-precedence.pth")
        size = sum(f.stat().st_size for f in site_packages.rglob("*") if f.is_file()
                   and f.relative_to(site_packages).parts[0].split("-")[0] not in tooling)
        venv = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = {"packages": len(packages), "mb": size / 2**20, "venv_mb": venv / 2**20, "seconds": seconds,
              "trafilatura": "trafilatura" in {p.lower() for p in packages}}
    log(f"runtime install: {result['packages']} packages, {result['mb']:.0f} MB ({result['venv_mb']:.0f} MB "
        f"with the venv's own pip and setuptools) in {seconds:.0f} s")
    return result
