"""Run health as plain functions over a crawl's stats dict.

``evaluate(stats, thresholds)`` lists what went wrong, ``summary(stats, problems)``
writes the one-paragraph account of a run, and ``finalize(stats, settings)``
does both and records the result in the stats (``rtarabic/health/problems``,
``rtarabic/health/exit_status``, ``rtarabic/health/summary``). One component
calls it, once: the ``RunHealthMonitor`` extension (``rtarabic/monitors.py``),
after every feed has closed; it writes the ``runs`` row with ``run_row`` and the
crawl command exits with the recorded status.

Thresholds are settings documented in ``rtarabic/settings.py``; README: "Running
from cron".
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from scrapy.utils.defer import deferred_from_coro

#: Exit statuses of ``scrapy crawl`` (README: "Exit statuses"); the one place they are defined.
EXIT_HEALTHY = 0
EXIT_ERROR = 1  # Scrapy's own failures
EXIT_USAGE = 2  # a bad command line, -a argument or -s setting; -O on the archive
EXIT_UNHEALTHY = 3
EXIT_LOCKED = 4  # another run holds the archive's lock
EXIT_ARCHIVE = 5  # the archive (its lock or WARC files) cannot be used: corrupt, unknown schema, write failed
EXIT_UNREACHABLE = 6  # no start page could be fetched: DNS or connection errors

PROBLEMS = "rtarabic/health/problems"
EXIT_STATUS = "rtarabic/health/exit_status"
SUMMARY = "rtarabic/health/summary"

#: Set by the SQLite feed storage when a write fails: the error, and the scraped items it did not store.
ARCHIVE_ERROR = "rtarabic/archive/error"
ARCHIVE_UNSTORED = "rtarabic/archive/unstored"
#: Set by the WARC capture when a write fails: the error, and the fetched pages it could not keep.
CAPTURE_ERROR = "rtarabic/warc/error"
CAPTURE_FAILED = "rtarabic/warc/failed"
#: Start pages requested, and those answered (any HTTP response below 400), by ``rtarabic/reachability.py``.
START_REQUESTS = "rtarabic/start/requests"
START_ANSWERED = "rtarabic/start/answered"
#: Set when the run was stopped because the site could not be reached: what failed.
UNREACHABLE = "rtarabic/unreachable"

#: Finish reasons of runs our components stop; their own problem says more than the reason.
ARCHIVE_FAILED_REASON = "archive_failed"
CAPTURE_FAILED_REASON = "capture_failed"
UNREACHABLE_REASON = "site_unreachable"


def stop_run(crawler, reason: str) -> None:
    """Stops the crawl with ``reason`` (one of the finish reasons above): nothing more is fetched, the
    feeds close and the verdict follows. Does nothing before the spider opens or once it has closed.

    Example: ``stop_run(self.crawler, CAPTURE_FAILED_REASON)``.
    """
    engine = crawler.engine if crawler is not None else None
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason=reason))


@dataclass(frozen=True)
class Thresholds:
    """Limits past which a run is unhealthy (settings ``RTARABIC_HEALTH_*``)."""

    max_failed_share: float = 0.2
    max_fallback_share: float = 0.5
    max_blocked: int = 0
    max_invalid: int = 0

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(
            max_failed_share=settings.getfloat("RTARABIC_HEALTH_MAX_FAILED_SHARE", cls.max_failed_share),
            max_fallback_share=settings.getfloat(
                "RTARABIC_HEALTH_MAX_FALLBACK_SHARE", cls.max_fallback_share
            ),
            max_blocked=settings.getint("RTARABIC_HEALTH_MAX_BLOCKED", cls.max_blocked),
            max_invalid=settings.getint("RTARABIC_HEALTH_MAX_INVALID", cls.max_invalid),
        )


def _sum_prefix(stats: Mapping[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def _by_suffix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix) :]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def counts(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers a run is judged and summarised by.

    ``stored`` is what reached the archive: the archive's own counts once the feed
    storage has run, else the items handed to the feeds.
    """
    archive = {k: stats.get(f"rtarabic/archive/{k}") for k in ("new", "updated", "unchanged")}
    if any(v is not None for v in archive.values()):
        stored = sum(v or 0 for v in archive.values())
    else:
        stored = stats.get("item_scraped_count", 0)
    extracted = _sum_prefix(stats, "rtarabic/extract/layout/")
    failed = stats.get("rtarabic/extract/failed", 0)
    return {
        "reason": stats.get("finish_reason"),
        "new": archive["new"],
        "updated": archive["updated"],
        "unchanged": archive["unchanged"],
        "stored": stored,
        "items": stats.get("item_scraped_count", 0),
        "ids_new": stats.get("rtarabic/listing/ids_new", 0),
        "extracted": extracted,
        "pages": extracted + failed,
        "failed": failed,
        "failed_by": _by_suffix(stats, "rtarabic/extract/failed/"),
        "fallback": stats.get("rtarabic/extract/fallback", 0),
        "blocked": stats.get("rtarabic/blocked", 0),
        "blocked_by": _by_suffix(stats, "rtarabic/blocked/"),
        "dropped": _sum_prefix(stats, "item_dropped_reasons_count/"),
        "dropped_by": _by_suffix(stats, "item_dropped_reasons_count/"),
        "missing": _by_suffix(stats, "rtarabic/extract/missing/"),
        "gone": stats.get("httperror/response_ignored_count", 0),
        "gave_up": stats.get("retry/max_reached", 0),
        "requests": stats.get("downloader/request_count", 0),
        "requests_by": _by_suffix(stats, "rtarabic/requests/"),
        "feed_failures": _by_suffix(stats, "feedexport/failed_count/"),
        "invalid": stats.get("rtarabic/invalid", 0),
        "invalid_by": {k: v for k, v in _by_suffix(stats, "rtarabic/invalid/").items() if isinstance(v, int)},
        "invalid_articles": list(stats.get("rtarabic/invalid/articles") or []),
        "generic": stats.get("rtarabic/extract/generic", 0),
        "archive_error": stats.get(ARCHIVE_ERROR),
        "unstored": stats.get(ARCHIVE_UNSTORED, 0),
        "capture_error": stats.get(CAPTURE_ERROR),
        "uncaptured": stats.get(CAPTURE_FAILED, 0),
        "start_requests": stats.get(START_REQUESTS, 0),
        "start_answered": stats.get(START_ANSWERED, 0),
        "unreachable": stats.get(UNREACHABLE),
        "not_stored": not_stored(stats),
    }


#: Where article pages that were fetched (a response arrived) but gave no stored article are counted:
#: ``(stats key or prefix, reason)``; a prefix's suffix is appended to the reason.
NOT_STORED_KEYS = (
    ("rtarabic/extract/failed/", "extract_failed/"),
    ("rtarabic/nonarticle", "not_article"),
    ("rtarabic/blocked/", "blocked/"),
    ("rtarabic/fetch/failed/http_", "http_"),
    ("rtarabic/backfill/outside_window", "outside_window"),
    ("rtarabic/extract/repeated", "repeated"),
    ("item_dropped_reasons_count/", "dropped/"),
)


def not_stored(stats: Mapping[str, Any]) -> dict[str, int]:
    """Article pages fetched but not stored as an article, by reason (for the ``runs`` row and the summary).

    Their responses are in the run's WARC files (``rtarabic.capture``), so a later release can read them
    again (``-a warc=``).

    >>> not_stored({"rtarabic/extract/failed/no-body": 2, "rtarabic/fetch/failed/http_410": 1})
    {'extract_failed/no-body': 2, 'http_410': 1}
    """
    reasons = {}
    for key, reason in NOT_STORED_KEYS:
        if key.endswith("/") or key.endswith("_"):
            for suffix, value in _by_suffix(stats, key).items():
                if isinstance(value, int) and value:
                    reasons[reason + suffix] = value
        elif stats.get(key):
            reasons[reason] = stats[key]
    return reasons


def evaluate(stats: Mapping[str, Any], thresholds: Thresholds = Thresholds()) -> list[str]:
    """What makes this run unhealthy; an empty list for a healthy run.

    >>> evaluate({"finish_reason": "finished", "rtarabic/blocked": 2})
    ['blocked: 2 responses were anti-bot interstitials (RTARABIC_HEALTH_MAX_BLOCKED=0)']
    """
    c = counts(stats)
    problems = []
    if c["reason"] not in ("finished", ARCHIVE_FAILED_REASON, CAPTURE_FAILED_REASON, UNREACHABLE_REASON):
        problems.append(f"finish reason: the run ended with {c['reason']!r}, not 'finished'")
    if c["ids_new"] > 0 and c["stored"] == 0:
        problems.append(
            f"empty run: listings showed {c['ids_new']} new article ids but no article was stored"
        )
    if c["pages"] and c["failed"] / c["pages"] > thresholds.max_failed_share:
        problems.append(
            f"layout drift: extraction failed on {c['failed']} of {c['pages']} article pages "
            f"({_detail(c['failed_by'])}; RTARABIC_HEALTH_MAX_FAILED_SHARE={thresholds.max_failed_share})"
        )
    if c["extracted"] and c["fallback"] / c["extracted"] > thresholds.max_fallback_share:
        problems.append(
            f"layout drift: {c['fallback']} of {c['extracted']} articles needed meta/JSON-LD fallbacks "
            f"(RTARABIC_HEALTH_MAX_FALLBACK_SHARE={thresholds.max_fallback_share})"
        )
    if c["blocked"] > thresholds.max_blocked:
        kinds = f" ({_detail(c['blocked_by'])})" if c["blocked_by"] else ""
        problems.append(
            f"blocked: {c['blocked']} responses were anti-bot interstitials{kinds} "
            f"(RTARABIC_HEALTH_MAX_BLOCKED={thresholds.max_blocked})"
        )
    if c["invalid"] > thresholds.max_invalid:
        problems.append(
            f"invalid: {c['invalid']} articles failed validation and were not stored "
            f"({_detail(c['invalid_by'])}; RTARABIC_HEALTH_MAX_INVALID={thresholds.max_invalid})"
        )
    if c["feed_failures"]:
        problems.append(f"storage: feeds failed to store ({_detail(c['feed_failures'])})")
    if c["archive_error"]:
        problems.append(
            f"archive: {c['archive_error']}; the run was stopped and {c['unstored']} scraped articles were "
            "not stored (the JSON Lines feed, if any, holds them)"
        )
    if c["capture_error"]:
        problems.append(
            f"capture: {c['capture_error']}; the run was stopped and {c['uncaptured']} fetched pages were not "
            "kept in WARC (their articles, if any, were stored)"
        )
    if c["unreachable"]:
        problems.append(f"unreachable: {c['unreachable']}")
    elif c["start_requests"] and not c["start_answered"]:
        problems.append(f"unreachable: none of the {c['start_requests']} start pages answered")
    return problems


def exit_status(problems: list[str], stats: Mapping[str, Any] | None = None) -> int:
    """The exit status for ``problems``: the archive's and reachability's own statuses first.

    >>> exit_status(["blocked: 2 ..."])
    3
    """
    if stats is not None and (stats.get(ARCHIVE_ERROR) or stats.get(CAPTURE_ERROR)):
        return EXIT_ARCHIVE
    if any(p.startswith("unreachable:") for p in problems):
        return EXIT_UNREACHABLE
    return EXIT_UNHEALTHY if problems else EXIT_HEALTHY


def _detail(by: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in by.items()) or "no detail"


def _coverage(c: Mapping[str, Any]) -> str:
    base = c["extracted"] or c["items"]
    if not base or not c["missing"]:
        return "every field present" if base else "no articles"
    return ", ".join(f"{field} {100 * (base - n) / base:.0f}%" for field, n in c["missing"].items())


def summary(stats: Mapping[str, Any], problems: list[str]) -> str:
    """One paragraph on the run, for the log and the ``runs`` row."""
    c = counts(stats)
    archive = (
        f"{c['new'] or 0} new, {c['updated'] or 0} updated, {c['unchanged'] or 0} unchanged"
        if c["new"] is not None or c["updated"] is not None or c["unchanged"] is not None
        else f"{c['items']} items handed to the feeds"
    )
    parts = [
        f"Run {c['reason'] or 'unknown'}: {archive}",
        f"{c['dropped']} dropped" + (f" ({_detail(c['dropped_by'])})" if c["dropped"] else ""),
        f"{c['failed']} failed extractions" + (f" ({_detail(c['failed_by'])})" if c["failed"] else ""),
        f"{c['blocked']} blocked",
        f"{c['gone']} gone (HTTP errors), {c['gave_up']} given up after retries",
        f"{c['requests']} requests" + (f" ({_detail(c['requests_by'])})" if c["requests_by"] else ""),
        f"{c['ids_new']} new ids on listings",
        f"{sum(c['not_stored'].values())} article pages fetched but not stored"
        + (f" ({_detail(c['not_stored'])})" if c["not_stored"] else ""),
        f"field coverage of {c['extracted'] or c['items']} articles: {_coverage(c)}",
    ]
    if c["generic"]:
        parts.append(f"{c['generic']} articles read without a known layout (generic extraction)")
    if c["invalid"]:
        parts.append(f"{c['invalid']} invalid articles not stored ({'; '.join(c['invalid_articles']) or 'unnamed'})")
    verdict = "Unhealthy: " + "; ".join(problems) + "." if problems else "Healthy."
    return "; ".join(parts) + ". " + verdict


def finalize(stats: MutableMapping[str, Any], settings) -> tuple[int, str]:
    """Judge the run and record the verdict in ``stats``; returns (exit status, summary).

    :param stats: the crawl's stats dict (``crawler.stats.get_stats()``), updated in place
    :param settings: Scrapy settings holding the ``RTARABIC_HEALTH_*`` thresholds
    """
    problems = evaluate(stats, Thresholds.from_settings(settings))
    text = summary(stats, problems)
    stats[PROBLEMS] = problems
    stats[EXIT_STATUS] = exit_status(problems, stats)
    stats[SUMMARY] = text
    return stats[EXIT_STATUS], text


def run_row(
    stats: MutableMapping[str, Any], settings, archive_totals: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The keyword arguments of ``Archive.finish_run`` for this run, verdict included.

    The run's verdict: ``RunHealthMonitor`` calls it once, after every feed has
    closed, so the row, the log and the exit status say the same thing.

    >>> archive.finish_run(run_id, **run_row(crawler.stats.get_stats(), crawler.settings, sink.totals))  # doctest: +SKIP

    :param archive_totals: the storage's own new/updated/unchanged counts; they
        replace the ``rtarabic/archive/*`` stats (which are missing when zero)
    """
    for key in ("new", "updated", "unchanged"):
        if archive_totals is not None and key in archive_totals:
            stats[f"rtarabic/archive/{key}"] = archive_totals[key]
    status, text = finalize(stats, settings)
    c = counts(stats)
    return {
        "finish_reason": c["reason"],
        "new": c["new"] or 0,
        "updated": c["updated"] or 0,
        "unchanged": c["unchanged"] or 0,
        "dropped": c["dropped"],
        "failed": c["failed"] + c["gave_up"],
        "blocked": c["blocked"],
        "requests": c["requests"],
        "exit_status": status,
        "summary": text,
        # The run's WARC files (rtarabic.capture) and its article pages not stored, by reason.
        "warc_files": stats.get("rtarabic/warc/files") or [],
        "not_stored": c["not_stored"],
    }
