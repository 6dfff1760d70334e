"""Run health end to end: real ``scrapy crawl`` runs against the replica, judged by their exit status."""

import pytest

from rtarabic.archive import Archive
from tests.runs import Replica, crawl, runs

pytestmark = pytest.mark.slow


@pytest.fixture
def replica():
    site = Replica(articles=60, faults=False)
    yield site
    site.close()


def problems(result):
    return [
        line.split("unhealthy run: ", 1)[1] for line in result.log.splitlines() if "unhealthy run: " in line
    ]


def causes(result):
    return [problem.split(":")[0] for problem in problems(result)]


def test_healthy_run_exits_0_and_its_runs_row_holds_the_summary(replica, tmp_path):
    db = tmp_path / "archive.db"
    result = crawl(replica.base_url, db, "healthy")
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("rtarabic/health/problems", None) == []
    summary = result.stat("rtarabic/health/summary")
    assert summary.startswith("Run finished: 60 new, 0 updated, 0 unchanged;")
    assert summary.endswith("Healthy.")
    assert f"[rtarabic.monitors] INFO: {summary}" in result.log
    (row,) = runs(db)
    assert (row["exit_status"], row["new"], row["finish_reason"], row["summary"]) == (
        0,
        60,
        "finished",
        summary,
    )


def test_layout_drift_stores_every_article_generically_and_is_unhealthy(replica, tmp_path):
    replica.control("drift?on=1")
    db = tmp_path / "archive.db"
    result = crawl(replica.base_url, db, "drift")
    assert result.returncode == 3, result.log[-3000:]
    # A redesign (metas and JSON-LD as before, new classes): every article is read generically and
    # stored, and the drift alarm still fires.
    assert causes(result) == ["layout drift"]
    assert "unknown-layout 60" in problems(result)[0]
    assert result.stat("rtarabic/extract/generic") == 60
    assert "60 articles read without a known layout (generic extraction)" in result.stat("rtarabic/health/summary")
    (row,) = runs(db)
    assert (row["exit_status"], row["new"]) == (3, 60)
    stored = Archive(db).db.execute("select count(*), min(extraction), max(extraction) from articles").fetchone()
    assert stored == (60, "generic", "generic")


def test_listings_with_new_articles_but_nothing_stored_is_an_empty_run(replica, tmp_path):
    # Every article answers 410: the listings promise new ids, the archive gets none.
    replica.control("gone?on=1")
    db = tmp_path / "archive.db"
    result = crawl(replica.base_url, db, "gone")
    assert result.returncode == 3, result.log[-3000:]
    assert causes(result) == ["empty run"]
    assert result.stat("rtarabic/listing/ids_new") == 60
    (row,) = runs(db)
    assert (row["exit_status"], row["new"]) == (3, 0)
    assert "Unhealthy: empty run: listings showed" in row["summary"]


def test_blocked_articles_make_the_run_unhealthy(replica, tmp_path):
    replica.control("block?on=1")
    db = tmp_path / "archive.db"
    result = crawl(replica.base_url, db, "blocked")
    assert result.returncode == 3, result.log[-3000:]
    assert "blocked" in causes(result)
    (blocked,) = [p for p in problems(result) if p.startswith("blocked")]
    assert (
        f"blocked: {result.stat('rtarabic/blocked')} responses were anti-bot interstitials (ddos_guard "
        in blocked
    )
    assert result.stat("rtarabic/blocked") > 0
    (row,) = runs(db)
    assert (row["exit_status"], row["blocked"]) == (3, result.stat("rtarabic/blocked"))


def test_a_few_blocked_articles_are_tolerated_when_configured(tmp_path):
    # The default replica blocks two articles with DDoS-Guard.
    site = Replica(articles=60, faults=True)
    try:
        strict = crawl(site.base_url, tmp_path / "strict.db", "strict")
        lenient = crawl(site.base_url, tmp_path / "lenient.db", "lenient", RTARABIC_HEALTH_MAX_BLOCKED=5)
    finally:
        site.close()
    assert strict.stat("rtarabic/blocked") == 2
    assert (strict.returncode, causes(strict)) == (3, ["blocked"])
    assert (lenient.returncode, causes(lenient)) == (0, [])


def test_a_run_cut_short_is_unhealthy(replica, tmp_path):
    result = crawl(replica.base_url, tmp_path / "archive.db", "short", CLOSESPIDER_ITEMCOUNT=3)
    assert result.returncode == 3, result.log[-3000:]
    assert problems(result) == ["finish reason: the run ended with 'closespider_itemcount', not 'finished'"]


def test_health_off_exits_0_for_an_unhealthy_run(replica, tmp_path):
    # The verdict is still computed and stored (the runs row needs it); only the exit status is 0.
    replica.control("block?on=1")
    result = crawl(replica.base_url, tmp_path / "archive.db", "off", RTARABIC_HEALTH_ENABLED=False)
    assert result.returncode == 0
    assert "RTARABIC_HEALTH_ENABLED is False: exiting 0 for this unhealthy run" in result.log
    (row,) = runs(tmp_path / "archive.db")
    assert row["exit_status"] == 3 and "blocked: 60 responses" in row["summary"]
