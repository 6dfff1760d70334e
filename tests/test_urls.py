"""The URL grammar: every form of an article URL maps to one id and one canonical URL."""

import doctest

import pytest

from rtarabic import urls

LIVE = "https://arabic.rt.com"
REPLICA = "http://127.0.0.1:8123"
SLUG = "%D8%A8%D9%88%D8%AA%D9%8A%D9%86-%D9%8A%D9%84%D8%AA%D9%82%D9%8A"  # بوتين-يلتقي
ARABIC_SLUG = "بوتين-يلتقي"


def test_doctests():
    assert doctest.testmod(urls).failed == 0


@pytest.mark.parametrize(
    "url,expected",
    [
        (f"{LIVE}/world/1721790-{SLUG}/", 1721790),
        (f"{LIVE}/world/1721790-{SLUG}", 1721790),
        (f"{LIVE}/world/1721790-{ARABIC_SLUG}/", 1721790),
        (f"{LIVE}/world/1721790-{SLUG}/amp", 1721790),
        (f"{LIVE}/world/1721790-{SLUG}/amp/", 1721790),
        (f"{LIVE}/world/1721790-{SLUG}/?utm_source=rss&utm_medium=rss", 1721790),
        (f"{LIVE}/world/1721790-{SLUG}/#comments", 1721790),
        (f"https://rtarabic.com/world/1721790-{SLUG}/", 1721790),
        (f"https://www.rtarabic.com/world/1721790-{SLUG}/", 1721790),
        (f"http://arabic.rt.com/middle_east/1578668-{SLUG}/", 1578668),
        (f"/sport/1516004-{SLUG}/", 1516004),
        (f"{LIVE}/news/714213", 714213),
        (f"{LIVE}/news/714213/", 714213),
        (f"{LIVE}/news/790663-{SLUG}/", 790663),
        # Not articles: programmes carry their id after the slug; media and live pages.
        (f"{LIVE}/prg/{SLUG}-1435348/%D8%A8%D8%A7%D9%84%D8%AA%D9%81%D8%A7%D8%B5%D9%8A%D9%84/", None),
        (f"{LIVE}/prg/{SLUG}-1435348/%D8%A8%D8%A7%D9%84%D8%AA%D9%81%D8%A7%D8%B5%D9%8A%D9%84/amp", None),
        (f"{LIVE}/video/1500000-{SLUG}/", None),
        (f"{LIVE}/photolines/1500001-{SLUG}/", None),
        (f"{LIVE}/gallery/1500002-{SLUG}/", None),
        (f"{LIVE}/live/", None),
        (f"{LIVE}/tags/Corona_virus/", None),
        (f"{LIVE}/world/", None),
        (f"{LIVE}/", None),
        (f"{LIVE}/unknown_area/1500003", None),
        (f"{LIVE}/listing/tag.hamas/noprepare/tag/10/0", None),
        # Other hosts and schemes.
        (f"https://www.rt.com/news/564427-{SLUG}/", None),
        (f"https://example.com/world/1721790-{SLUG}/", None),
        (f"//example.com/world/1721790-{SLUG}/", None),
        ("javascript:void(0)", None),
        ("mailto:info@rttv.ru", None),
        ("data:text/html,<p>1</p>", None),
        ("", None),
    ],
)
def test_article_id(url, expected):
    assert urls.article_id(url) == expected


def test_article_id_on_replica_host_needs_its_base():
    url = f"{REPLICA}/world/5-{SLUG}/"
    assert urls.article_id(url, REPLICA) == 5
    assert urls.article_id(url, LIVE) is None


@pytest.mark.parametrize(
    "url,base,expected",
    [
        (f"{LIVE}/world/1721790-{SLUG}/amp?utm_source=x#top", LIVE, f"{LIVE}/world/1721790-{SLUG}/"),
        (f"https://rtarabic.com/world/1721790-{ARABIC_SLUG}", LIVE, f"{LIVE}/world/1721790-{SLUG}/"),
        (f"{LIVE}/world/1721790-{SLUG}/", REPLICA, f"{REPLICA}/world/1721790-{SLUG}/"),
        (f"/sport/12-{SLUG}", REPLICA, f"{REPLICA}/sport/12-{SLUG}/"),
        (f"{LIVE}/news/714213", LIVE, f"{LIVE}/news/714213"),
        (f"{LIVE}/sport/12-rt-goal/", LIVE, f"{LIVE}/sport/12-rt-goal/"),
        (f"{LIVE}/video/12-x/", LIVE, None),
        ("https://example.com/sport/12-x/", LIVE, None),
    ],
)
def test_canonicalize(url, base, expected):
    assert urls.canonicalize(url, base) == expected


def test_all_forms_of_one_article_share_id_and_canonical_url():
    forms = [
        f"{LIVE}/world/7-{SLUG}/",
        f"{LIVE}/world/7-{SLUG}",
        f"{LIVE}/world/7-{SLUG}/amp",
        f"https://rtarabic.com/world/7-{ARABIC_SLUG}/?utm_campaign=a",
        f"/world/7-{SLUG}/#x",
    ]
    assert {urls.article_id(f) for f in forms} == {7}
    assert {urls.canonicalize(f) for f in forms} == {f"{LIVE}/world/7-{SLUG}/"}


@pytest.mark.parametrize(
    "section,id_,slug,base,expected",
    [
        ("world", 1, ARABIC_SLUG, LIVE, f"{LIVE}/world/1-{SLUG}/"),
        ("world", 1, SLUG, LIVE, f"{LIVE}/world/1-{SLUG}/"),
        ("world", 1, SLUG, LIVE + "/", f"{LIVE}/world/1-{SLUG}/"),
        ("sport", 2, "rt-live", REPLICA, f"{REPLICA}/sport/2-rt-live/"),
        ("news", 3, None, LIVE, f"{LIVE}/news/3"),
    ],
)
def test_canonical_url(section, id_, slug, base, expected):
    assert urls.canonical_url(section, id_, slug, base) == expected


@pytest.mark.parametrize(
    "url,expected",
    [
        (f"{LIVE}/world/1-{SLUG}/", "article"),
        (f"{LIVE}/world/1-{SLUG}/amp", "article"),
        (f"{LIVE}/news/1", "article"),
        (f"{LIVE}/world/", "section"),
        (f"{LIVE}/middle_east", "section"),
        (f"{LIVE}/tags/Corona_virus/", "tag"),
        (f"{LIVE}/listing/tag.hamas/noprepare/tag/10/0", "listing"),
        (f"{LIVE}/rss/", "rss"),
        (f"{LIVE}/rss", "rss"),
        (f"{LIVE}/rss/sport/", "rss"),
        (f"{LIVE}/sitemap.xml", "sitemap"),
        (f"{LIVE}/sitemap_2024_2.xml", "sitemap"),
        ("https://ar.rt.com/xu3w", "shortlink"),
        # p03's code is its id in base 36; ids from 1,679,616 (mid-2025) take five characters.
        ("https://ar.rt.com/10wji", "shortlink"),
        (f"{LIVE}/prg/x-1/y/", "other"),
        (f"{LIVE}/video/", "other"),
        (f"{LIVE}/", "other"),
        ("https://rtarabic.com/world/", "section"),
        ("https://twitter.com/RTarabic", "offsite"),
        ("https://ar.rt.com/too-long-code", "offsite"),
        ("javascript:void(0)", "offsite"),
        ("mailto:a@b.c", "offsite"),
        ("data:image/png;base64,AAAA", "offsite"),
        ("tel:+70000000", "offsite"),
    ],
)
def test_page_kind(url, expected):
    assert urls.page_kind(url) == expected


@pytest.mark.parametrize(
    "url,base,expected",
    [
        ("https://ar.rt.com/xu3w", LIVE, "https://ar.rt.com/xu3w"),
        ("https://ar.rt.com/xu3w/", REPLICA, f"{REPLICA}/xu3w"),
        ("http://ar.rt.com/ab12", REPLICA, f"{REPLICA}/ab12"),
        ("https://ar.rt.com/12ab", REPLICA, f"{REPLICA}/12ab"),  # any 4 to 6 base-36 characters
        ("https://ar.rt.com/zzzz", REPLICA, f"{REPLICA}/zzzz"),
        ("https://ar.rt.com/10wji", REPLICA, f"{REPLICA}/10wji"),  # an id from 1,679,616 on
        ("https://ar.rt.com/abc", REPLICA, None),
        ("https://ar.rt.com/abcdefg", REPLICA, None),
        ("https://ar.rt.com/", REPLICA, None),
        (f"{LIVE}/xu3w", LIVE, None),
    ],
)
def test_shortlink_url(url, base, expected):
    assert urls.shortlink_url(url, base) == expected


@pytest.mark.parametrize("url", ["http://[::1/x", "https://[zz/world/1-a/"])
def test_a_broken_ipv6_host_is_no_address(url):
    assert urls.article_parts(url) is None


@pytest.mark.parametrize(
    "url,expected",
    [
        (f"{LIVE}/tags/Corona_virus/", "Corona_virus"),
        ("/tags/Morocco-news", "Morocco-news"),
        (f"{LIVE}/tags/", None),
        (f"{LIVE}/world/", None),
        ("https://example.com/tags/x/", None),
    ],
)
def test_tag_slug(url, expected):
    assert urls.tag_slug(url) == expected


@pytest.mark.parametrize(
    "template,page,expected",
    [
        ("/listing/tag.hamas/noprepare/tag/10/{page}", 0, "/listing/tag.hamas/noprepare/tag/10/0"),
        (f"{LIVE}/listing/tag.x/noprepare/tag/10/0", 4, f"{LIVE}/listing/tag.x/noprepare/tag/10/4"),
        (f"{LIVE}/listing/trend.53b3df9e611e9b8e648b45c9/noprepare/trend/10/3/", 5,
         f"{LIVE}/listing/trend.53b3df9e611e9b8e648b45c9/noprepare/trend/10/5"),
    ],
)
def test_listing_page_url(template, page, expected):
    assert urls.listing_page_url(template, page) == expected


@pytest.mark.parametrize(
    "url,base,expected",
    [
        (f"{LIVE}/rss/", REPLICA, f"{REPLICA}/rss/"),
        ("https://rtarabic.com/world/?utm_source=a&page=2#x", LIVE, f"{LIVE}/world/?page=2"),
        ("https://example.com/a", REPLICA, "https://example.com/a"),
    ],
)
def test_rebase(url, base, expected):
    assert urls.rebase(url, base) == expected


def test_builders_follow_the_base():
    assert urls.section_url("sport", REPLICA) == f"{REPLICA}/sport/"
    assert urls.tag_url("Corona_virus", REPLICA + "/") == f"{REPLICA}/tags/Corona_virus/"
    assert urls.rss_url(REPLICA) == f"{REPLICA}/rss/"
    assert urls.sitemap_index_url(REPLICA) == f"{REPLICA}/sitemap.xml"
    assert urls.news_id_url(9, REPLICA) == f"{REPLICA}/news/9"
    assert urls.amp_url(f"{REPLICA}/sport/2-x/") == f"{REPLICA}/sport/2-x/amp"


@pytest.mark.parametrize(
    "url,base,expected",
    [
        (f"{REPLICA}/world/1-a/", REPLICA, True),
        ("http://127.0.0.1:9/world/1-a/", REPLICA, False),  # same host, another port
        ("https://127.0.0.1:8123/world/", REPLICA, False),  # another scheme
        ("http://localhost:8123/world/", REPLICA, False),  # another host name
        ("https://arabic.rt.com/world/", LIVE, True),
        ("https://arabic.rt.com:443/world/", LIVE, True),
        ("https://arabic.rt.com:8443/world/", LIVE, False),
        ("http://arabic.rt.com/world/", LIVE, False),
        ("https://ar.rt.com/xu3w", LIVE, True),  # short links, live only
        ("https://ar.rt.com/xu3w", REPLICA, False),
        ("http://127.0.0.1:notaport/", REPLICA, False),
    ],
)
def test_is_fetchable(url, base, expected):
    # Scrapy's offsite filter compares host names only; redirects to another port must not pass.
    assert urls.is_fetchable(url, base) is expected
