"""Backfill helpers over sitemap XML (rtarabic/sitemaps.py)."""

from datetime import UTC, datetime

import pytest

from rtarabic.sitemaps import Window, child_year, parse_window, select_children, select_urls

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def index(*children):
    body = "".join(
        f"<sitemap><loc>https://arabic.rt.com/{name}</loc>"
        + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        + "</sitemap>"
        for name, lastmod in children
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{body}</sitemapindex>'.encode()


def urlset(*pages):
    body = "".join(
        f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
        for loc, lastmod in pages
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{body}</urlset>'.encode()


INDEX = index(
    ("sitemap_2022.xml", "2023-01-02T10:00:00+03:00"),
    ("sitemap_2023.xml", "2024-01-01T02:00:00+03:00"),  # 2023-12-31T23:00 UTC
    ("sitemap_2023_2.xml", "2024-03-01T00:00:00+03:00"),
    ("sitemap_2024.xml", "2024-06-30T12:00:00+03:00"),
    ("sitemap_2024_2.xml", None),
    ("sitemap_2025.xml", "2025-02-01T00:00:00+00:00"),
)


def names(urls):
    return [u.rsplit("/", 1)[1] for u in urls]


@pytest.mark.parametrize(
    "since,until,expected",
    [
        (
            None,
            None,
            [
                "sitemap_2022.xml",
                "sitemap_2023.xml",
                "sitemap_2023_2.xml",
                "sitemap_2024.xml",
                "sitemap_2024_2.xml",
                "sitemap_2025.xml",
            ],
        ),
        # Year 2024 only; the 2023 children cannot hold 2024 articles even though modified in 2024.
        ("2024-01-01", "2024-12-31", ["sitemap_2024.xml", "sitemap_2024_2.xml"]),
        # sitemap_2023.xml was last modified before since: nothing in it is newer.
        (
            "2023-12-31T23:30:00+00:00",
            None,
            ["sitemap_2023_2.xml", "sitemap_2024.xml", "sitemap_2024_2.xml", "sitemap_2025.xml"],
        ),
        # until is the whole day of 2024-12-31, not a second of 2025.
        (
            None,
            "2024-12-31",
            [
                "sitemap_2022.xml",
                "sitemap_2023.xml",
                "sitemap_2023_2.xml",
                "sitemap_2024.xml",
                "sitemap_2024_2.xml",
            ],
        ),
        (
            None,
            "2025-01-01T00:00:00+00:00",
            [
                "sitemap_2022.xml",
                "sitemap_2023.xml",
                "sitemap_2023_2.xml",
                "sitemap_2024.xml",
                "sitemap_2024_2.xml",
            ],
        ),
        ("2024-07-01", None, ["sitemap_2024_2.xml", "sitemap_2025.xml"]),
    ],
)
def test_select_children(since, until, expected):
    assert names(select_children(INDEX, parse_window(since, until))) == expected


def test_select_children_keeps_unknown_names_unless_lastmod_rules_them_out():
    xml = index(("sitemap-news.xml", "2024-05-01"), ("sitemap-old.xml", "2020-01-01"))
    assert names(select_children(xml, parse_window("2024-01-01"))) == ["sitemap-news.xml"]


def test_select_children_of_a_urlset_is_empty():
    assert select_children(urlset(("https://arabic.rt.com/world/1-a/", None)), Window()) == []


def test_select_urls_drops_pages_modified_before_since():
    xml = urlset(
        ("https://arabic.rt.com/world/1-a/", "2024-01-31T23:59:59+00:00"),
        ("https://arabic.rt.com/world/2-b/", "2024-02-01T02:00:00+03:00"),  # 23:00 UTC the day before
        ("https://arabic.rt.com/world/3-c/", "2024-02-01T00:00:00+00:00"),
        ("https://arabic.rt.com/world/4-d/", None),
        # Modified after until: may still have been published inside the window.
        ("https://arabic.rt.com/world/5-e/", "2025-05-05T00:00:00+00:00"),
    )
    assert select_urls(xml, parse_window("2024-02-01", "2024-02-29")) == [
        ("https://arabic.rt.com/world/3-c/", datetime(2024, 2, 1, tzinfo=UTC)),
        ("https://arabic.rt.com/world/4-d/", None),
        ("https://arabic.rt.com/world/5-e/", datetime(2025, 5, 5, tzinfo=UTC)),
    ]


def test_select_urls_of_an_index_is_empty():
    assert select_urls(INDEX, Window()) == []


@pytest.mark.parametrize(
    "when,inside",
    [
        (datetime(2024, 1, 31, 23, 59, 59, tzinfo=UTC), False),
        (datetime(2024, 2, 1, tzinfo=UTC), True),
        (datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC), True),
        (datetime(2024, 3, 1, tzinfo=UTC), False),
        (None, True),
    ],
)
def test_window_contains(when, inside):
    assert parse_window("2024-02-01", "2024-02-29").contains(when) is inside


@pytest.mark.parametrize(
    "since,until", [("yesterday", None), (None, "2024-13-01"), ("2024-02-01", "2024-01-31")]
)
def test_parse_window_refuses(since, until):
    with pytest.raises(ValueError):
        parse_window(since, until)


def test_child_year():
    assert [
        child_year(u) for u in ("/sitemap_2023.xml", "/sitemap_2023_2.xml", "/sitemap.xml", "/x_2023.xml")
    ] == [2023, 2023, None, None]

