"""Pure functions from an RT Arabic page's HTML to the article item.

``extract_article(html, url)`` parses the page once, picks the first matching
row of ``rtarabic.layouts.LAYOUTS`` and reads every field through that row's
selector chains, then the meta/OpenGraph chains, then JSON-LD ``NewsArticle``.
It never raises on odd pages: what went wrong is in ``Extraction.problem``.

Decisions:

- ``problem`` is set only when the page is not an extractable article:
  "interstitial" (anti-bot check), "not-html" (an image, a PDF, bytes with no
  markup), "not-article" (programme, video, gallery, microsite), "truncated"
  (see ``is_truncated``) and "unknown-layout". Then
  ``article`` is None. An article lacking a field is still returned, with nulls,
  and ``missing`` names those fields; the validate pipeline decides what to drop.
- ``fallbacks`` names the fields whose value came from meta/OpenGraph or JSON-LD
  because the matched layout's own selectors gave nothing. Dates are read from
  machine-readable sources first for every layout (JSON-LD, then meta tags), and
  from the visible Arabic date only when none exists; neither counts as a fallback.
- ``url``, ``id`` and ``section`` come from the canonical link when it names an
  article on the site (or its mirror), else from the fetched URL.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain as chained
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from rtarabic import layouts as L
from rtarabic.dates import parse_arabic, parse_machine
from rtarabic.text import PARAGRAPH_SEPARATOR, normalize, normalized_hash, normalized_word_count
from rtarabic.urls import (
    DEFAULT_BASE_URL,
    NON_ARTICLE_AREAS,
    article_parts,
    canonical_url,
    canonicalize,
    is_site_host,
    tag_slug,
)

#: Fields that may legitimately be null or empty; ``Extraction.missing`` lists those that are.
OPTIONAL_FIELDS = ("section_name", "summary", "source", "modified", "author", "tags", "image")
REQUIRED_FIELDS = ("title", "body", "published")

# The source line ends the body: "المصدر: RT", "المصدر: RT + وكالات", "المصدر : ديلي ميل".
_SOURCE_LINE = re.compile(r"^المصدر\s*[:：]\s*(.+)$")
# Paragraph-shaped page furniture inside body containers.
_FURNITURE = re.compile(
    r"^(?:[إا]قرأ\s+(?:المزيد|أيضا|أيضاً)|انسخ الرابط|https?://ar\.rt\.com/[0-9a-z]{4}/?$)"
)
# Labels that recommendation cards put before the other article's headline.
_CARD_LABEL = re.compile(r"^(?:[إا]قرأ\s+(?:المزيد|أيضا|أيضاً)|Read more)\s*[:：]?\s*")
# Every label starts with one of these letters: other texts skip the substitution.
_MAY_HAVE_LABEL = re.compile(r"^[إاR]").match
# Quick screen before the URL grammar: an article link has /<section>/<digits> in it.
_MAY_BE_ARTICLE = re.compile(r"/[a-z_]+/[0-9]")
_UNFOLLOWED_SCHEMES = ("javascript:", "mailto:", "data:", "tel:")
_NON_ARTICLE_OG_TYPES = ("video", "music", "website", "profile")
_INTERSTITIAL_HINTS = (b"ddos", b"DDoS", b"DDOS", b"Checking your browser")
_DOCUMENT_ENDS = (b"</html", b"</HTML", b"</body", b"</BODY")
# Tags every HTML page has near its start; bytes without any are no page at all.
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p)[\s>/]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# lxml.html's parser builds the same tree but looks up a Python element class for every
# element proxy; extraction needs none of HtmlElement's methods.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True)
_HAS_FOLLOWING = L.xpath("boolean(following::*[not(self::script or self::style)])")


@dataclass
class Extraction:
    """What ``extract_article`` found on one page."""

    article: dict | None
    layout: str | None = None
    fallbacks: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    problem: str | None = None


def as_utf8(html: str | bytes) -> bytes:
    """The page as UTF-8 bytes, whatever the HTTP header claimed.

    Valid UTF-8 is taken as UTF-8 (a header or meta saying otherwise is wrong),
    and so are pages with a few broken sequences (their U+FFFD then fails the
    item's schema). Other bytes are decoded with the charset their ``<meta>``
    declares when it fits them, else windows-1256, the usual legacy Arabic
    encoding, which maps every byte.

    >>> as_utf8("مرحبا".encode("windows-1256")).decode()
    'مرحبا'
    """
    if isinstance(html, str):
        return html.encode("utf-8", "replace")  # "replace": a lone surrogate cannot be encoded
    try:
        html.decode("utf-8")
        return html
    except UnicodeDecodeError as error:
        if error.start > len(html) - 4:
            return html  # a multi-byte character cut by truncation: still UTF-8
    as_text = html.decode("utf-8", "replace")
    if as_text.count("\ufffd") <= max(3, len(as_text) // 1000):
        return as_text.encode("utf-8")
    declared = _META_CHARSET.search(html[:4096])
    for encoding in (declared.group(1).decode("ascii") if declared else None, "windows-1256"):
        try:
            return html.decode(encoding).encode("utf-8")
        except (LookupError, TypeError, UnicodeDecodeError):
            continue
    return as_text.encode("utf-8")


def _parse(data: bytes) -> etree._Element | None:
    if not data or not data.strip():
        return None
    try:
        doc = etree.fromstring(data, _PARSER)
    except (etree.ParserError, ValueError):
        return None
    if doc is None:
        return None
    # A <br> separates words: give it a space so that text joins stay word-exact.
    for br in doc.iter("br"):
        br.tail = " " + (br.tail or "")
    return doc


def _text(value, page: L.Page | None = None) -> str:
    if isinstance(value, str):
        return normalize(value)
    return normalize("".join(L.PARAGRAPH_TEXT(value, page)))


def _first_text(chain, context) -> str | None:
    for selector in chain:
        for value in selector(context):
            text = _text(value, context if type(context) is L.Page else None)
            if text:
                return text
    return None


def _first_nodes(chain, context) -> list:
    for selector in chain:
        found = selector(context)
        if found:
            return found
    return []


def _load_json(text: str):
    try:
        return json.loads(text)
    except ValueError:
        # RT's templates leave trailing commas in arrays ("sameAs": [..., "x",]).
        try:
            return json.loads(re.sub(r",(\s*[\]}])", r"\1", text))
        except ValueError:
            return None


def _json_ld(doc) -> tuple[dict, dict]:
    """The page's JSON-LD ``NewsArticle`` and ``BreadcrumbList`` objects (empty dicts if absent)."""
    article, breadcrumbs = {}, {}
    for block in L.JSON_LD(doc):
        data = _load_json(block)
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph") or [])
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not article and {"NewsArticle", "Article", "ReportageNewsArticle"} & set(kinds):
                article = item
            elif not breadcrumbs and "BreadcrumbList" in kinds:
                breadcrumbs = item
    return article, breadcrumbs


def _ld_string(value) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return _ld_string(value[0])
    if isinstance(value, dict):
        return _ld_string(value.get("url") or value.get("name") or value.get("@id"))
    return None


def _strip_title_suffix(title: str | None) -> str | None:
    if title:
        for suffix in L.TITLE_SUFFIXES:
            if title.endswith(suffix):
                return title[: -len(suffix)].strip() or None
    return title


def _absolute(href: str | None, page_url: str) -> str | None:
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(_UNFOLLOWED_SCHEMES):
        return None
    absolute = urljoin(page_url, href)
    return absolute if absolute.startswith(("http://", "https://")) else None


#: The page's canonical link is resolved for its identity and again for its area: once is enough.
_join = lru_cache(maxsize=64)(urljoin)


def _path_area(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[0] if segments else ""


def is_interstitial(raw: bytes, doc) -> bool:
    """Whether the page is an anti-bot check (DDoS-Guard) instead of the requested page.

    A cheap byte scan first; then the markers must be in the page's title or
    scripts, so an article that merely mentions DDoS-Guard is not taken for one.
    """
    # Lower-cased, two scans cover the four hints (Arabic bytes make each scan slow).
    lowered = raw.lower()
    if b"ddos" not in lowered and b"checking your browser" not in lowered:
        return False
    return any(hint in raw for hint in _INTERSTITIAL_HINTS) and (doc is None or bool(L.INTERSTITIAL(doc)))


def is_truncated(raw: bytes, doc, layout: L.Layout | None) -> bool:
    """Whether the document was cut short in transit.

    Every page the CMS renders closes ``</body>`` and ``</html>``: with either
    present the page is complete. Without them the page is complete only if the
    article's end marker (the tags block, which every layout renders after the
    body) is present and some page block follows it; a cut inside the body, or
    anywhere before the end of the tags block, is reported as truncation.
    """
    # From the end: that is where a complete page has them.
    if any(raw.rfind(end) >= 0 for end in _DOCUMENT_ENDS):
        return False
    if doc is None or layout is None:
        return True
    markers = _first_nodes(layout.end_markers, doc)
    return not markers or not _HAS_FOLLOWING(markers[-1])


def _identity(doc, url: str, base_url: str) -> tuple[str, int, str | None] | None:
    """``(section, id, slug)`` from the canonical link, og:url or amphtml link, else the fetched URL."""
    fetched = article_parts(url, base_url)
    for selector in L.CANONICAL_LINKS:
        for href in doc.cached(selector, selector):
            absolute = _join(url, href.strip())
            parts = fetched if absolute == url else article_parts(absolute, base_url)
            if parts and parts[2] and (fetched is None or parts[1] == fetched[1]):
                return parts
    return fetched


def _paragraphs(container, layout: L.Layout) -> list:
    found = layout.paragraphs(container)
    return found if found else L.NESTED_PARAGRAPHS(container)


def _body(container, layout, page_url: str, page: L.Page | None = None) -> tuple[list[str], list[str], str | None, list]:
    """Own paragraphs, their links, the source line's value and the paragraph elements."""
    texts, links, source, elements = [], [], None, []
    for p in _paragraphs(container, layout):
        text = _text(p, page)
        if not text:
            continue
        source_line = _SOURCE_LINE.match(text)
        if source_line:
            source = source_line.group(1).strip()
            continue
        if _FURNITURE.match(text):
            continue
        texts.append(text)
        elements.append(p)
        if next(p.iterdescendants("a"), None) is None:
            continue  # no link: spare the XPath call
        for a in L.PARAGRAPH_LINKS(p, page):
            link = _absolute(a.get("href"), page_url)
            if link and link not in links:
                links.append(link)
    return texts, links, source, elements


#: Memoised like ``_linked_article``: tag links recur on many pages.
_tag_slug = lru_cache(maxsize=8192)(tag_slug)


def _tags(nodes, base_url: str, page: L.Page | None = None) -> list[dict]:
    tags, seen = [], set()
    for a in nodes:
        slug = _tag_slug(a.get("href", ""), base_url)
        name = _text(a, page)
        if slug and name and slug not in seen:
            seen.add(slug)
            tags.append({"name": name, "slug": slug})
    return tags


def _image(layout, doc, page_url: str, ld_image) -> tuple[dict | None, bool]:
    url, fell_back = None, False
    for chain, is_fallback in ((layout.images, False), (L.FALLBACK.images, True)):
        for node in _first_nodes(chain, doc):
            value = node if isinstance(node, str) else node.get("data-src") or node.get("src")
            url = _absolute(value, page_url)
            if url:
                fell_back = is_fallback
                break
        if url:
            break
    if not url and ld_image:
        url, fell_back = _absolute(_ld_string(ld_image), page_url), True
    if not url:
        return None, False
    caption = _first_text(layout.image_caption, doc)
    credit = _first_text(layout.image_credit, doc)
    if credit:
        credit = credit.lstrip("©").strip() or None
    return {"url": url, "caption": caption, "credit": credit}, fell_back


def _section_name(layout, doc, section: str, breadcrumbs: dict) -> str | None:
    for a in _first_nodes(layout.section_links, doc):
        if _path_area(a.get("href", "")) == section:
            name = _text(a, doc)
            if name:
                return name
    for item in breadcrumbs.get("itemListElement") or []:
        if isinstance(item, dict) and _path_area(_ld_string(item.get("item")) or "") == section:
            return normalize(item.get("name")) or None
    return None


# 8,192 links: sidebars repeat the recent ones, and a bigger memo grows the crawl's memory.
@lru_cache(maxsize=8192)
def _linked_article(href: str, base_url: str) -> tuple[str, int, str | None] | None:
    """``article_parts`` of a link, memoised: sidebars repeat the same links page after page."""
    return article_parts(href, base_url) if _MAY_BE_ARTICLE.search(href) else None


def _card_headline(a, page: L.Page) -> str:
    """A card's headline: its first title element with text (without the card's label), else its
    own text."""
    for selector in L.CARD_TITLES:
        for node in selector(a, page):
            text = normalize("".join(L.VISIBLE_TEXT(node, page)))
            if text:
                text = _CARD_LABEL.sub("", text) if _MAY_HAVE_LABEL(text) else text
                if text:
                    return text
    text = normalize("".join(L.VISIBLE_TEXT(a, page)))
    return _CARD_LABEL.sub("", text) if text and _MAY_HAVE_LABEL(text) else text


def _headlines(doc, own_id: int | None, own_paragraphs: list, base_url: str) -> list[str]:
    """Texts of links to other articles (and story cards) outside the article's own paragraphs."""
    own_links = {a for p in own_paragraphs for a in p.iter("a")}
    is_story = L.STORY_LINK.on(doc)
    found, seen = [], set()
    for a in L.ALL_LINKS(doc):
        parts = _linked_article(a.get("href", ""), base_url)
        if parts is None:
            if not is_story(a):
                continue
        elif parts[1] == own_id:
            continue
        if a in own_links:
            continue
        # A card's title element holds the headline without the card's label.
        text = _card_headline(a, doc) if len(a) else normalize(a.text)
        if text and text not in seen:
            seen.add(text)
            found.append(text)
    return found


def extract_article(html: str | bytes, url: str, *, base_url: str = DEFAULT_BASE_URL) -> Extraction:
    """The article on ``html`` (fetched from ``url``), or why there is none.

    Pass the response's bytes (``response.body``) rather than its text: a wrong
    charset in the HTTP header is then harmless (see ``as_utf8``).

    >>> extract_article("", "https://arabic.rt.com/world/1-x/").problem
    'unknown-layout'
    """
    raw = as_utf8(html)
    doc = _parse(raw)
    if is_interstitial(raw, doc):
        return Extraction(None, problem="interstitial")
    if raw.strip() and not _MARKUP.search(raw[:65536]):
        return Extraction(None, problem="not-html")
    if doc is None:
        return Extraction(None, problem="truncated" if raw.strip() else "unknown-layout")
    doc = L.Page(doc)

    identity = _identity(doc, url, base_url)
    canonical = doc.cached(L.CANONICAL_LINKS[0], L.CANONICAL_LINKS[0])
    og_type = (L.OG_TYPE(doc) or [""])[0].strip().lower()
    if (
        identity is None
        or _path_area(url) in NON_ARTICLE_AREAS
        or (canonical and is_site_host(urlsplit(_join(url, canonical[0])).netloc, base_url)
            and _path_area(_join(url, canonical[0])) in NON_ARTICLE_AREAS)
        or og_type.startswith(_NON_ARTICLE_OG_TYPES)
    ):
        return Extraction(None, problem="not-article")

    layout = next((row for row in L.LAYOUTS if row.detect(doc)), None)
    if is_truncated(raw, doc, layout):
        return Extraction(None, layout=layout.name if layout else None, problem="truncated")
    row = layout or L.FALLBACK
    ld, breadcrumbs = _json_ld(doc)
    fallbacks: list[str] = []

    def pick(name: str, ld_value=None) -> str | None:
        value = _first_text(getattr(row, name), doc)
        if value:
            return value
        value = _first_text(getattr(L.FALLBACK, name), doc) if row is not L.FALLBACK else None
        if not value and isinstance(ld_value, str):
            value = normalize(ld_value)
        if value:
            fallbacks.append(name)
        return value or None

    title = _strip_title_suffix(pick("title", ld.get("headline")))
    if not title:
        title = _strip_title_suffix(_first_text((L.DOCUMENT_TITLE,), doc))
        if title:
            fallbacks.append("title")
    summary = pick("summary", ld.get("description"))

    container = (_first_nodes(row.body, doc) or [None])[0]
    if container is None and row is not L.FALLBACK:
        container = (_first_nodes(L.FALLBACK.body, doc) or [None])[0]
        if container is not None:
            fallbacks.append("body")
    paragraphs, links, source, elements = (
        _body(container, row, url, doc) if container is not None else ([], [], None, [])
    )
    if not paragraphs and isinstance(ld.get("articleBody"), str):
        paragraphs = [p for p in map(normalize, ld["articleBody"].split("\n")) if p]
        if paragraphs and _SOURCE_LINE.match(paragraphs[-1]):
            source = _SOURCE_LINE.match(paragraphs.pop()).group(1).strip()
        fallbacks.append("body")
    if summary and paragraphs and paragraphs[0] == summary:
        paragraphs = paragraphs[1:]  # a lead rendered as a plain first paragraph
    body = PARAGRAPH_SEPARATOR.join(paragraphs)

    if layout is None and not (title and body):
        return Extraction(None, problem="unknown-layout", fallbacks=fallbacks)

    section, article_id, slug = identity
    # Lazily: the first machine-readable date wins, later selectors need not run.
    published = next(filter(None, map(parse_machine, chained([_ld_string(ld.get("datePublished"))],
                                      (v for s in row.published for v in s(doc))))), None)
    if published is None:
        published = parse_arabic(_first_text(row.date_text, doc))
    modified = next(filter(None, map(parse_machine, chained([_ld_string(ld.get("dateModified"))],
                                     (v for s in row.modified for v in s(doc))))), None)
    author = pick("author", (ld.get("author") or {}).get("name")
                  if isinstance(ld.get("author"), dict) and ld["author"].get("@type") == "Person" else None)
    tag_nodes = _first_nodes(row.tags, doc)
    tags = _tags(tag_nodes, base_url, doc)
    image, image_fell_back = _image(row, doc, url, ld.get("image"))
    if image_fell_back:
        fallbacks.append("image")

    article = {
        "id": article_id,
        "url": canonical_url(section, article_id, slug, base_url),
        "section": section,
        "section_name": _section_name(row, doc, section, breadcrumbs),
        "title": title,
        "summary": summary,
        "body": body or None,
        "source": source,
        "published": published,
        "modified": modified,
        "author": author,
        "tags": tags,
        "image": image,
        "links": links,
        # Every text here is normalised already: no need to normalise again.
        "word_count": normalized_word_count(summary, body),
        "language": "ar",
        "content_hash": normalized_hash(title or "", body),
    }
    missing = [name for name in REQUIRED_FIELDS + OPTIONAL_FIELDS if not article[name]]
    return Extraction(
        article=article,
        layout=layout.name if layout else None,
        fallbacks=fallbacks,
        missing=missing,
        headlines=_headlines(doc, article_id, elements, base_url),
    )


def listing_links(html: str | bytes, url: str, *, base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """Canonical URLs of the articles linked from a section/tag page or a "load more" fragment.

    Links may be relative or absolute, on the base host or the mirror; each id appears once,
    in page order.
    """
    doc = _parse(as_utf8(html))
    if doc is None:
        return []
    found, seen = [], set()
    for a in L.ALL_LINKS(doc):
        absolute = _absolute(a.get("href"), url)
        parts = article_parts(absolute, base_url) if absolute else None
        if parts and parts[1] not in seen:
            seen.add(parts[1])
            found.append(canonicalize(absolute, base_url))
    return found


def load_more_url(html: str | bytes, url: str, *, base_url: str = DEFAULT_BASE_URL) -> str | None:
    """The AJAX listing URL (``/listing/<filter>/<prepare|noprepare>/<template>/<limit>/<page>``)
    behind the page's "load more" control, made absolute; None when the page has none.

    The page number is kept as given (a ``{page}`` placeholder or a number);
    ``rtarabic.urls.listing_page_url`` turns it into any page.
    """
    raw = as_utf8(html)
    doc = _parse(raw)
    if doc is not None:
        for control in _first_nodes(L.LOAD_MORE, doc):
            for attribute in L.LOAD_MORE_ATTRIBUTES:
                value = control.get(attribute)
                if value and "/listing/" in unquote(value):
                    return _absolute(value, url)
    match = L.LISTING_URL_IN_PAGE.search(raw)
    return _absolute(match.group(0).decode("utf-8", "replace"), url) if match else None
