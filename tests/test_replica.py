"""The offline replica serves every page type and fault it promises, and its truth matches its pages.

All requests go over real HTTP to a replica subprocess (the ``replica`` and
``make_replica`` fixtures of conftest.py).
"""

import json
import re
import urllib.error
import urllib.request
from html import unescape

import pytest

from rtarabic.text import normalize
from tests.replica import LAYOUTS, SECTIONS, Site

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, *, follow: bool = True):
    """(status, headers, body bytes) of a GET, without raising on HTTP errors."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def text_of(html: str) -> str:
    """The visible text of an HTML string, normalised like the archive does (inline tags join)."""
    html = re.sub(r"</?(?:a|strong|span)\b[^>]*>", "", html)
    return normalize(unescape(re.sub(r"<[^>]+>", " ", html)))


def page(replica, path: str) -> str:
    status, _, body = get(replica.url(path))
    assert status == 200, path
    return body.decode("utf-8")


def healthy_ids(site: Site, layout: str | None = None) -> list[int]:
    return [i for i in site.article_ids()
            if not site.entries[i].fault and (layout is None or site.entries[i].layout == layout)]


# -- site model -----------------------------------------------------------------------------------

def test_the_same_options_build_the_same_site():
    a = Site(articles=60, seed=7, now="2026-12-01T09:00:00+00:00")
    b = Site(articles=60, seed=7, now="2026-12-01T09:00:00+00:00")
    assert a.article_ids() == b.article_ids()
    assert [a.truth(i) for i in a.article_ids()] == [b.truth(i) for i in b.article_ids()]


def test_ids_are_time_ordered_sparse_and_news_holds_the_oldest(replica):
    site = replica.site
    ids = site.article_ids()
    assert len(ids) == 300
    dates = [site.entries[i].published for i in ids]
    assert dates == sorted(dates)
    assert ids[-1] - ids[0] > 100 * len(ids)
    news = site.by_section["news"]
    assert news and max(news) < min(i for i in ids if site.entries[i].section != "news")
    assert all(site.entries[i].published.year <= 2016 for i in news)


def test_a_handful_of_articles_are_from_the_last_48_hours(replica):
    site = replica.site
    recent = [i for i in site.article_ids() if (site.now - site.entries[i].published).total_seconds() < 48 * 3600]
    assert 3 <= len(recent) <= 12
    assert 0 < (site.now - site.entries[site.article_ids()[-1]].published).total_seconds() <= 600


def test_every_layout_and_section_occurs(replica):
    site = replica.site
    assert {site.entries[i].layout for i in site.article_ids()} == set(LAYOUTS)
    assert {s for s, ids in site.by_section.items() if ids} == set(SECTIONS)


# -- articles -------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
def test_truth_title_lead_and_body_paragraphs_are_on_the_page(replica, layout):
    for article_id in healthy_ids(replica.site, layout)[:5]:
        truth = replica.site.truth(article_id)
        html = page(replica, replica.site.path(article_id))
        visible = text_of(html)
        assert f"<title>{truth['title']} - RT Arabic</title>" in unescape(html)
        assert truth["summary"] in visible
        for paragraph in truth["body"].split("\n\n"):
            assert paragraph in visible
        assert f'<link rel="canonical" href="{truth["url"]}">' in html
        for tag in truth["tags"]:
            assert f'href="/tags/{tag["slug"]}/"' in html


def test_classic_pages_use_the_2020_selectors(replica):
    article_id = healthy_ids(replica.site, "classic")[0]
    html = page(replica, replica.site.path(article_id))
    assert '<h1 class="heading">' in html
    assert '<div class="time-public">' in html and '<span class="date">' in html
    assert '<div class="text js-text js-mediator-article">' in html and '<p class="intro">' in html
    assert 'class="news-tags news-tags_article"' in html
    assert "publish-date" not in html and "ld+json" not in html
    assert replica.site.truth(article_id)["modified"] is None


def test_meta_pages_carry_date_metas_and_news_article_json_ld(replica):
    article_id = healthy_ids(replica.site, "meta")[0]
    truth = replica.site.truth(article_id)
    html = page(replica, replica.site.path(article_id))
    assert re.search(r'<meta name="publish-date" content="\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0300">', html)
    assert f'<meta name="published_time_telegram" content="{truth["published"]}">' in html
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert (article["headline"], article["datePublished"]) == (truth["title"], truth["published"])
    assert article["dateModified"] == truth["modified"]
    assert f'<meta property="og:title" content="{truth["title"]}">' in unescape(html)


def test_main_article_pages_use_the_bem_family(replica):
    html = page(replica, replica.site.path(healthy_ids(replica.site, "main_article")[0]))
    for css in ("main-article__title", "main-article__intro-text", "main-article__editor-content editor-content",
                "main-article__tags", "tags__item", "main-figure"):
        assert css in html


def test_amp_pages_hold_the_same_article(replica):
    article_id = healthy_ids(replica.site, "meta")[1]
    truth = replica.site.truth(article_id)
    html = page(replica, replica.site.path(article_id) + "amp")
    assert "<html amp" in html and "<amp-img" in html or truth["image"] is None
    assert f'<link rel="canonical" href="{truth["url"]}">' in html
    visible = text_of(html)
    assert all(p in visible for p in truth["body"].split("\n\n"))
