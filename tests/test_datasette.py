"""Tests of the Datasette layer: the plugin, datasette/metadata.yml and its canned queries.

A small archive is written through ``rtarabic.archive.Archive`` (the real
schema, search index and revisions) and served by an in-process Datasette with
the repository's metadata and plugins, as ``make datasette`` serves it.
"""

import asyncio
import importlib.util
import json
import os
import pathlib
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import yaml
from datasette.app import Datasette

from rtarabic.archive import Archive
from rtarabic.text import content_hash, word_count

ROOT = pathlib.Path(__file__).resolve().parents[1]
METADATA = ROOT / "datasette" / "metadata.yml"
PLUGINS = ROOT / "datasette" / "plugins"
TEMPLATES = ROOT / "datasette" / "templates"
ATOM = "{http://www.w3.org/2005/Atom}"


def get_json(ds, path):
    """GET ``path`` from ``ds`` in-process; the decoded JSON body (asserting a 200)."""
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text
    return response.json()


def query(name, **params):
    """The URL of canned query ``name`` as a JSON array of row objects."""
    return f"/rtarabic/{name}.json?" + urlencode({**params, "_shape": "array"})


def article(id, section, section_name, title, body, published, tags=(), crawled_at="2024-03-12T18:00:00+00:00"):
    """An exported article with every field the archive stores."""
    return {
        "id": id,
        "url": f"https://arabic.rt.com/{section}/{id}-x/",
        "section": section,
        "section_name": section_name,
        "title": title,
        "summary": None,
        "body": body,
        "source": "RT",
        "published": published,
        "modified": None,
        "author": None,
        "tags": [{"name": name, "slug": slug} for name, slug in tags],
        "image": None,
        "links": [],
        "word_count": word_count(body),
        "language": "ar",
        "content_hash": content_hash(title, body),
        "crawled_at": crawled_at,
    }


SAUDI = ("السعودية", "saudi-arabia")
USA = ("الولايات المتحدة", "usa")

ARTICLES = [
    article(
        101, "middle_east", "الشرق الأوسط", "مُحَمَّد بن سلمان يستقبل وفدا في الرياض",
        "استقبل ولي العهد السعودي وفدا رسميا.", "2024-03-11T08:00:00+00:00", [SAUDI],
    ),
    article(
        102, "world", "العالم", "أحمد يزور البيت الأبيض",
        "وصل الزائر إلى واشنطن صباح اليوم.", "2024-03-12T09:30:00+00:00", [USA, SAUDI],
    ),
    article(
        103, "sport", "الرياضة", "فوز كبير للمنتخب في المباراة النهائية",
        "سجل اللاعبون ثلاثة أهداف.", "2024-03-12T15:00:00+00:00",
    ),
]

#: Article 102 as edited after the first crawl: its first version becomes a revision.
EDITED = article(
    102, "world", "العالم", "أحمد يزور البيت الأبيض",
    "وصل الزائر إلى واشنطن صباح اليوم والتقى الرئيس.", "2024-03-12T09:30:00+00:00", [USA, SAUDI],
    crawled_at="2024-03-12T20:00:00+00:00",
)


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    # The file name gives the database name "rtarabic" that metadata.yml configures.
    path = tmp_path_factory.mktemp("archive") / "rtarabic.db"
    archive = Archive(path)
    first = archive.start_run({"spider": "rtarabic"})
    archive.finish_run(first, finish_reason="finished", new=3, requests=40, exit_status=0)
    archive.upsert_articles(ARTICLES)
    second = archive.start_run({"spider": "rtarabic", "incremental": True})
    archive.upsert_articles([EDITED])
    archive.finish_run(second, finish_reason="finished", updated=1, requests=12, exit_status=3)
    archive.close()
    return path


@pytest.fixture(scope="module")
def ds(archive_path):
    metadata = yaml.safe_load(METADATA.read_text("utf-8"))
    return Datasette([str(archive_path)], metadata=metadata, plugins_dir=str(PLUGINS), template_dir=str(TEMPLATES))


def test_plugin_loads():
    ds = Datasette(memory=True, plugins_dir=str(PLUGINS))
    assert "rtarabic_functions.py" in {plugin["name"] for plugin in get_json(ds, "/-/plugins.json")}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("select arabic_normalize('مُحَمَّد')", "محمد"),
        ("select arabic_normalize('أحمد')", "احمد"),
        ("select arabic_normalize('البيت')", "بيت"),
        ("select arabic_fts_query('وَمُحَمَّد في البيت')", '"محمد" "في" "بيت"'),
    ],
)
def test_plugin_registers_arabic_functions(sql, expected):
    ds = Datasette(memory=True, plugins_dir=str(PLUGINS))
    rows = get_json(ds, "/_memory.json?" + urlencode({"sql": sql, "_shape": "arrayfirst"}))
    assert rows == [expected]


@pytest.mark.parametrize(
    ("q", "ids"),
    [
        ("مُحَمَّد", [101]),
        ("محمد", [101]),
        ("ومحمد", [101]),
        ("أحمد", [102]),
        ("احمد", [102]),
        ("البيت", [102]),
        ("بيت", [102]),
        ("وبالبيت", [102]),
        ("احمد البيت", [102]),
        # Every word must occur.
        ("محمد البيت", []),
        # FTS5 syntax in the input is not interpreted.
        ('محمد" OR "فوز', []),
        ("", []),
    ],
)
def test_search_query_finds_any_spelling(ds, q, ids):
    assert [row["id"] for row in get_json(ds, query("search", q=q))] == ids


def test_search_ranks_the_newest_thousand_matches_only(tmp_path):
    # Issue 12: ranking every match of a common word in a million articles took half a second; the
    # search ranks the 1,000 newest matches (ids grow with time) and shows the best 100 of them.
    path = tmp_path / "rtarabic.db"
    archive = Archive(path)
    oldest = article(1, "world", "العالم", "غزة غزة غزة غزة", "غزة غزة غزة غزة غزة.", "2020-01-01T00:00:00+00:00")
    archive.upsert_articles([oldest] + [
        article(1000 + n, "world", "العالم", f"خبر رقم {n}", f"قال الشاهد إن غزة شهدت حدثا {n} " + "كلمة " * (n % 40),
                "2024-01-01T00:00:00+00:00") for n in range(1000)] + [
        article(5000, "world", "العالم", "غزة اليوم", "غزة غزة غزة.", "2024-02-01T00:00:00+00:00")])
    archive.close()
    ds = Datasette([str(path)], metadata=yaml.safe_load(METADATA.read_text("utf-8")), plugins_dir=str(PLUGINS))
    ids = [row["id"] for row in get_json(ds, query("search", q="غزة"))]
    assert len(ids) == 100 and 1 not in ids  # the best match of all is older than the newest 1,000
    assert ids[0] == 5000  # the best of the newest 1,000 comes first
    assert set(ids) <= set(range(1001, 2000)) | {5000}


def test_latest_query_lists_newest_first(ds):
    rows = get_json(ds, query("latest"))
    assert [(row["id"], row["published"]) for row in rows] == [
        (103, "2024-03-12T15:00:00+00:00"),
        (102, "2024-03-12T09:30:00+00:00"),
        (101, "2024-03-11T08:00:00+00:00"),
    ]


def test_per_day_query(ds):
    assert get_json(ds, query("per_day")) == [
        {"day": "2024-03-12", "articles": 2},
        {"day": "2024-03-11", "articles": 1},
    ]


def test_per_section_query(ds):
    rows = get_json(ds, query("per_section"))
    assert {row["section"]: row["articles"] for row in rows} == {"middle_east": 1, "world": 1, "sport": 1}


def test_article_query_shows_current_version_then_revisions(ds):
    rows = get_json(ds, query("article", id=102))
    assert [(row["version"], row["body"], row["content_hash"]) for row in rows] == [
        ("current", EDITED["body"], EDITED["content_hash"]),
        ("revision 1", ARTICLES[1]["body"], ARTICLES[1]["content_hash"]),
    ]
    assert rows[1]["replaced_at"] == EDITED["crawled_at"]


def test_article_query_of_unedited_article(ds):
    rows = get_json(ds, query("article", id=101))
    assert [(row["version"], row["title"]) for row in rows] == [("current", ARTICLES[0]["title"])]


def test_runs_query_lists_latest_run_first(ds):
    rows = get_json(ds, query("latest_runs"))
    assert [(row["id"], row["exit_status"], row["new"], row["updated"]) for row in rows] == [
        (2, 3, None, 1),
        (1, 0, 3, None),
    ]
    assert all(isinstance(row["seconds"], int) and row["seconds"] >= 0 for row in rows)


@pytest.mark.parametrize("tag", ["saudi-arabia", "السعودية"])
def test_tag_query_by_slug_or_name(ds, tag):
    assert [row["id"] for row in get_json(ds, query("tag", tag=tag))] == [102, 101]


def test_articles_table_facets(ds):
    data = get_json(ds, "/rtarabic/articles.json?_size=0")
    facets = data["facet_results"]
    assert {row["value"]: row["count"] for row in facets["section"]["results"]} == {
        "middle_east": 1, "world": 1, "sport": 1,
    }
    assert {row["value"]: row["count"] for row in facets["published"]["results"]} == {
        "2024-03-12": 2, "2024-03-11": 1,
    }
    assert facets["published"]["type"] == "date"


def test_tag_facet_counts_articles_per_tag_by_name(ds):
    facets = get_json(ds, "/rtarabic/article_tags.json?_size=0")["facet_results"]
    assert {(row["value"], row["label"], row["count"]) for row in facets["tag_slug"]["results"]} == {
        ("saudi-arabia", "السعودية", 2),
        ("usa", "الولايات المتحدة", 1),
    }


def test_canned_queries_leave_table_pages_alone(ds):
    metadata = yaml.safe_load(METADATA.read_text("utf-8"))
    tables = {table["name"] for table in get_json(ds, "/rtarabic.json")["tables"]}
    assert not tables & set(metadata["databases"]["rtarabic"]["queries"])
    rows = get_json(ds, "/rtarabic/runs.json?exit_status__gt=0&_shape=array")
    assert [(row["id"], row["exit_status"]) for row in rows] == [(2, 3)]


def test_every_table_in_metadata_exists(ds):
    metadata = yaml.safe_load(METADATA.read_text("utf-8"))
    tables = {table["name"] for table in get_json(ds, "/rtarabic.json")["tables"]}
    assert set(metadata["databases"]["rtarabic"]["tables"]) <= tables


def test_every_dashboard_chart_query_runs(ds):
    dashboards = yaml.safe_load(METADATA.read_text("utf-8"))["plugins"]["datasette-dashboards"]
    charts = [chart for dashboard in dashboards.values() for chart in dashboard["charts"].values()]
    assert charts
    for chart in charts:
        rows = get_json(ds, f"/{chart['db']}.json?" + urlencode({"sql": chart["query"], "_shape": "array"}))
        assert rows, chart["title"]


def test_dashboard_page(ds):
    response = asyncio.run(ds.client.get("/-/dashboards/archive"))
    assert response.status_code == 200
    assert "Articles per day" in response.text
    # vega is served by the plugin itself, not by a CDN.
    assert "/-/static-plugins/datasette_dashboards/vega.min.js" in response.text


def test_datasette_get_from_the_command_line(archive_path):
    # The command the README documents, with --get instead of a server.
    result = subprocess.run(
        [sys.executable, "-m", "datasette", str(archive_path),
         "--metadata", str(METADATA), "--plugins-dir", str(PLUGINS),
         "--get", query("search", q="وَأَحْمَد")],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )
    assert [row["title"] for row in json.loads(result.stdout)] == ["أحمد يزور البيت الأبيض"]


def test_serves_while_the_archive_is_written(tmp_path):
    # A cron crawl writes while Datasette serves: new rows appear without a restart,
    # and Datasette holds no lock that would stop the writer.
    path = tmp_path / "rtarabic.db"
    archive = Archive(path)
    archive.upsert_articles(ARTICLES[:1])
    metadata = yaml.safe_load(METADATA.read_text("utf-8"))
    ds = Datasette([str(path)], metadata=metadata, plugins_dir=str(PLUGINS))
    assert [row["id"] for row in get_json(ds, query("latest"))] == [101]
    assert get_json(ds, query("search", q="احمد")) == []
    archive.upsert_articles(ARTICLES[1:])
    assert [row["id"] for row in get_json(ds, query("latest"))] == [103, 102, 101]
    assert [row["id"] for row in get_json(ds, query("search", q="احمد"))] == [102]
    archive.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


# --- Reading: the article page, links, right-to-left cells, the home page's search box, feeds (issue 13) ---


def load_reading_plugin():
    spec = importlib.util.spec_from_file_location("rtarabic_reading", PLUGINS / "rtarabic_reading.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reading = load_reading_plugin()


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("قال الوزير أمس", "قال الرئيس أمس", [("same", "قال"), ("del", "الوزير"), ("ins", "الرئيس"), ("same", "أمس")]),
        ("أ ب", "أ ب ج", [("same", "أ ب"), ("ins", "ج")]),
        ("أ\n\nب ج", "أ\n\nب", [("same", "أ\n\nب"), ("del", "ج")]),
        (None, "نص", [("ins", "نص")]),
        ("نص", "نص", [("same", "نص")]),
    ],
)
def test_diff_words(old, new, expected):
    assert reading.diff_words(old, new) == expected


def test_diff_html_escapes_and_marks_changes():
    html = reading.diff_html("<b>قال</b>\n\nالوزير", "<b>قال</b>\n\nالرئيس")
    assert html == "&lt;b&gt;قال&lt;/b&gt;<br><br> <del>الوزير</del> <ins>الرئيس</ins>"


#: An article edited twice: three versions, two revisions.
VERSIONS = [
    {**article(201, "world", "أخبار العالم", "الرئيس يزور ليبيا",
               "وصل الرئيس إلى طرابلس صباح اليوم.\n\nوالتقى رئيس الحكومة في العاصمة.",
               "2024-04-01T08:00:00+00:00", [("ليبيا", "Libya")], crawled_at="2024-04-01T09:00:00+00:00"),
     "summary": "زيارة رسمية تستمر يومين.",
     "image": {"url": "https://cdni.rt.com/media/pics/x.jpg", "caption": "الرئيس في طرابلس", "credit": "رويترز"}},
]
VERSIONS.append({**VERSIONS[0], "body": "وصل الرئيس إلى طرابلس مساء أمس.\n\nوالتقى رئيس الحكومة في العاصمة.",
                 "modified": "2024-04-01T10:00:00+00:00", "crawled_at": "2024-04-01T11:00:00+00:00"})
VERSIONS.append({**VERSIONS[1], "title": "الرئيس يختتم زيارته إلى ليبيا",
                 "body": VERSIONS[1]["body"] + "\n\nوغادر بعد ظهر اليوم.",
                 "modified": "2024-04-01T14:00:00+00:00", "crawled_at": "2024-04-01T15:00:00+00:00"})
for version in VERSIONS:
    version["content_hash"] = content_hash(version["title"], version["body"])


@pytest.fixture(scope="module")
def reading_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("reading") / "rtarabic.db"
    archive = Archive(path)
    for version in VERSIONS:
        archive.upsert_articles([version])
    archive.upsert_articles(ARTICLES)
    archive.close()
    return path


def serve(path):
    metadata = yaml.safe_load(METADATA.read_text("utf-8"))
    return Datasette([str(path)], metadata=metadata, plugins_dir=str(PLUGINS), template_dir=str(TEMPLATES))


def get_html(ds, path):
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text[-2000:]
    return response.text


def test_article_page_reads_right_to_left_with_its_revisions(reading_path):
    html = get_html(serve(reading_path), "/rtarabic/articles/201")
    page = html[html.index('<article class="rt-article" dir="rtl" lang="ar">'):html.index("</article>")]
    current = VERSIONS[-1]
    assert f"<h1>{current['title']}</h1>" in page
    assert '<p class="rt-lead">زيارة رسمية تستمر يومين.</p>' in page
    body = [p for p in current["body"].split("\n\n")]
    positions = [page.index(f"<p>{paragraph}</p>") for paragraph in body]
    assert positions == sorted(positions)
    assert '<img src="https://cdni.rt.com/media/pics/x.jpg" alt="الرئيس في طرابلس"' in page
    assert '<span class="rt-credit">رويترز</span>' in page
    assert '<a href="/rtarabic/articles?section=world">أخبار العالم</a>' in page
    assert '<a href="/rtarabic/tag?tag=Libya">ليبيا</a>' in page
    assert f'href="{current["url"]}"' in page
    assert 'class="rt-withdrawn"' not in page
    # Newest change first: the title and a new paragraph, then the first edit of the body.
    assert page.count('<section class="rt-revision">') == 2
    first, second = page.split('<section class="rt-revision">')[1:]
    assert "<del>يزور</del> <ins>يختتم زيارته إلى</ins>" in first
    assert "<ins><br><br>وغادر بعد ظهر اليوم.</ins>" in first
    assert "<del>صباح اليوم.</del> <ins>مساء أمس.</ins>" in second
    assert "rt-diff-title" not in second


def test_article_page_shows_withdrawal_when_the_archive_records_it(reading_path, tmp_path):
    # The archive's withdrawal tracking (schema version 2) gives every archive the column.
    path = tmp_path / "rtarabic.db"
    with sqlite3.connect(reading_path) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
        copy.execute("update articles set withdrawn_at = '2024-04-02T08:00:00+00:00' where id = 201")
    html = get_html(serve(path), "/rtarabic/articles/201")
    assert '<p class="rt-withdrawn" role="status">' in html
    assert '<time datetime="2024-04-02T08:00:00+00:00" dir="ltr">' in html
    assert 'class="rt-withdrawn"' not in get_html(serve(path), "/rtarabic/articles/101")


def test_unknown_article_is_a_404(reading_path):
    assert asyncio.run(serve(reading_path).client.get("/rtarabic/articles/999")).status_code == 404


@pytest.mark.parametrize("path", ["/rtarabic/search?q=ليبيا", "/rtarabic/latest", "/rtarabic/tag?tag=Libya",
                                  "/rtarabic/articles"])
def test_titles_link_to_the_article_page(reading_path, path):
    html = get_html(serve(reading_path), path)
    assert f'<a class="rt-article-link" href="/rtarabic/articles/201">{VERSIONS[-1]["title"]}</a>' in html


def test_every_page_sets_cells_to_their_own_direction(reading_path):
    html = get_html(serve(reading_path), "/rtarabic/runs")
    assert 'el.setAttribute("dir", "auto")' in html


def test_database_page_has_a_search_box(reading_path):
    html = get_html(serve(reading_path), "/rtarabic")
    form = html[html.index('<form class="rt-search"'):]
    form = form[:form.index("</form>")]
    assert 'action="/rtarabic/search" method="get"' in form
    assert '<input id="rt-q" type="search" name="q" dir="auto"' in form
    assert '<link rel="alternate" type="application/atom+xml"' in html


def atom(ds, path):
    """The Atom document at ``path``, parsed (it must be well-formed XML)."""
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == 200, response.text[-2000:]
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.content)


def entries(feed):
    return [{child.tag.removeprefix(ATOM): (child.text if child.tag != ATOM + "link" else child.get("href"))
             for child in entry} for entry in feed.iter(ATOM + "entry")]


def test_latest_feed_lists_the_newest_articles(reading_path):
    feed = atom(serve(reading_path), "/rtarabic/feed.atom")
    assert feed.tag == ATOM + "feed"
    assert feed.find(ATOM + "title").text == "RT Arabic archive · أحدث المقالات"
    with sqlite3.connect(reading_path) as conn:
        newest = conn.execute("select url, title from articles order by published desc").fetchall()
    got = entries(feed)
    assert [(e["id"], e["title"]) for e in got] == newest
    assert all(e["link"] == e["id"] and e["updated"] for e in got)
    assert got[0]["content"] == "زيارة رسمية تستمر يومين."


def test_search_feed_lists_matches_newest_first(reading_path):
    got = entries(atom(serve(reading_path), "/rtarabic/search_feed.atom?" + urlencode({"q": "ليبيا"})))
    assert [e["title"] for e in got] == [VERSIONS[-1]["title"]]
    got = entries(atom(serve(reading_path), "/rtarabic/search_feed.atom?" + urlencode({"q": "في"})))
    assert [e["title"] for e in got] == [VERSIONS[-1]["title"], ARTICLES[2]["title"], ARTICLES[0]["title"]]


def test_search_feed_of_no_match_is_a_feed_that_says_so(reading_path):
    got = entries(atom(serve(reading_path), "/rtarabic/search_feed.atom?" + urlencode({"q": "بطريق"})))
    assert [(e["id"], e["link"]) for e in got] == [("urn:rtarabic:search:بطريق", "search?q=بطريق")]
    assert got[0]["title"].startswith("لا مقالات بعد")


@pytest.mark.slow
@pytest.mark.parametrize("required,status", [(None, 0), ("1", 1)])
def test_browser_tests_without_chromium_say_how_to_install_it(tmp_path, required, status):
    # Issue 13: `make test` on a machine without Chromium ended in a Playwright traceback.
    env = {**os.environ, "RTARABIC_CHROMIUM": str(tmp_path / "no-chromium")}
    env.pop("RTARABIC_REQUIRE_BROWSER", None)
    if required:
        env["RTARABIC_REQUIRE_BROWSER"] = required
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(ROOT / "tests" / "test_datasette_browser.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == status, result.stdout[-3000:]
    assert "install it with `sudo apt-get install chromium`" in result.stdout
    assert "Traceback" not in result.stdout and "playwright" not in result.stdout.lower()
