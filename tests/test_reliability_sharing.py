"""The archive shared read-only (issue 14): bounded SQL functions, and Datasette without arbitrary SQL.

Before: three parallel queries calling arabic_normalize on a 150-million-character string took 12 s
and 2.7 GB, because Datasette's time limit cannot interrupt a Python function.
"""

import asyncio
import sqlite3

import pytest
import yaml

from rtarabic.arabic import MAX_SQL_QUERY, MAX_SQL_TEXT, register_functions
from rtarabic.archive import Archive
from tests import ROOT
from tests.test_crawl_command import article

# Datasette turns on SQLite's callback tracebacks (process-wide): a refused call is also reported as unraisable.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

#: The public profile the README shows: ``--setting default_allow_sql off --setting sql_time_limit_ms 1000``.
PUBLIC = {"default_allow_sql": False, "sql_time_limit_ms": 1000}


@pytest.fixture
def conn():
    connection = sqlite3.connect(":memory:")
    register_functions(connection)
    yield connection
    connection.close()


def test_sql_functions_refuse_text_past_their_bound(conn):
    # 22 million characters: unbounded, about 20 s of normalising that no time limit interrupts
    # (bench/RESULTS.md, "Reliability"); bounded, a failed statement.
    huge = "وَمُحَمَّدٌ " * 2_000_000
    for sql in ("select arabic_normalize(?)", "select arabic_fts_query(?)", "select arabic_fts_query(?, 1)"):
        with pytest.raises(sqlite3.OperationalError, match="user-defined function raised exception"):
            conn.execute(sql, [huge]).fetchone()


@pytest.mark.parametrize("name,limit", [("arabic_normalize", MAX_SQL_TEXT), ("arabic_fts_query", MAX_SQL_QUERY)])
def test_sql_functions_take_text_up_to_their_bound(conn, name, limit):
    assert conn.execute(f"select length({name}(?))", ["ب" * limit]).fetchone()[0] > 0
    with pytest.raises(sqlite3.OperationalError):
        conn.execute(f"select {name}(?)", ["ب" * (limit + 1)]).fetchone()
    assert conn.execute(f"select {name}(null)").fetchone() == (None,)


def serve(db, settings):
    from datasette.app import Datasette

    metadata = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text("utf-8"))
    return Datasette([str(db)], settings=settings, metadata=metadata,
                     plugins_dir=str(ROOT / "datasette" / "plugins"))


def test_public_profile_serves_canned_queries_but_no_arbitrary_sql(tmp_path):
    db = tmp_path / "rtarabic.db"
    archive = Archive(db)
    archive.upsert_articles([article(i) for i in range(1, 6)])
    archive.close()

    async def ask(ds, path):
        response = await ds.client.get(path)
        return response.status_code, response.text

    public, default = serve(db, PUBLIC), serve(db, {})
    arbitrary = "/rtarabic.json?sql=select+count(*)+from+articles"
    assert asyncio.run(ask(default, arbitrary))[0] == 200
    status, _ = asyncio.run(ask(public, arbitrary))
    assert status == 403
    status, body = asyncio.run(ask(public, "/rtarabic/search.json?q=عنوان&_shape=array"))
    assert status == 200 and body.count('"id"') == 5
    # An over-long search is a failed query, not a server held for seconds.
    status, body = asyncio.run(ask(public, "/rtarabic/search.json?q=" + "ب" * (MAX_SQL_QUERY + 1)))
    assert status == 400 and "user-defined function raised exception" in body
