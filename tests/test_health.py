"""Run health as a function over stats dicts (rtarabic/health.py)."""

import pytest
from scrapy.settings import Settings

from rtarabic import health

HEALTHY = {
    "finish_reason": "finished",
    "item_scraped_count": 10,
    "rtarabic/listing/ids_new": 10,
    "rtarabic/extract/layout/classic": 10,
    "rtarabic/archive/new": 8,
    "rtarabic/archive/updated": 2,
    "rtarabic/archive/unchanged": 0,
    "downloader/request_count": 25,
}


def with_(**changes):
    stats = dict(HEALTHY)
    for key, value in changes.items():
        key = key.replace("__", "/")
        if value is None:
            stats.pop(key, None)
        else:
            stats[key] = value
    return stats


@pytest.mark.parametrize(
    "stats,causes",
    [
        (HEALTHY, []),
        # Nothing new on the site: an empty run is healthy.
        ({"finish_reason": "finished"}, []),
        (with_(finish_reason="shutdown"), ["finish reason"]),
        (with_(finish_reason="closespider_timeout"), ["finish reason"]),
        # Every new article 404/410: listings promised ids, nothing arrived.
        (
            with_(
                item_scraped_count=0,
                rtarabic__archive__new=0,
                rtarabic__archive__updated=0,
                rtarabic__extract__layout__classic=None,
            ),
            ["empty run"],
        ),
        # Before the storage ran, item_scraped_count stands for what was stored.
        (
            with_(
                item_scraped_count=0,
                rtarabic__archive__new=None,
                rtarabic__archive__updated=None,
                rtarabic__archive__unchanged=None,
            ),
            ["empty run"],
        ),
        # Drift: every article page fails to extract.
        (
            with_(
                item_scraped_count=0,
                rtarabic__archive__new=0,
                rtarabic__archive__updated=0,
                rtarabic__extract__layout__classic=None,
                rtarabic__extract__failed=10,
                **{"rtarabic__extract__failed__unknown-layout": 10},
            ),
            ["empty run", "layout drift"],
        ),
        (with_(rtarabic__extract__failed=2), []),  # 2 of 12: within 0.2
        (with_(rtarabic__extract__failed=3), ["layout drift"]),  # 3 of 13
        (with_(rtarabic__extract__fallback=5), []),
        (with_(rtarabic__extract__fallback=6), ["layout drift"]),
        (with_(rtarabic__blocked=1, rtarabic__blocked__ddos_guard=1), ["blocked"]),
        (with_(**{"feedexport__failed_count__SQLiteFeedStorage": 1}), ["storage"]),
    ],
)
def test_evaluate_names_each_cause(stats, causes):
    problems = health.evaluate(stats, health.Thresholds())
    assert [p.split(":")[0] for p in problems] == causes


def test_thresholds_come_from_settings():
    settings = Settings({"RTARABIC_HEALTH_MAX_BLOCKED": 3, "RTARABIC_HEALTH_MAX_FAILED_SHARE": 0.5})
    thresholds = health.Thresholds.from_settings(settings)
    assert thresholds == health.Thresholds(max_failed_share=0.5, max_fallback_share=0.5, max_blocked=3)
    assert health.evaluate(with_(rtarabic__blocked=3), thresholds) == []
    assert health.evaluate(with_(rtarabic__extract__failed=3), thresholds) == []


def test_project_settings_hold_the_documented_defaults():
    from rtarabic import settings

    assert (
        health.Thresholds(
            settings.RTARABIC_HEALTH_MAX_FAILED_SHARE,
            settings.RTARABIC_HEALTH_MAX_FALLBACK_SHARE,
            settings.RTARABIC_HEALTH_MAX_BLOCKED,
        )
        == health.Thresholds()
    )


def test_blocked_problem_names_the_kind_and_setting():
    (problem,) = health.evaluate(with_(rtarabic__blocked=4, rtarabic__blocked__ddos_guard=4))
    assert problem == (
        "blocked: 4 responses were anti-bot interstitials (ddos_guard 4) (RTARABIC_HEALTH_MAX_BLOCKED=0)"
    )


def test_summary_paragraph():
    stats = with_(
        rtarabic__extract__failed=1,
        **{
            "rtarabic__extract__failed__no-body": 1,
            "item_dropped_reasons_count__DuplicateArticle": 2,
            "rtarabic__extract__missing__author": 5,
            "rtarabic__extract__missing__image": 1,
            "rtarabic__requests__article": 11,
            "rtarabic__requests__listing": 3,
        },
    )
    text = health.summary(stats, health.evaluate(stats))
    assert text == (
        "Run finished: 8 new, 2 updated, 0 unchanged; 2 dropped (DuplicateArticle 2); "
        "1 failed extractions (no-body 1); 0 blocked; 0 gone (HTTP errors), 0 given up after retries; "
        "25 requests (article 11, listing 3); 10 new ids on listings; "
        "3 article pages fetched but not stored (extract_failed/no-body 1, dropped/DuplicateArticle 2); "
        "field coverage of 10 articles: author 50%, image 90%. Healthy."
    )
    assert "\n" not in text


def test_summary_of_unhealthy_run_lists_problems():
    stats = with_(finish_reason="shutdown")
    assert health.summary(stats, health.evaluate(stats)).endswith(
        "Unhealthy: finish reason: the run ended with 'shutdown', not 'finished'."
    )


def test_finalize_records_verdict_and_is_idempotent():
    stats = with_(rtarabic__blocked=1)
    status, text = health.finalize(stats, Settings())
    assert (status, stats[health.EXIT_STATUS], stats[health.SUMMARY]) == (3, 3, text)
    assert [p.split(":")[0] for p in stats[health.PROBLEMS]] == ["blocked"]
    assert health.finalize(stats, Settings()) == (status, text)
    del stats["rtarabic/blocked"]
    assert health.finalize(stats, Settings())[0] == 0
    assert stats[health.PROBLEMS] == []


def test_run_row_fits_archive_finish_run(tmp_path):
    from rtarabic.archive import Archive

    # The sink sets rtarabic/archive/* only when non-zero; its totals are authoritative.
    stats = with_(
        rtarabic__blocked=1,
        rtarabic__extract__failed=1,
        rtarabic__archive__new=None,
        rtarabic__archive__updated=None,
        rtarabic__archive__unchanged=None,
        **{"retry__max_reached": 2},
    )
    archive = Archive(tmp_path / "a.db")
    run_id = archive.start_run({"since": "2026-01-01"})
    totals = {"new": 8, "updated": 2, "unchanged": 0, "aliases": 0}
    archive.finish_run(run_id, **health.run_row(stats, Settings(), totals))
    row = archive.db.table("runs").get(run_id)
    assert {
        k: row[k]
        for k in (
            "finish_reason",
            "new",
            "updated",
            "unchanged",
            "dropped",
            "failed",
            "blocked",
            "requests",
            "exit_status",
        )
    } == {
        "finish_reason": "finished",
        "new": 8,
        "updated": 2,
        "unchanged": 0,
        "dropped": 0,
        "failed": 3,
        "blocked": 1,
        "requests": 25,
        "exit_status": 3,
    }
    assert row["summary"] == stats[health.SUMMARY]
    assert "Unhealthy: blocked" in row["summary"]


@pytest.mark.parametrize(
    "changes,causes,status",
    [
        # Issue 14: an archive write failed; the run was stopped (finish reason archive_failed).
        ({"finish_reason": "archive_failed", "rtarabic__archive__error": "writing 20 articles to a.db failed: "
          "database or disk is full", "rtarabic__archive__unstored": 80}, ["archive"], 5),
        # Issue 13: stopped because nothing answered; and a run whose start pages all failed.
        ({"finish_reason": "site_unreachable", "rtarabic__unreachable": "site unreachable: 3 DNS ..."},
         ["unreachable"], 6),
        ({"rtarabic__start__requests": 15, "rtarabic__start__answered": 0}, ["unreachable"], 6),
        ({"rtarabic__start__requests": 15, "rtarabic__start__answered": 1}, [], 0),
    ],
)
def test_archive_failure_and_unreachable_site_have_their_own_status(changes, causes, status):
    stats = with_(**changes)
    assert health.finalize(stats, Settings())[0] == status
    assert [p.split(":")[0] for p in stats[health.PROBLEMS]] == causes


def test_archive_problem_says_what_was_lost():
    stats = with_(rtarabic__archive__error="writing 20 articles to a.db failed: disk I/O error",
                  rtarabic__archive__unstored=80)
    (problem,) = health.evaluate(stats)
    assert problem == ("archive: writing 20 articles to a.db failed: disk I/O error; the run was stopped and 80 "
                       "scraped articles were not stored (the JSON Lines feed, if any, holds them)")
