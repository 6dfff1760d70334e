"""Hostile answers during a real crawl: a page over DOWNLOAD_MAXSIZE, binary bodies at article
URLs, a body in another charset than declared, deeply nested markup, scripts and styles inside
the article. The crawl finishes, stores no markup or hidden text, and the sound pages equal truth."""

import json
import sqlite3

import pytest

from tests.reliability import InProcessReplica, rows, run_crawl
from tests.replica import pages

pytestmark = pytest.mark.slow

MARK = "HOSTILEMARK"
MAXSIZE = 1024 * 1024
HIDDEN = (f"<script>var x = '{MARK}';</script><style>p{{content:'{MARK}'}}</style>"
          f"<noscript><p>{MARK}</p></noscript><!-- {MARK} -->")


def answer(body: bytes, content_type: str = "text/html; charset=utf-8"):
    return lambda handler: handler.send(200, body, content_type)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    replica = InProcessReplica(articles=60, seed=9)
    site = replica.site
    ids = site.article_ids()

    def html(article_id: int) -> str:
        return pages.article_page(site, article_id)

    hostile = {
        "huge": (ids[-1], answer(html(ids[-1]).replace("</body>", "<!--" + "x" * (2 * MAXSIZE) + "--></body>")
                                 .encode())),
        "png": (ids[-2], answer(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "image/png")),
        "binary-as-html": (ids[-3], answer(bytes(range(256)) * 64)),
        "wrong-charset": (ids[-4], answer(html(ids[-4]).encode("windows-1256", "xmlcharrefreplace"))),
        "deep": (ids[-5], answer(html(ids[-5]).replace("</body>", "<div>" * 50_000 + "</body>").encode())),
        "hidden": (ids[-6], answer(html(ids[-6]).replace("</p>", HIDDEN + "</p>").encode())),
    }
    for article_id, respond in hostile.values():
        replica.overrides[site.path(article_id)] = respond
    db, stats_file, log = tmp / "archive.db", tmp / "stats.json", tmp / "crawl.log"
    code = run_crawl(replica.base_url, db, log, DOWNLOAD_MAXSIZE=MAXSIZE, RTARABIC_STATS_FILE=str(stats_file))
    replica.stop()
    return {"code": code, "site": site, "hostile": {k: v[0] for k, v in hostile.items()},
            "rows": rows(db, "articles", "id"), "db": db, "log": log.read_text(),
            "stats": json.loads(stats_file.read_text("utf-8"))}


def test_the_crawl_finishes(crawled):
    assert crawled["stats"]["finish_reason"] == "finished"
    assert "Traceback" not in crawled["log"]
    assert "Spider error" not in crawled["log"]


def test_no_markup_or_hidden_text_is_stored(crawled):
    with sqlite3.connect(crawled["db"]) as conn:
        leaks = conn.execute(
            "select id from articles where title || coalesce(summary, '') || body glob '*<[a-zA-Z/!]*'"
            " or title || coalesce(summary, '') || body like ?", [f"%{MARK}%"]).fetchall()
    assert leaks == []


def test_sound_pages_equal_truth(crawled):
    site, hostile = crawled["site"], crawled["hostile"]
    expected = set(site.article_ids()) - {hostile[k] for k in ("huge", "png", "binary-as-html")}
    stored = crawled["rows"]
    assert expected - {hostile["wrong-charset"]} <= set(stored) <= expected
    for article_id in expected - {hostile["wrong-charset"]}:
        truth = site.truth(article_id)
        row = stored[article_id]
        assert {k: json.loads(row[k]) if k in ("tags", "image", "links") and row[k] else row[k] for k in truth} \
            == truth, article_id


def test_a_body_in_another_charset_is_stored_right_or_not_at_all(crawled):
    # windows-1256 bytes under a header and a <meta> that both say UTF-8: decoding them as UTF-8
    # gives U+FFFD everywhere; the page is either decoded right or refused, never stored garbled.
    article_id = crawled["hostile"]["wrong-charset"]
    row = crawled["rows"].get(article_id)
    if row is not None:
        truth = crawled["site"].truth(article_id)
        assert (row["title"], row["summary"], row["body"]) == (truth["title"], truth["summary"], truth["body"])


def test_no_replacement_characters_are_stored(crawled):
    garbled = [i for i, row in crawled["rows"].items()
               if "\ufffd" in row["title"] + (row["summary"] or "") + row["body"]]
    assert garbled == []


def test_oversized_page_is_cancelled_and_counted(crawled):
    stats = crawled["stats"]
    assert crawled["hostile"]["huge"] not in crawled["rows"]
    failed = {k: v for k, v in stats.items() if k.startswith("rtarabic/fetch/failed/")}
    assert failed, stats
