"""Crawl benchmarks: throughput, peak memory, and the cost of an incremental run.

Each crawl is a real ``scrapy crawl rtarabic`` subprocess (spider, extraction, pipelines,
SQLite archive and JSON Lines) against a replica subprocess with politeness off.
"""

import re
import urllib.request
from pathlib import Path

from .common import Replica, run_crawl

ID_IN_PATH = re.compile(r"/(\d{5,})-")


def crawl_summary(crawl, replica_cpu: float) -> dict:
    stored = crawl.stat("rtarabic/archive/new") + crawl.stat("rtarabic/archive/updated")
    requests = crawl.stat("downloader/request_count")
    return {
        "articles": stored,
        "requests": requests,
        "seconds": crawl.seconds,
        "articles_per_second": stored / crawl.seconds,
        "requests_per_second": requests / crawl.seconds,
        "peak_rss_mb": crawl.peak_rss / 2**20,
        "crawl_cpu_seconds": crawl.cpu_seconds,
        "replica_cpu_seconds": replica_cpu,
        "returncode": crawl.returncode,
        "finish_reason": crawl.stat("finish_reason", ""),
        # Raw capture (rtarabic/capture.py): gzipped WARC bytes written, per stored article.
        "warc_records": crawl.stat("rtarabic/warc/records"),
        "warc_bytes": crawl.stat("rtarabic/warc/bytes"),
        "warc_bytes_per_article": crawl.stat("rtarabic/warc/bytes") / stored if stored else 0.0,
    }


def full_crawl(replica: Replica, workdir: Path, log=print, **settings) -> dict:
    """One full crawl of the replica into a fresh archive (WARC capture on unless ``settings`` say otherwise)."""
    before = replica.cpu_seconds()
    crawl = run_crawl(replica.base_url, workdir, **settings)
    summary = crawl_summary(crawl, replica.cpu_seconds() - before)
    log(f"crawl of {replica.articles}: {summary['articles']} articles in {summary['seconds']:.0f} s "
        f"({summary['articles_per_second']:.1f}/s), peak RSS {summary['peak_rss_mb']:.0f} MB, "
        f"exit {crawl.returncode}, WARC {summary['warc_bytes_per_article']:,.0f} bytes/article")
    if summary["articles"] != replica.articles:
        log(f"  WARNING: {replica.articles} articles on the replica, {summary['articles']} stored; "
            f"see {workdir / 'crawl.log'}")
    return summary


def ids_on(url: str) -> set[int]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return {int(i) for i in ID_IN_PATH.findall(response.read().decode("utf-8", "replace"))}


def fewest_pages(pages: dict[str, set[int]], wanted: set[int]) -> list[str]:
    """A small set of pages that together show every wanted id (greedy set cover)."""
    left, chosen = set(wanted), []
    while left:
        best = max(pages, key=lambda url: len(pages[url] & left), default=None)
        if best is None or not pages[best] & left:
            break
        chosen.append(best)
        left -= pages[best]
    return chosen


def incremental(replica: Replica, workdir: Path, new: int = 50, log=print, **settings) -> dict:
    """Publish ``new`` articles on an archived replica and count what a second run requests.

    The minimum is the new articles plus the fewest listing/feed pages (among those the run
    fetched, rechecked afterwards) that show all of them. Revisits of recent articles are off
    (RTARABIC_REVISIT_HOURS=0): they are a deliberate extra cost, counted separately by the spider.
    """
    published = set(replica.control(f"publish?n={new}")["ids"])
    replica.control("reset-stats")
    crawl = run_crawl(replica.base_url, workdir, **{"RTARABIC_REVISIT_HOURS": 0, **settings})
    served = replica.control("stats")
    listing_paths = [path for path in served["by_path"]
                     if not ID_IN_PATH.search(path) and path != "/robots.txt"]
    pages = {path: ids_on(replica.base_url + path) for path in listing_paths}
    cover = fewest_pages(pages, published)
    shown = set().union(*pages.values()) if pages else set()
    minimum = len(published) + len(cover)
    requests = crawl.stat("downloader/request_count")
    result = {
        "published": len(published),
        "stored": crawl.stat("rtarabic/archive/new"),
        "requests": requests,
        "served_by_kind": served["by_kind"],
        "minimum": minimum,
        "ratio": requests / minimum,
        "all_new_found": published <= shown,
        "by_kind": {key.rsplit("/", 1)[1]: value for key, value in crawl.stats.items()
                    if key.startswith("rtarabic/requests/")},
        "seconds": crawl.seconds,
        # Runs that read the feed first record whether it reached the archive; sweeps do not.
        "sweep": "rtarabic/feed/reached_archive" not in crawl.stats,
        "feed_reached_archive": crawl.stat("rtarabic/feed/reached_archive", None),
        "not_in_feed": crawl.stat("rtarabic/sweep/not_in_feed"),
        "not_modified": served.get("not_modified", 0),
    }
    log(f"incremental: {requests} requests for {len(published)} new articles (minimum {minimum}), "
        f"{result['stored']} stored")
    return result
