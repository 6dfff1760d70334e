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
