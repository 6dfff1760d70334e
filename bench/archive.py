"""Archive benchmarks: bytes per article in SQLite, and Datasette search latency.

Search goes through a real ``datasette serve`` with the repository's metadata and plugins,
over HTTP, with the repository's ``search`` canned query.
"""

import json
import sqlite3
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.datasette_server import start_datasette

#: Common word, a phrase, a rarer name, a vowelled spelling, a spelling without hamza.
QUERIES = ["بوتين", "الشرق الأوسط", "زاخاروفا", "مُحَمَّد صلاح", "اردوغان"]


def size(db: Path) -> dict:
    """Bytes per article of the archive file, and how the pages split between tables."""
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        by_table = dict(conn.execute(
            "select name, sum(pgsize) from dbstat group by name order by 2 desc").fetchall())
    total = db.stat().st_size
    search = sum(v for k, v in by_table.items() if k.startswith("articles_search"))
    return {"articles": articles, "bytes": total, "bytes_per_article": total / articles,
            "fts_bytes_per_article": search / articles,
            "articles_table_bytes_per_article": by_table.get("articles", 0) / articles}


def search_latency(db: Path, rounds: int = 20, log=print) -> dict:
    """p50 and p95 over ``rounds`` requests of each query (after one unmeasured warm-up each)."""
    process, base = start_datasette(db)
    name = db.stem
    try:
        timings, rows = [], {}
        for round_ in range(rounds + 1):
            for query in QUERIES:
                url = (f"{base}/{name}/search.json?"
                       + urllib.parse.urlencode({"q": query, "_shape": "array"}))
                started = time.perf_counter()
                with urllib.request.urlopen(url, timeout=30) as response:
                    body = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if round_:
                    timings.append(elapsed)
                else:
                    rows[query] = len(json.loads(body))
    finally:
        process.terminate()
        process.wait(timeout=10)
    timings.sort()
    result = {"requests": len(timings), "p50_ms": statistics.median(timings),
              "p95_ms": timings[int(0.95 * (len(timings) - 1))], "max_ms": timings[-1], "rows": rows}
    log(f"search: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms; rows {rows}")
    return result


def synthetic_archive(db: Path, articles: int, *, pool_size: int = 2_000, batch: int = 1_000, log=print) -> dict:
    """An archive of ``articles`` synthetic articles, written through ``Archive.upsert_articles`` in batches.

    The texts come from a pool of replica articles (``tests.replica``'s generator, seed 1): each synthetic
    article takes one's title, lead, section and tags, its paragraphs in a shuffled order, and an id and
    publication time of its own (ids grow with time, one article every 5 minutes). Not crawled.
    """
    import random
    from datetime import UTC, datetime, timedelta

    from rtarabic.archive import Archive
    from rtarabic.text import content_hash, word_count
    from tests.replica.generator import Site

    site = Site(articles=pool_size, seed=1, faults=False)
    pool = [site.truth(i) for i in site.article_ids()]
    rng = random.Random(1)
    first_id, start = 3_000_000, datetime(2015, 1, 1, tzinfo=UTC)
    archive = Archive(db)
    started = time.perf_counter()
    try:
        for offset in range(0, articles, batch):
            items = []
            for n in range(offset, min(offset + batch, articles)):
                base = pool[rng.randrange(len(pool))]
                paragraphs = base["body"].split("\n\n")
                rng.shuffle(paragraphs)
                body, article_id = "\n\n".join(paragraphs), first_id + n
                published = (start + timedelta(minutes=5 * n)).isoformat()
                items.append({**base, "id": article_id, "url": base["url"].replace(str(base["id"]), str(article_id)),
                              "body": body, "published": published, "modified": None,
                              "crawled_at": published, "content_hash": content_hash(base["title"], body),
                              "word_count": word_count(base["summary"], body)})
            archive.upsert_articles(items)
            if (offset // batch) % 100 == 0:
                log(f"synthetic archive: {offset + len(items):,} articles, {time.perf_counter() - started:.0f} s")
    finally:
        archive.close()
    seconds = time.perf_counter() - started
    log(f"synthetic archive of {articles:,} articles built in {seconds:.0f} s")
    return {"articles": articles, "build_seconds": seconds, "pool": pool_size, "batch": batch}
