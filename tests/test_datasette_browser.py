"""Datasette in a real browser: headless Chromium, driven by Playwright, on a crawled archive.

A real ``datasette serve`` (the repository's metadata and plugins, as ``make
datasette`` runs it) serves an archive made by crawling the offline replica.
Screenshots go to ``tests/artifacts/``; with ``RTARABIC_DOCS_SCREENSHOT=1``
the search screenshot also replaces ``docs/datasette-search.png`` (the README's).
"""

import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
from urllib.parse import urlencode, urlsplit

import pytest

from rtarabic.arabic import normalize_arabic
from tests.datasette_server import start_datasette

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "datasette-search.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FATHA = "\u064e"


def crawl_replica(base_url: str, directory: pathlib.Path) -> pathlib.Path:
    """Crawl the replica at ``base_url`` into ``directory/rtarabic.db`` with the project's own command."""
    db = directory / "rtarabic.db"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "rtarabic",
        "-s", f"RTARABIC_BASE_URL={base_url}",
        "-s", f"RTARABIC_DB={db}",
        "-s", f"RTARABIC_JSONL={directory / 'crawl.jsonl'}",
        "-s", f"RTARABIC_WARC_DIR={directory / 'warc'}",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "LOG_LEVEL=INFO",
    ]
    env = {**os.environ, "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    # 3 is an unhealthy run: the replica answers a few articles with anti-bot pages on
    # purpose. Run health has its own tests; this one needs the archive.
    assert result.returncode in (0, 3), result.stderr[-3000:]
    return db


@pytest.fixture(scope="module")
def archive(request, tmp_path_factory):
    """``(path, articles)``: a crawled archive and the replica's truth for its articles."""
    if not (ROOT / "rtarabic" / "spiders" / "rtarabic.py").exists():
        pytest.skip("the rtarabic spider is not in the tree yet")
    replica = request.getfixturevalue("replica")
    directory = tmp_path_factory.mktemp("browser")
    db = crawl_replica(replica.base_url, directory)
    with sqlite3.connect(db) as conn:
        archived = {id for (id,) in conn.execute("select id from articles")}
    assert archived
    return db, [replica.site.truth(id) for id in replica.site.article_ids() if id in archived]


@pytest.fixture(scope="module")
def datasette_url(archive, tmp_path_factory):
    """The URL of a real ``datasette serve`` of the archive on a free local port."""
    db, _ = archive
    process, url = start_datasette(db, log=tmp_path_factory.mktemp("datasette") / "datasette.log")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, datasette_url):
    """A page that may only talk to the local Datasette; ``page.offsite`` lists what it tried elsewhere."""
    page = browser.new_page(viewport={"width": 1280, "height": 600}, locale="ar")
    page.offsite = []
    local = urlsplit(datasette_url).netloc

    def only_local(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            page.offsite.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    yield page
    page.close()


def respellings(word: str):
    """Other spellings of ``word`` that the search must treat as the same word."""
    yield "".join(letter + FATHA for letter in word)  # vowel marks on every letter
    if word[0] == "ا":
        yield "أ" + word[1:]  # hamza added
    if word[0] in "أإآ":
        yield "ا" + word[1:]  # hamza removed
    if not word.startswith("ال"):
        yield "ال" + word  # the article
    yield "و" + word  # "and"


def search_case(articles):
    """``(article, query)``: an article and a respelling of its title's rarest word."""
    counts = {}
    for item in articles:
        for word in set(normalize_arabic(f"{item['title']} {item.get('summary') or ''} {item['body']}").split()):
            counts[word] = counts.get(word, 0) + 1
    candidates = []
    for item in articles:
        for word in item["title"].split():
            key = normalize_arabic(word)
            if len(key) >= 4 and key.isalpha():
                candidates.append((counts.get(key, 0), item["id"], word, item))
    _, _, word, item = min(candidates, key=lambda c: c[:2])
    for query in respellings(word):
        if query != word and normalize_arabic(query) == normalize_arabic(word):
            return item, query
    raise AssertionError(f"no other spelling of {word!r} normalises alike")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_search_finds_article_spelled_differently(page, datasette_url, archive):
    item, query = search_case(archive[1])
    assert query not in item["title"]
    page.goto(f"{datasette_url}/rtarabic/search")
    page.fill("textarea[name=q], input[name=q]", query)
    page.click("form.sql input[type=submit], form.sql button[type=submit]")
    page.wait_for_selector("table.rows-and-columns")
    assert page.input_value("textarea[name=q], input[name=q]") == query
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    ids = page.locator("table.rows-and-columns td.col-id").all_inner_texts()
    assert item["title"] in titles
    assert str(item["id"]) in ids
    path = screenshot(page, "datasette-search.png")
    if os.environ.get("RTARABIC_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT)
    assert page.offsite == []


def test_dashboard_draws_charts(page, datasette_url, archive):
    db, _ = archive
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("select count(*) from articles").fetchone()
    page.goto(f"{datasette_url}/-/dashboards/archive")
    # vega-embed draws each vega-lite chart as an SVG or a canvas inside its card.
    for chart in ("per-day", "per-month", "per-section"):
        page.locator(f"#chart-{chart} svg, #chart-{chart} canvas").first.wait_for(timeout=30_000)
    page.locator("#chart-articles-count", has_text=str(count)).wait_for(timeout=30_000)
    screenshot(page, "datasette-dashboard.png")
    assert page.offsite == []


def test_article_page_links_revisions_query(page, datasette_url, archive):
    item = archive[1][0]
    page.goto(f"{datasette_url}/rtarabic/article?" + urlencode({"id": item["id"]}))
    page.wait_for_selector("table.rows-and-columns")
    assert page.locator("td.col-version").first.inner_text() == "current"
    assert page.locator("td.col-title").first.inner_text() == item["title"]
