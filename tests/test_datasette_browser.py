"""Datasette in a real browser: headless Chromium, driven by Playwright, on a crawled archive.

A real ``datasette serve`` (the repository's metadata and plugins, as ``make
datasette`` runs it) serves an archive made by crawling the offline replica.
Screenshots go to ``tests/artifacts/``; with ``RTARABIC_DOCS_SCREENSHOT=1``
the search and article screenshots also replace ``docs/datasette-search.png`` and
``docs/datasette-article.png`` (the README's).

Without Debian's Chromium these tests are skipped with a line saying how to install it
(``RTARABIC_REQUIRE_BROWSER=1``, which ``.ci/run`` sets, makes that a failure instead).
"""

import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode, urlsplit

import pytest

from rtarabic.arabic import normalize_arabic
from tests.datasette_server import start_datasette
from tests.replica.running import RunningReplica

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "datasette-search.png"
DOCS_ARTICLE_SCREENSHOT = ROOT / "docs" / "datasette-article.png"
#: Debian's Chromium; RTARABIC_CHROMIUM names another binary.
CHROMIUM = os.environ.get("RTARABIC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FATHA = "\u064e"


def crawl_replica(base_url: str, directory: pathlib.Path, *args: str) -> pathlib.Path:
    """Crawl the replica at ``base_url`` into ``directory/rtarabic.db`` with the project's own command.

    :param args: more command-line arguments, e.g. ``"-a", "urls=..."``
    """
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
    command += args
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


def no_browser(reason: str):
    """Skip (or, under ``RTARABIC_REQUIRE_BROWSER=1``, fail) with one line instead of a traceback."""
    message = f"{reason}; install it with `sudo apt-get install chromium` (Debian), as .ci/run does"
    if os.environ.get("RTARABIC_REQUIRE_BROWSER"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module", autouse=True)
def chromium_installed():
    """Checked before any crawl or server starts, so that a machine without Chromium learns it at once."""
    if not os.access(CHROMIUM, os.X_OK):
        no_browser(f"the browser tests need Chromium at {CHROMIUM}, and it is not there")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as error:
            no_browser(f"Chromium at {CHROMIUM} did not start ({str(error).splitlines()[0]})")
        yield chromium
        chromium.close()


def local_page(browser, url: str, width: int, height: int):
    """A page that may only talk to the server at ``url``; ``page.offsite`` lists what it tried elsewhere."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale="ar")
    page.offsite = []
    local = urlsplit(url).netloc

    def only_local(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            page.offsite.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    return page


@pytest.fixture
def page(browser, datasette_url):
    """A page on the crawled archive's Datasette (see ``local_page``)."""
    page = local_page(browser, datasette_url, 1280, 600)
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


# --- The article page, feeds, links and directions (issue 13) ---------------------------------------


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """``(db, article id, its three versions' truths)``: a replica crawl where one article was edited twice."""
    if not (ROOT / "rtarabic" / "spiders" / "rtarabic.py").exists():
        pytest.skip("the rtarabic spider is not in the tree yet")
    replica = RunningReplica(articles=40, faults=False)
    try:
        directory = tmp_path_factory.mktemp("edited")
        db = crawl_replica(replica.base_url, directory)
        with sqlite3.connect(db) as conn:
            archived = {id for (id,) in conn.execute("select id from articles")}
        article_id = max(i for i in replica.site.article_ids() if i in archived)
        versions = [replica.site.truth(article_id)]
        for _ in range(2):
            replica.control(f"edit?id={article_id}")
            versions.append(replica.site.truth(article_id))
            crawl_replica(replica.base_url, directory, "-a", f"urls={versions[-1]['url']}")
    finally:
        replica.stop()
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from revisions where article_id = ?", [article_id]).fetchone() == (2,)
    return db, article_id, versions


@pytest.fixture(scope="module")
def edited_url(edited, tmp_path_factory):
    db, _, _ = edited
    process, url = start_datasette(db, log=tmp_path_factory.mktemp("datasette-edited") / "datasette.log")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def reader(browser, edited_url):
    """A page on the edited archive's Datasette (see ``local_page``)."""
    page = local_page(browser, edited_url, 1100, 900)
    yield page
    page.close()


def direction(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).direction")


def test_article_page_reads_right_to_left_with_highlighted_revisions(reader, edited_url, edited):
    _, article_id, versions = edited
    current, middle = versions[-1], versions[-2]
    reader.goto(f"{edited_url}/rtarabic/articles/{article_id}")
    article = reader.locator("article.rt-article")
    assert article.get_attribute("lang") == "ar"
    assert direction(article) == "rtl"
    assert direction(reader.locator("article.rt-article .rt-body p").first) == "rtl"
    assert reader.locator("article.rt-article h1").inner_text() == current["title"]
    assert reader.locator(".rt-body p").all_inner_texts() == current["body"].split("\n\n")
    assert reader.locator(".rt-section a").inner_text() == current["section_name"]
    assert reader.locator(".rt-tags a").all_inner_texts() == [tag["name"] for tag in current["tags"]]
    assert reader.locator("a.rt-original").get_attribute("href") == current["url"]
    if current.get("image"):
        assert current["image"]["credit"] in reader.locator("figcaption").inner_text()
    # Two revisions, newest first; each edit rewrote the first paragraph and the update line.
    revisions = reader.locator("section.rt-revision")
    assert revisions.count() == 2
    newest = revisions.first
    inserted = " ".join(newest.locator("ins").all_inner_texts()).split()
    deleted = " ".join(newest.locator("del").all_inner_texts()).split()
    assert inserted and deleted
    assert set(inserted) <= set(current["body"].split()) | set(current["title"].split())
    assert set(deleted) <= set(middle["body"].split()) | set(middle["title"].split())
    highlight = newest.locator("ins").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent")
    path = screenshot(reader, "datasette-article.png")
    if os.environ.get("RTARABIC_DOCS_SCREENSHOT"):
        shutil.copyfile(path, DOCS_ARTICLE_SCREENSHOT)
    # The archive keeps no images: the lead image is the only thing asked of another host.
    image = (current.get("image") or {}).get("url")
    assert set(reader.offsite) <= {image}


def test_home_search_box_and_result_links_lead_to_the_article(reader, edited_url, edited):
    _, article_id, versions = edited
    word = max(versions[-1]["title"].split(), key=lambda w: len(normalize_arabic(w)))
    reader.goto(f"{edited_url}/rtarabic")
    reader.fill("#rt-q", "".join(letter + FATHA for letter in word))  # spelled with vowel marks
    reader.press("#rt-q", "Enter")
    reader.wait_for_selector("table.rows-and-columns")
    reader.click(f'a.rt-article-link[href="/rtarabic/articles/{article_id}"]')
    reader.wait_for_url(f"**/rtarabic/articles/{article_id}")
    assert reader.locator("article.rt-article h1").inner_text() == versions[-1]["title"]
    reader.goto(f"{edited_url}/rtarabic/latest")
    link = reader.locator(f'td.col-title a[href="/rtarabic/articles/{article_id}"]')
    assert link.inner_text() == versions[-1]["title"]
    assert direction(link.locator("xpath=..")) == "rtl"


def test_arabic_cells_run_right_to_left_and_numbers_left_to_right(reader, edited_url):
    reader.goto(f"{edited_url}/rtarabic/articles")
    assert direction(reader.locator("td.col-title").first) == "rtl"
    assert direction(reader.locator("td.col-section_name").first) == "rtl"
    assert direction(reader.locator("td.col-id").first) == "ltr"
    assert reader.offsite == []


def test_atom_feed_is_xml_listing_the_newest_articles(edited_url, edited):
    db, _, _ = edited
    with urllib.request.urlopen(f"{edited_url}/rtarabic/feed.atom", timeout=30) as response:
        assert response.headers["content-type"].startswith("application/xml")
        feed = ET.fromstring(response.read())
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.tag == atom + "feed"
    with sqlite3.connect(db) as conn:
        newest = [url for (url,) in conn.execute("select url from articles order by published desc limit 50")]
    assert [entry.find(atom + "id").text for entry in feed.iter(atom + "entry")] == newest
    for entry in feed.iter(atom + "entry"):
        assert entry.find(atom + "title").text and entry.find(atom + "updated").text
    title = feed.find(f"{atom}entry/{atom}title").text
    query = quote(title.split()[0])
    with urllib.request.urlopen(f"{edited_url}/rtarabic/search_feed.atom?q={query}", timeout=30) as response:
        found = ET.fromstring(response.read())
    assert title in [entry.find(atom + "title").text for entry in found.iter(atom + "entry")]
