"""The URL grammar of arabic.rt.com, in plain functions.

One article has many URLs: ``/<section>/<id>-<slug>/`` with or without the
trailing slash, its ``/amp`` copy, the id-only ``/news/<id>``, the same paths on
the mirror host rtarabic.com, and any of these with ``utm_*`` parameters or a
fragment. Every function here maps them onto one numeric id and one canonical
URL ``<base>/<section>/<id>-<slug>/`` on ``RTARABIC_BASE_URL``.

Short links (``https://ar.rt.com/<code>``, the "انسخ الرابط" widget) name an
article only after a redirect. They are resolved on their own host when the
base is the live site, and on the base host (``<base>/<code>``) otherwise: the
offline replica answers that path with the same redirect.

The README's "Crawling" section documents the rules; tests/test_urls.py holds
one parametrized table per function.
"""

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://arabic.rt.com"

#: The live site's host; links to it are rebased onto the configured base.
LIVE_HOST = "arabic.rt.com"

#: Hosts that serve the same paths as the base site.
MIRROR_HOSTS = frozenset({"arabic.rt.com", "www.arabic.rt.com", "rtarabic.com", "www.rtarabic.com"})

#: The host of the "انسخ الرابط" short links.
SHORTLINK_HOST = "ar.rt.com"

#: Article sections, in the site's menu order; ``news`` holds the old (2013-2016) articles.
SECTIONS = (
    "world",
    "middle_east",
    "russia",
    "business",
    "sport",
    "technology",
    "health",
    "society",
    "press",
    "news",
    "space",
    "culture",
    "science",
)

#: First path segments that never hold articles (programmes, media, live stream, site furniture).
NON_ARTICLE_AREAS = frozenset(
    {"prg", "video", "videos", "photolines", "gallery", "live", "tags", "listing", "rss", "static", "search",
     "_replica"}
)

_ARTICLE_PATH = re.compile(r"^/(?P<section>[a-z_]+)/(?P<id>[0-9]+)(?:-(?P<slug>[^/]+))?(?:/amp)?/?$")
#: A short link's code: base-36 characters, letters as well as digits (``xu3w``, sample p03). p03's code
#: is its article id in base 36 (int("xu3w", 36) == 1578668), so ids from 36**4 = 1,679,616 on (mid-2025)
#: have five characters: four to six are accepted.
SHORTLINK_CODE = "[0-9A-Za-z]{4,6}"
_SHORTLINK_PATH = re.compile(rf"^/(?P<code>{SHORTLINK_CODE})/?$")
_TAG_PATH = re.compile(r"^/tags/(?P<slug>[^/]+)/?$")
_SECTION_PATH = re.compile(r"^/(?P<section>[a-z_]+)/?$")
_RSS_PATH = re.compile(r"^/rss(?:/[a-z_]+)?/?$")
_SITEMAP_PATH = re.compile(r"^/sitemap[0-9_a-z]*\.xml$")
_FOLLOWABLE_SCHEMES = frozenset({"http", "https", ""})
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded_run(match) -> str:
    return bytes.fromhex(match.group().replace("%", "")).decode("utf-8", "replace")


def _unquote(text: str) -> str:
    """``urllib.parse.unquote(text)``, decoding each run of escapes in one step.

    unquote decodes an ASCII stretch's escapes and literal characters together; an ASCII
    byte never continues a UTF-8 sequence, so decoding the runs between them is the same.
    """
    return _PERCENT_RUN.sub(_decoded_run, text) if "%" in text else text


@lru_cache(maxsize=4096)
def _requote(slug: str, safe: str) -> str:
    """The slug percent-encoded (UTF-8) with ``safe`` kept; memoised because one page's
    slug is re-encoded for its fetched URL, its canonical link and the item's URL."""
    return quote(_unquote(slug), safe=safe)


def _host(base_url: str) -> str:
    return (urlsplit(base_url).netloc or "").lower()


def _split(url: str, base_url: str):
    """``url`` resolved against ``base_url`` and split, or None for schemes never followed."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in _FOLLOWABLE_SCHEMES:
            return None
        return urlsplit(urljoin(base_url.rstrip("/") + "/", url))
    except ValueError:  # "http://[::1/x": a broken IPv6 host is no address at all
        return None


def is_site_host(host: str, base_url: str = DEFAULT_BASE_URL) -> bool:
    """Whether ``host`` serves the site's own paths: the base host or a mirror.

    >>> is_site_host("rtarabic.com")
    True
    >>> is_site_host("www.rt.com")
    False
    """
    host = host.lower()
    return host == _host(base_url) or host.split(":")[0] in MIRROR_HOSTS


def article_parts(url: str, base_url: str = DEFAULT_BASE_URL) -> tuple[str, int, str | None] | None:
    """``(section, id, slug)`` of an article URL in any of its forms, or None.

    The slug is returned percent-encoded (None for the id-only form).

    >>> article_parts("https://rtarabic.com/world/1481753-abc/amp?utm_source=x#top")
    ('world', 1481753, 'abc')
    >>> article_parts("https://arabic.rt.com/prg/x-1435348/y/") is None
    True
    """
    parts = _split(url, base_url)
    if parts is None or not is_site_host(parts.netloc, base_url):
        return None
    path = parts.path
    match = _ARTICLE_PATH.match(path)
    if not match or match["section"] in NON_ARTICLE_AREAS:
        return None
    if match["slug"] is None and match["section"] not in SECTIONS:
        return None
    slug = _requote(match["slug"], "-_.~!$&'()*+,;=:@%") if match["slug"] else None
    return match["section"], int(match["id"]), slug


def article_id(url: str, base_url: str = DEFAULT_BASE_URL) -> int | None:
    """The numeric article id of ``url``, whatever its form; None if it is not an article URL.

    >>> article_id("/news/714213")
    714213
    >>> article_id("https://arabic.rt.com/video/1500000-x/") is None
    True
    """
    parts = article_parts(url, base_url)
    return parts[1] if parts else None


def canonical_url(section: str, id: int, slug: str | None, base_url: str = DEFAULT_BASE_URL) -> str:
    """The canonical article URL ``<base>/<section>/<id>-<slug>/``, slug percent-encoded (UTF-8).

    Without a slug the id-only ``<base>/news/<id>`` is the best there is: the site redirects it.

    >>> canonical_url("world", 1, "سلام")
    'https://arabic.rt.com/world/1-%D8%B3%D9%84%D8%A7%D9%85/'
    """
    base = base_url.rstrip("/")
    if not slug:
        return f"{base}/news/{id}"
    return f"{base}/{section}/{id}-{_requote(slug, '-_.~')}/"


def canonicalize(url: str, base_url: str = DEFAULT_BASE_URL) -> str | None:
    """The canonical request URL of an article link (base host, no /amp, no query, no fragment).

    >>> canonicalize("https://rtarabic.com/sport/12-goal/amp?utm_medium=rss")
    'https://arabic.rt.com/sport/12-goal/'
    """
    parts = article_parts(url, base_url)
    if parts is None:
        return None
    section, id_, slug = parts
    return canonical_url(section, id_, slug, base_url)


def amp_url(url: str) -> str:
    """The AMP copy of a canonical article URL, tried when the canonical page is unavailable.

    >>> amp_url("https://arabic.rt.com/sport/12-goal/")
    'https://arabic.rt.com/sport/12-goal/amp'
    """
    return url.rstrip("/") + "/amp"


def shortlink_code(url: str) -> str | None:
    """The code of an ``ar.rt.com/<code>`` short link, or None.

    >>> shortlink_code("https://ar.rt.com/xu3w")
    'xu3w'
    """
    parts = _split(url, DEFAULT_BASE_URL)
    if parts is None or parts.netloc.lower() != SHORTLINK_HOST:
        return None
    match = _SHORTLINK_PATH.match(parts.path)
    return match["code"] if match else None


def shortlink_url(url: str, base_url: str = DEFAULT_BASE_URL) -> str | None:
    """Where to request a short link: on ar.rt.com for the live site, else ``<base>/<code>``.

    >>> shortlink_url("https://ar.rt.com/xu3w", "http://127.0.0.1:8000")
    'http://127.0.0.1:8000/xu3w'
    """
    code = shortlink_code(url)
    if code is None:
        return None
    if _host(base_url) == LIVE_HOST:
        return f"https://{SHORTLINK_HOST}/{code}"
    return f"{base_url.rstrip('/')}/{code}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:  # a port that is not a number
        return None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def is_fetchable(url: str, base_url: str = DEFAULT_BASE_URL) -> bool:
    """Whether the crawler may request ``url``: the base URL's own scheme, host and port, or
    the short-link host when the base is the live site. Mirrors are rebased before this check.

    >>> is_fetchable("http://127.0.0.1:8000/world/", "http://127.0.0.1:8000")
    True
    >>> is_fetchable("http://127.0.0.1:9000/world/", "http://127.0.0.1:8000")
    False
    >>> is_fetchable("https://ar.rt.com/xu3w")
    True
    """
    origin = _origin(url)
    if origin is None:
        return False
    if origin == _origin(base_url):
        return True
    return _host(base_url) == LIVE_HOST and origin == ("https", SHORTLINK_HOST, 443)


def page_kind(url: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """What kind of page ``url`` names.

    One of "article", "listing" (a "load more" fragment), "section", "tag", "rss", "sitemap",
    "shortlink", "other" (a page of the site that is none of these) and "offsite" (another host,
    or a scheme that is never followed: javascript:, mailto:, data:, tel:).

    >>> page_kind("/tags/Corona_virus/")
    'tag'
    >>> page_kind("mailto:a@b.c")
    'offsite'
    """
    if shortlink_code(url):
        return "shortlink"
    parts = _split(url, base_url)
    if parts is None or not is_site_host(parts.netloc, base_url):
        return "offsite"
    path = parts.path or "/"
    if article_parts(url, base_url):
        return "article"
    if path.startswith("/listing/"):
        return "listing"
    if _TAG_PATH.match(path):
        return "tag"
    if _RSS_PATH.match(path):
        return "rss"
    if _SITEMAP_PATH.match(path):
        return "sitemap"
    match = _SECTION_PATH.match(path)
    if match and match["section"] in SECTIONS:
        return "section"
    return "other"


def section_url(section: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """``<base>/<section>/``."""
    return f"{base_url.rstrip('/')}/{section}/"


def tag_slug(url: str, base_url: str = DEFAULT_BASE_URL) -> str | None:
    """The (Latin, case-preserved) slug of a tag page URL, or None.

    >>> tag_slug("https://arabic.rt.com/tags/Morocco-news/")
    'Morocco-news'
    """
    parts = _split(url, base_url)
    if parts is None or not is_site_host(parts.netloc, base_url):
        return None
    match = _TAG_PATH.match(parts.path)
    return unquote(match["slug"]) if match else None


def tag_url(slug: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """``<base>/tags/<slug>/``."""
    return f"{base_url.rstrip('/')}/tags/{quote(slug, safe='-_.~')}/"


def rss_url(base_url: str = DEFAULT_BASE_URL, section: str | None = None) -> str:
    """The site's RSS feed, or a section's."""
    base = base_url.rstrip("/")
    return f"{base}/rss/{section}/" if section else f"{base}/rss/"


def sitemap_index_url(base_url: str = DEFAULT_BASE_URL) -> str:
    """The sitemap index ``<base>/sitemap.xml``."""
    return f"{base_url.rstrip('/')}/sitemap.xml"


def news_id_url(id: int, base_url: str = DEFAULT_BASE_URL) -> str:
    """The id-only article URL ``<base>/news/<id>``, which the site redirects to the article."""
    return f"{base_url.rstrip('/')}/news/{id}"


def listing_page_url(template: str, page: int) -> str:
    """Page ``page`` (0-based) of a "load more" listing.

    ``template`` is a listing URL whose page is a ``{page}`` placeholder or the last path segment.

    >>> listing_page_url("https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/{page}", 2)
    'https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/2'
    >>> listing_page_url("https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/0", 3)
    'https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/3'
    >>> listing_page_url("https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/", 1)  # no page segment
    'https://arabic.rt.com/listing/tag.hamas/noprepare/tag/10/1'
    """
    if "{page}" in template:
        return template.replace("{page}", str(page))
    parts = urlsplit(template)
    segments = _listing_segments(parts.path)
    if segments is not None and len(segments) == 4:  # filter/prepare/template/limit: the page is appended
        path = parts.path.rstrip("/") + f"/{page}"
    else:
        path = re.sub(r"/[0-9]+/?$", f"/{page}", parts.path)
    return urlunsplit(parts._replace(path=path))


def _listing_segments(path: str) -> list[str] | None:
    """The segments after ``/listing/`` (§2.4: filter, prepare|noprepare, template, limit, page)."""
    segments = path.strip("/").split("/")
    return segments[1:] if segments[0] == "listing" else None


def listing_page_number(url: str) -> int | None:
    """The page a listing URL asks for: its fifth segment after ``/listing/``, when it has one.

    >>> listing_page_number("/listing/tag.x/noprepare/tag/10/1"), listing_page_number("/listing/tag.x/noprepare/tag/10/")
    (1, None)
    """
    segments = _listing_segments(urlsplit(url.strip()).path)
    if segments is None or len(segments) != 5 or not segments[4].isdigit():
        return None
    return int(segments[4])


def rebase(url: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """``url`` with a site or mirror host replaced by the base's scheme and host; utm_* dropped.

    Other hosts are returned unchanged.

    >>> rebase("https://arabic.rt.com/rss/?utm_source=a&x=1#f", "http://127.0.0.1:9")
    'http://127.0.0.1:9/rss/?x=1'
    """
    parts = urlsplit(url)
    if not is_site_host(parts.netloc, base_url):
        return url
    base = urlsplit(base_url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith("utm_")])
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", query, ""))

