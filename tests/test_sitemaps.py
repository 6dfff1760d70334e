"""Backfill helpers over sitemap XML (rtarabic/sitemaps.py)."""

from bisect import bisect_left
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtarabic.sitemaps import (
    EdgeSearch,
    Window,
    child_year,
    edge_searches,
    parse_window,
    select_children,
    select_urls,
)

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



# --- Edge searches of a date backfill (issue 12: a few probes instead of every sitemap URL) ---------------


START = datetime(2024, 1, 1, tzinfo=UTC)


def run_search(search: EdgeSearch, published: dict[int, datetime | None]) -> int:
    while not search.done:
        article_id = search.probe()
        assert search.probe() == article_id  # asked again before an answer: the same probe
        assert search.record(article_id, published[article_id])
    return search.answer


@given(st.lists(st.integers(min_value=0, max_value=10**6), unique=True, max_size=300),
       st.integers(min_value=-5, max_value=400))
def test_an_edge_search_finds_the_first_id_at_or_after_the_bound(ids, bound_hours):
    ids.sort()
    published = {i: START + timedelta(hours=n) for n, i in enumerate(ids)}  # ids grow with time
    bound = START + timedelta(hours=bound_hours)
    search = EdgeSearch(ids, bound)
    answer = run_search(search, published)
    assert answer == bisect_left([published[i] for i in ids], bound)
    assert search.probes <= max(len(ids), 1).bit_length()


@given(st.lists(st.integers(min_value=0, max_value=10**6), unique=True, min_size=1, max_size=200),
       st.integers(min_value=0, max_value=200), st.sets(st.integers(min_value=0, max_value=199)))
def test_an_unreadable_probe_widens_the_search_never_narrows_it(ids, bound_hours, unreadable):
    ids.sort()
    published = {i: None if n in unreadable else START + timedelta(hours=n) for n, i in enumerate(ids)}
    bound = START + timedelta(hours=bound_hours)
    truth = bisect_left(range(len(ids)), bound_hours)
    low = run_search(EdgeSearch(ids, bound, widen="low"), published)
    high = run_search(EdgeSearch(ids, bound, widen="high"), published)
    # The window [low edge, high edge) keeps every id the exact search would keep, and maybe more.
    assert low <= truth <= high


def test_a_record_for_another_id_changes_nothing():
    search = EdgeSearch([1, 2, 3], START)
    probe = search.probe()
    assert not search.record(probe + 100, START)
    assert search.probe() == probe


def test_open_ends_need_no_search():
    assert edge_searches([1, 2], Window()) == (None, None)
    low, high = edge_searches([1, 2], parse_window("2024-01-01", "2024-02-01"))
    assert (low.bound, high.bound) == (START, datetime(2024, 2, 2, tzinfo=UTC))


def test_a_bare_date_lastmod_keeps_the_whole_day():
    # S1 reads the index's lastmod as "date or datetime": a bare date is any time of that day, so a
    # backfill from 05:00 that day keeps the child (it may hold articles of 10:00).
    index = (b"<sitemapindex><sitemap><loc>https://arabic.rt.com/sitemap_2024.xml</loc><lastmod>2024-06-30</lastmod>"
             b"</sitemap><sitemap><loc>https://arabic.rt.com/sitemap_2023.xml</loc><lastmod>2024-06-29</lastmod>"
             b"</sitemap></sitemapindex>")
    window = parse_window("2024-06-30T05:00:00Z")
    assert select_children(index, window) == ["https://arabic.rt.com/sitemap_2024.xml"]
