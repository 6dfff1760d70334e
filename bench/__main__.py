"""``python -m bench [--only NAMES] [--articles N] [--big N]``: run the benchmarks, print a table
and write bench/RESULTS.md.

Results of each benchmark are kept in bench/results.json, so that a partial run (``--only``)
updates its rows and leaves the others as they were (each row says when it was measured).
"""

import argparse
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from . import archive, crawling, economy, extraction, report, scrapybench
from .common import Replica, machine

HERE = Path(__file__).resolve().parent
NAMES = ("extraction", "crawl", "economy", "install", "memory")


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(NAMES),
                        help="comma-separated: extraction (with trafilatura), crawl (throughput against "
                             "scrapy bench), economy (requests of cron runs and of a date backfill), install "
                             "(the runtime set in a fresh venv), memory (the big crawl, archive size, search)")
    parser.add_argument("--articles", type=int, default=10_000, help="replica size of the throughput crawl")
    parser.add_argument("--economy-articles", type=int, default=2_000,
                        help="replica size of the cron-run benchmark (the backfill uses --articles)")
    parser.add_argument("--million", type=int, default=1_000_000,
                        help="articles of the synthetic archive of the opt-in `search_million` benchmark")
    parser.add_argument("--big", type=int, default=50_000,
                        help="replica size of the memory crawl, whose archive the search benchmark uses")
    parser.add_argument("--pages", type=int, default=1000, help="pages of the extraction benchmark")
    parser.add_argument("--report", action="store_true",
                        help="measure nothing: rewrite RESULTS.md from bench/results.json")
    parser.add_argument("--keep", metavar="DIR", help="keep archives and logs in DIR (default: a temp dir)")
    return parser.parse_args(argv)


def run_crawl_benchmarks(args, workdir: Path, results: dict) -> None:
    reference = [scrapybench.run()]
    log(f"scrapy bench: {reference[0]['pages_per_second']:.1f} pages/s")
    with Replica(args.articles) as replica:
        crawl = crawling.full_crawl(replica, workdir / f"crawl-{args.articles}", log=log)
        # The same crawl without raw capture: what keeping every page costs.
        uncaptured = crawling.full_crawl(replica, workdir / f"crawl-{args.articles}-nowarc", log=log,
                                         RTARABIC_WARC_DIR="")
    reference.append(scrapybench.run())
    log(f"scrapy bench again: {reference[1]['pages_per_second']:.1f} pages/s")
    pages_per_second = sum(r["pages_per_second"] for r in reference) / len(reference)
    results["crawl"] = {"measured": now(), "crawl": crawl, "without_capture": uncaptured, "scrapy_bench": reference,
                        "scrapy_bench_pages_per_second": pages_per_second,
                        "ratio": crawl["articles_per_second"] / pages_per_second}


def run_economy_benchmarks(args, workdir: Path, results: dict) -> None:
    cron = economy.cron(args.economy_articles, workdir / f"cron-{args.economy_articles}", log=log)
    results["incremental"] = {"measured": now(), "archive_articles": cron["archive_articles"], **cron["feed_first"]}
    results["sweep"] = {"measured": now(), "archive_articles": cron["archive_articles"], **cron["sweep"]}
    results["backfill"] = {"measured": now(), "articles": args.articles,
                           **economy.backfill(args.articles, workdir / "backfill", log=log)}


def run_memory_benchmark(args, workdir: Path, results: dict) -> None:
    with Replica(args.big) as replica:
        big = crawling.full_crawl(replica, workdir / f"crawl-{args.big}", log=log)
    db = workdir / f"crawl-{args.big}" / "rtarabic.db"
    results["memory"] = {"measured": now(), "big": big}
    results["archive"] = {"measured": now(), "size": archive.size(db),
                          "search": archive.search_latency(db, log=log)}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def merge(fresh: dict) -> dict:
    """This run's results over those of earlier runs (re-read now: another run may have finished)."""
    results_file = HERE / "results.json"
    results = json.loads(results_file.read_text("utf-8")) if results_file.exists() else {}
    results.update(fresh)
    results_file.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return results


def main(argv=None) -> None:
    args = parse_args(argv)
    wanted = set() if args.report else set(args.only.split(","))
    results = {} if args.report else {"machine": machine()}
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rtarabic-bench-"))
    try:
        if "extraction" in wanted:
            results["extraction"] = {"measured": now(), **extraction.run(args.pages, log=log)}
        if "crawl" in wanted:
            run_crawl_benchmarks(args, workdir, results)
        if "economy" in wanted:
            run_economy_benchmarks(args, workdir, results)
        if "install" in wanted:
            results["install"] = {"measured": now(), **economy.install(log=log)}
        if "memory" in wanted:
            run_memory_benchmark(args, workdir, results)
        if "search_million" in wanted:  # opt-in: builds a file of some 8 GB
            db = workdir / "million" / "rtarabic.db"
            db.parent.mkdir(parents=True, exist_ok=True)
            build = archive.synthetic_archive(db, args.million, log=log)
            results["search_million"] = {"measured": now(), "build": build, "size": archive.size(db),
                                         "search": archive.search_latency(db, log=log)}
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    results = merge(results)
    table = report.table(results)
    print(table)
    (HERE / "RESULTS.md").write_text(report.document(results, table), "utf-8")


if __name__ == "__main__":
    main()
