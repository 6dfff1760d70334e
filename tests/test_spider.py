"""The spider against the offline replica over real HTTP, in real ``scrapy crawl`` subprocesses."""

import doctest
import subprocess

import pytest

from rtarabic import arguments
from rtarabic.boilerplate import headline_key
from rtarabic.items import schema_errors
from rtarabic.spiders import rtarabic as spider_module
from rtarabic.text import content_hash, word_count
from tests.crawling import ROOT, crawl_command, crawl_env, run_crawl
from tests.replica.generator import Site
from tests.replica.server import ReplicaHandler, running

# The reference site the spider's contracts name (see RtarabicSpider's docstring).
REFERENCE = {"articles": 300, "seed": 1, "now": "2026-12-01T09:00:00+00:00"}


@pytest.fixture(scope="module")
def reference():
    """The replica's reference site, served on a free port for this module."""
    site = Site(**REFERENCE)
    with running(site):
        yield site


@pytest.fixture(scope="module")
def full_crawl(reference, tmp_path_factory):
    return run_crawl(reference.base_url, tmp_path_factory.mktemp("full"))


def test_doctests():
    assert doctest.testmod(spider_module).failed == 0
    assert doctest.testmod(arguments).failed == 0


def test_priorities_put_listings_and_first_pages_first():
    assert spider_module.listing_priority(0) > spider_module.article_priority(0) > spider_module.listing_priority(1)
    assert spider_module.article_priority(1) > spider_module.listing_priority(2)
    assert spider_module.article_priority(0, hops=1) < spider_module.article_priority(50)


@pytest.mark.slow
def test_full_crawl_stores_each_expected_article_once(reference, full_crawl):
    ids = full_crawl.ids
    assert len(ids) == len(set(ids))
    [(newer, older)] = [(i, reference.entries[i].content_of) for i in reference.fault_ids("republished")]
    expected = set(reference.expected_ids())
    # A republished pair is stored once, under either id; the other becomes an alias.
    assert set(ids) in (expected, expected - {older} | {newer})
    assert full_crawl.stat("rtarabic/dedup/aliases") == 1


@pytest.mark.slow
def test_full_crawl_equals_the_truth_field_by_field(reference, full_crawl):
    for item in full_crawl.items:
        truth = reference.truth(item["id"])
        assert {k: item[k] for k in truth} == truth
        assert item["content_hash"] == content_hash(truth["title"], truth["body"])
        assert item["word_count"] == word_count(truth["summary"], truth["body"])
        assert schema_errors(item) == []
        assert "page_headlines" not in item


@pytest.mark.slow
def test_no_boilerplate_paragraph_in_any_body(reference, full_crawl):
    for item in full_crawl.items:
        furniture = {headline_key(text) for text in reference.boilerplate(item["id"])}
        paragraphs = {headline_key(p) for p in item["body"].split("\n\n")}
        assert not paragraphs & furniture, item["id"]


@pytest.mark.slow
def test_every_fault_is_survived_and_counted(reference, full_crawl):
    stat = full_crawl.stat
    assert stat("finish_reason", None) == "finished"
    assert stat("rtarabic/blocked/ddos_guard") == stat("rtarabic/blocked") == len(reference.fault_ids("ddos_guard"))
    assert stat("rtarabic/fetch/failed/http_404") == len(reference.fault_ids("gone404"))
    assert stat("rtarabic/fetch/failed/http_410") == len(reference.fault_ids("gone410"))
    assert stat("rtarabic/extract/failed/truncated") == len(reference.fault_ids("truncated"))
    assert stat("rtarabic/fetch/failed/ResponseDataLossError") == len(reference.fault_ids("dataloss"))
    assert stat("retry/reason_count/500 Internal Server Error") == len(reference.fault_ids("error500_once"))
    assert stat("rtarabic/backoff") >= len(reference.fault_ids("error500_once"))
    # The advice is logged once, whatever the number of blocked pages.
    assert full_crawl.log.count("answered with a DDoS-Guard interstitial (403)") == 1
    stored = set(full_crawl.ids)
    for kind in ("redirect_chain", "error500_once", "slow", "charset_header_cp1256", "charset_cp1256_body"):
        assert set(reference.fault_ids(kind)) <= stored, kind
    for kind in ("ddos_guard", "gone404", "gone410", "truncated", "dataloss", "redirect_loop"):
        assert not set(reference.fault_ids(kind)) & stored, kind


@pytest.mark.slow
def test_non_article_pages_yield_no_items(reference, full_crawl):
    assert not set(full_crawl.ids) & set(reference.others)
    assert all("/prg/" not in i["url"] and "/video/" not in i["url"] for i in full_crawl.items)


@pytest.mark.slow
def test_stats_per_layout_and_requests(reference, full_crawl):
    layouts = {k.rsplit("/", 1)[1]: v for k, v in full_crawl.stats.items() if k.startswith("rtarabic/extract/layout/")}
    assert sum(layouts.values()) == len(full_crawl.items) + full_crawl.stat("item_dropped_count")
    assert set(layouts) <= {"classic", "current", "main_article", "amp"}
    assert full_crawl.stat("rtarabic/requests/article") == len(reference.article_ids())
    assert full_crawl.stat("rtarabic/requests/feed") == 1


@pytest.mark.slow
def test_urls_file_fetches_exactly_those(reference, tmp_path):
    chosen = [i for i in reference.expected_ids() if i not in reference.fault_ids("republished")][-3:]
    base = reference.base_url
    forms = [
        reference.url(chosen[0]) + "amp?utm_source=rss",
        reference.url(chosen[1]).replace(base, "https://rtarabic.com").rstrip("/"),
        reference.url(chosen[2]) + "#comments",
    ]
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(["# chosen articles", *forms, ""]), "utf-8")
    result = run_crawl(base, tmp_path, "-a", f"urls_file={urls_file}")
    assert sorted(result.ids) == sorted(chosen)
    assert result.stat("rtarabic/requests/article") == 3
    assert result.stat("rtarabic/requests/listing") == 0
    assert result.stat("rtarabic/requests/feed") == 0
    assert result.stat("downloader/request_count") == 4  # robots.txt + the three articles


def test_the_site_sees_a_user_agent_naming_the_contact(tmp_path):
    site = Site(articles=20, seed=4, now=REFERENCE["now"], faults=False)
    with running(site) as server:
        article = f"urls={site.url(site.article_ids()[-1])}"
        result = run_crawl(site.base_url, tmp_path, "-a", article, RTARABIC_CONTACT="mailto:archive@example.org")
        seen = server.stats()["user_agents"]
        server.reset_stats()
        explicit = run_crawl(site.base_url, tmp_path, "-a", article, USER_AGENT="custom-agent/2")
        seen_explicit = server.stats()["user_agents"]
    assert (result.returncode, explicit.returncode) == (0, 0), result.log[-3000:]
    assert list(seen) == ["rtarabic/1.0 (news archiver; +mailto:archive@example.org)"]
    assert list(seen_explicit) == ["custom-agent/2"]  # an explicit USER_AGENT wins


class CanonicalPagesDown(ReplicaHandler):
    """Every canonical article page answers 503; the AMP copies still work."""

    def article(self, article_id, amp, path, match):
        if not amp:
            return self.send(503, "<html><body><h1>503 Service Unavailable</h1></body></html>")
        return super().article(article_id, amp, path, match)


def test_an_article_whose_page_fails_is_read_from_its_amp_copy(tmp_path):
    site = Site(articles=60, seed=4, now=REFERENCE["now"], faults=False)
    news = next(i for i in site.article_ids() if site.truth(i)["section"] == "news")
    chosen = [news, site.article_ids()[-1]]
    with running(site, handler=CanonicalPagesDown):
        urls = ",".join(site.url(i) for i in chosen)
        result = run_crawl(site.base_url, tmp_path, "-a", f"urls={urls}", RETRY_TIMES=0)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("rtarabic/fetch/failed/http_503") == 2
    for item in result.items:
        assert {k: item[k] for k in site.truth(item["id"])} == site.truth(item["id"])
    assert sorted(result.ids) == sorted(chosen)


@pytest.mark.slow
def test_sections_and_max_pages_bound_the_crawl(tmp_path):
    site = Site(**REFERENCE, faults=False)
    with running(site) as server:
        result = run_crawl(site.base_url, tmp_path, "-a", "sections=sport", "-a", "max_pages=2")
        requested = server.stats()["by_path"]
    assert set(result.ids) <= set(site.by_section["sport"])
    # The newest sport articles: the landing page and the first "load more" page.
    from tests.replica.pages import LISTING_LIMIT

    assert set(site.listing(site.by_section["sport"], 0, 2 * LISTING_LIMIT)) <= set(result.ids)
    listings = [path for path in requested if path.startswith("/listing/")]
    assert listings and all(path.endswith("/1") for path in listings)
    assert "/" not in requested and "/rss/" not in requested and "/world/" not in requested
    assert result.stat("rtarabic/requests/feed") == 0


@pytest.mark.parametrize(
    "argument,message",
    [
        ("sections=world,moon", "unknown section(s) moon"),
        ("max_pages=0", "max_pages= must be a positive whole number"),
        ("max_pages=ten", "max_pages= must be a positive whole number"),
        ("urls=https://arabic.rt.com/video/1500000-x/", "not article URLs"),
        ("urls_file=/nonexistent/urls.txt", "cannot read -a urls_file=/nonexistent/urls.txt"),
        ("since=2024-13-01", "since= must be a date YYYY-MM-DD"),
        ("ids=20-10", "ids= must be a range FROM-TO"),
    ],
)
def test_bad_arguments_stop_the_crawl(tmp_path, argument, message):
    # Nothing listens on port 9: a crawl that started would fail differently.
    result = run_crawl("http://127.0.0.1:9", tmp_path, "-a", argument, timeout=60)
    assert result.returncode != 0
    assert message in result.log
    assert result.items == []


@pytest.mark.slow
def test_scrapy_check_passes_against_the_replica(reference, tmp_path):
    command = crawl_command(reference.base_url, scrapy_command="check", RTARABIC_DB=tmp_path / "archive.db")
    done = subprocess.run(command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Ran 5 contracts" in done.stderr and "OK" in done.stderr


@pytest.mark.slow
def test_incremental_runs_fetch_only_new_and_recent_articles(tmp_path):
    site = Site(articles=120, seed=3, faults=False)  # dated up to now: the newest fall in the revisit window
    with running(site):
        first = run_crawl(site.base_url, tmp_path, archive=True)
        second = run_crawl(site.base_url, tmp_path, archive=True)
        new_ids = site.publish(3)
        third = run_crawl(site.base_url, tmp_path, archive=True)
    assert sorted(first.ids) == sorted(site.expected_ids()[:-3])  # all but the 3 published later
    recent = {i for i in first.ids if first.items[first.ids.index(i)]["published"] >= revisit_start(first)}
    assert recent, "the replica dates its newest articles within the revisit window"
    # Archived articles are skipped, except those published within RTARABIC_REVISIT_HOURS.
    assert set(second.ids) == recent
    assert second.stat("rtarabic/requests/revisit") == len(recent)
    # The second and third runs read the feed first: it reaches archived articles, so no listing is walked
    # (tests/test_cron_runs.py has the sweeps that walk them).
    assert second.stat("rtarabic/feed/reached_archive") == 1
    assert second.stat("rtarabic/requests/listing") == 0 < first.stat("rtarabic/requests/listing")
    assert set(new_ids) <= set(third.ids) <= set(new_ids) | recent


def revisit_start(result) -> str:
    """The start of the revisit window (48 hours before the crawl started)."""
    import datetime as dt

    started = dt.datetime.fromisoformat(result.stats["start_time"])
    return (started - dt.timedelta(hours=48)).replace(microsecond=0).isoformat()


@pytest.mark.slow
def test_sitemap_backfill_stores_exactly_the_window(reference, tmp_path):
    result = run_crawl(reference.base_url, tmp_path, "-a", "since=2026-06-01", "-a", "until=2026-06-30")
    in_window = {i for i in reference.expected_ids() if reference.truth(i)["published"][:7] == "2026-06"}
    assert in_window and set(result.ids) == in_window
    assert result.stat("rtarabic/requests/listing") == 0
    assert result.stat("rtarabic/requests/article") < len(reference.article_ids()) / 2


@pytest.mark.slow
def test_id_range_backfill_fetches_only_the_range(reference, tmp_path):
    newest = reference.expected_ids()[-1]
    result = run_crawl(reference.base_url, tmp_path, "-a", f"ids={newest - 5}-{newest}")
    assert result.ids == [newest]
    assert result.stat("rtarabic/requests/article") == 6
    assert result.stat("rtarabic/requests/listing") == 0
