"""Pure functions from an RT Arabic page's HTML to the article item.

``extract_article(page, url)`` parses the page once into a ``parsel.Selector`` (or takes
the ``Page`` the spider parsed), picks the first matching row of
``rtarabic.layouts.LAYOUTS`` and reads every field through that row's selector chains,
then the meta/OpenGraph chains, then JSON-LD ``NewsArticle``. It never raises on odd
pages: what went wrong is in ``Extraction.problem``.

Decisions:

- The body is read structurally (``body_blocks``): inside the layout's body container, in
  document order and through any depth of wrapper elements, each paragraph, subhead, list
  item, quotation, table row and run of bare text in a wrapper is one paragraph of ``body``
  (two ``<br>`` in a row end one); page furniture goes by element and structure
  (``rtarabic.layouts.FURNITURE_*``, pictures, pasted social posts) and by the text rules of
  ``rtarabic.boilerplate``, applied to each paragraph and each line of it (``_read_body``).
  The lead (``p.intro``) is the summary, not body; a body paragraph that repeats it is kept
  (the body is the article as published).
- When no layout matches (a redesign) and the page presents itself as an article (JSON-LD
  NewsArticle, og:type article or a publication date), it is read generically: title, lead,
  dates, section and image from meta/OpenGraph/JSON-LD, the body from the element holding the
  main text trafilatura finds, read like a body container; ``Extraction.layout`` is then
  ``"generic"``.
- ``problem`` is set only when the page is not an extractable article:
  "interstitial" (anti-bot check), "not-html" (an image, a PDF, bytes with no
  markup), "not-article" (programme, video, gallery, microsite), "truncated"
  (see ``is_truncated``) and "unknown-layout" (no layout matched and the generic reading
  found no title or no body). Then ``article`` is None. An article lacking a field is
  still returned, with nulls, and ``missing`` names those fields; the validate pipeline
  decides what to drop.
- ``fallbacks`` names the fields whose value came from meta/OpenGraph or JSON-LD
  because the matched layout's own selectors gave nothing. Dates are read from
  machine-readable sources first for every layout (JSON-LD, then meta tags), and
  from the visible Arabic date only when none exists; neither counts as a fallback, and
  neither does the author (a meta tag or JSON-LD's Person in every generation).
- ``url``, ``id`` and ``section`` come from the canonical link when it names an
  article on the site (or its mirror), else from the fetched URL.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from parsel import Selector

from rtarabic import layouts as L
from rtarabic.boilerplate import headline_key, is_furniture, is_source_label, source_of, without_card_label
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
#: ``Extraction.layout`` of a page read without a layout row.
GENERIC = "generic"

# Quick screen before the URL grammar: an article link has /<section>/<digits> in it.
_MAY_BE_ARTICLE = re.compile(r"/[a-z_]+/[0-9]")
_UNFOLLOWED_SCHEMES = ("javascript:", "mailto:", "data:", "tel:")
_NON_ARTICLE_OG_TYPES = ("video", "music", "website", "profile")
_DOCUMENT_ENDS = (b"</html", b"</HTML", b"</body", b"</BODY")
# Tags every HTML page has near its start; bytes without any are no page at all.
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p)[\s>/]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_LISTING_URL_IN_PAGE = re.compile(L.LISTING_URL_IN_PAGE)
# lxml.html's parser builds the same tree but looks up a Python element class for every
# element proxy; extraction needs none of HtmlElement's methods. parsel wraps the tree.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True)
_HAS_FOLLOWING = etree.XPath("boolean(following::*[not(self::script or self::style)])")


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


@dataclass
class Page:
    """One response parsed once: its bytes as UTF-8 and the ``parsel.Selector`` over them (None
    when the bytes hold no document). The spider shares it between extraction, link discovery
    and interstitial detection; every function here accepts it in place of the HTML."""

    raw: bytes
    selector: Selector | None

    @property
    def root(self):
        return self.selector.root if self.selector is not None else None


def parse(html: "str | bytes | Page") -> Page:
    """The page parsed (once: a ``Page`` is returned as it is).

    >>> parse("<html><body><h1>عنوان</h1></body></html>").selector.css("h1::text").get()
    'عنوان'
    """
    if isinstance(html, Page):
        return html
    raw = as_utf8(html)
    if not raw or not raw.strip():
        return Page(raw, None)
    try:
        doc = etree.fromstring(raw, _PARSER)
    except (etree.ParserError, ValueError):
        doc = None
    return Page(raw, None if doc is None else Selector(root=doc, type="html"))


def _query(context: Selector, query: str) -> list:
    """Elements (as lxml elements) or strings a CSS or XPath selector string finds."""
    found = context.xpath(query) if L.is_xpath(query) else context.css(query)
    return [s.root for s in found]


def _element_text(element) -> str:
    """An element's visible text, normalised: scripts and styles out, ``<br>`` as a space."""
    parts: list[str] = []
    _collect_text(element, parts, _invisible)
    return normalize("".join(parts))


def _invisible(element) -> bool:
    """Elements browsers never render: their text is no text of the page."""
    return element.tag in ("script", "style", "template", "noscript")


def _text(value) -> str:
    if isinstance(value, str):
        return normalize(value)
    if isinstance(value, bool | float | int):
        return ""
    return _element_text(value)


def _first_text(chain, context: Selector) -> str | None:
    for query in chain:
        for value in _query(context, query):
            text = _text(value)
            if text:
                return text
    return None


def _first_nodes(chain, context: Selector) -> list:
    for query in chain:
        found = _query(context, query)
        if found:
            return found
    return []


def _matches(chain, context: Selector) -> bool:
    """Whether every selector of ``chain`` matches (an XPath boolean is true, a CSS one finds)."""
    for query in chain:
        found = context.xpath(query) if L.is_xpath(query) else context.css(query)
        if not found or found[0].root in (False, "0", 0):
            return False
    return True


# -- the body, structure-aware ---------------------------------------------------------------------

def is_furniture_element(element) -> bool:
    """Whether an element of the body container is page furniture (by tag, class or structure), never text."""
    tag = element.tag
    if not isinstance(tag, str):
        return True
    if tag in L.FURNITURE_TAGS:
        # A quotation's attribution is its <footer>; any other is the page's.
        return not (tag == "footer" and element.getparent() is not None and element.getparent().tag == "blockquote")
    classes = element.get("class")
    if classes:
        for name in classes.split():
            if name in L.FURNITURE_CLASSES or name.startswith(L.FURNITURE_CLASS_PREFIXES):
                return True
    if tag == "blockquote":
        return _is_embed(element)
    if tag in L.BLOCKS and tag not in L.TEXT_BLOCKS and tag not in L.CELLS:
        return _is_picture(element)
    return False


_MEDIA = etree.XPath(" | ".join(f"descendant::{tag}" for tag in L.MEDIA_TAGS))
_HAS_TEXT_BLOCK = etree.XPath(" | ".join(f"descendant::{tag}" for tag in sorted(L.TEXT_BLOCKS)))


def _in_a_line_of_text(element) -> bool:
    """Whether an element sits inside a line of text (an emoji <img> in a sentence), not on its own."""
    parent = element.getparent()
    if parent is None:
        return False
    if (parent.text or "").strip() or any((child.tail or "").strip() for child in parent):
        return True
    return parent.tag not in L.BLOCKS and _in_a_line_of_text(parent)


def _is_picture(element) -> bool:
    """A picture or video block whatever its classes: a figure holding media, or a wrapper holding
    media on its own and no more text than a caption and a credit (no paragraph of its own)."""
    media = [m for m in _MEDIA(element) if not _in_a_line_of_text(m)]
    if not media:
        return False
    if element.tag == "figure":
        return True
    return not _HAS_TEXT_BLOCK(element) and len(_element_text(element)) <= L.PICTURE_TEXT_MAX


_EMBED_POST_LINK = re.compile(L.EMBED_POST_LINK)


def _is_embed(element) -> bool:
    """A social post's embed code: a <blockquote> that ends with the link to the post (a tweet's date,
    the Facebook post), or cites the post."""
    if _EMBED_POST_LINK.match(element.get("cite") or ""):
        return True
    links = element.xpath("descendant::a[@href]")
    if not links or not _EMBED_POST_LINK.match(links[-1].get("href")):
        return False
    return _element_text(element).endswith(_element_text(links[-1]))


#: What a ``<br>`` leaves in a run of text until the run is cut into lines (parsed text never holds NUL).
_BR = "\x00"


def _collect_text(element, parts: list[str], skip, links: list | None = None, br: str = " ") -> None:
    """Appends the text of ``element``'s subtree to ``parts``, leaving out subtrees ``skip``
    says are furniture; a ``<br>`` is ``br``, a nested block a space. Links kept go to ``links``
    with the position in ``parts`` where their text starts."""
    tag = element.tag
    if tag == "br":
        parts.append(br)
        return
    if links is not None and tag == "a" and element.get("href") is not None:
        links.append((len(parts), element))
    block = tag in L.BLOCKS
    if block:
        parts.append(" ")
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str) and not skip(child):
            _collect_text(child, parts, skip, links, br)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append(" ")


@dataclass
class Block:
    """One paragraph of the body container: its text and the links in it; ``lines`` are its
    parts between single ``<br>``s, each a ``Block``, when it has more than one."""

    text: str
    links: list = field(default_factory=list)
    lines: list = field(default_factory=list)


def _holds_blocks(element) -> bool:
    """Whether a text block or an inline element holds blocks of its own (a quotation of several
    paragraphs, a list item with a nested list, a <span> around paragraphs): then it is a wrapper."""
    return any(isinstance(d.tag, str) and d.tag in L.BLOCKS and d.tag not in L.CELLS
               for d in element.iterdescendants())


def body_blocks(container) -> list[Block]:
    """The article-text blocks of a body container, in document order (texts normalised,
    empty ones dropped; text rules not applied yet). Two ``<br>`` in a row end a paragraph;
    one is a line break inside it.

    >>> root = parse("<div><div><p>أ<br>ب</p></div>نص حر<br><br>د<ul><li>ج</li></ul><p>&nbsp;</p></div>").root
    >>> [b.text for b in body_blocks(root.find(".//div"))]
    ['أ ب', 'نص حر', 'د', 'ج']
    """
    blocks: list[Block] = []
    run: list[str] = []
    run_links: list = []

    def flush() -> None:
        if not run:
            return
        lines: list[Block] = []
        pending = iter(run_links)
        link = next(pending, None)
        start = 0
        for end in [i for i, part in enumerate(run) if part == _BR] + [len(run)]:
            line_links = []
            while link is not None and link[0] < end:
                line_links.append(link[1])
                link = next(pending, None)
            text = normalize("".join(run[start:end]))
            if text:
                lines.append(Block(text, line_links))
            elif lines:  # an empty line: two <br> in a row end the paragraph
                _paragraph(lines)
                lines = []
            start = end + 1
        _paragraph(lines)
        run.clear()
        run_links.clear()

    def _paragraph(lines: list[Block]) -> None:
        if lines:
            blocks.append(Block(" ".join(line.text for line in lines), [a for line in lines for a in line.links],
                                lines if len(lines) > 1 else []))

    def walk(element) -> None:
        if element.text:
            run.append(element.text)
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                pass  # a comment or processing instruction: only its tail counts
            elif is_furniture_element(child):
                flush()
            elif tag in L.TEXT_BLOCKS and (tag == "tr" or not _holds_blocks(child)):
                flush()
                _collect_text(child, run, is_furniture_element, run_links, _BR)
                flush()
            elif tag not in L.BLOCKS and (tag == "a" or not _holds_blocks(child)):  # a link stays one run
                _collect_text(child, run, is_furniture_element, run_links, _BR)
            else:  # a wrapper: its bare text and its blocks are paragraphs of their own
                flush()
                walk(child)
                flush()
            if child.tail:
                run.append(child.tail)

    walk(container)
    flush()
    return blocks


# The furniture elements of ``is_furniture_element``, as one XPath for trafilatura to prune: class
# names tested as substrings (a prune may take a little more; exact tokens cost a third of the time).
_GENERIC_PRUNE = ["//*[" + " or ".join(
    [f"self::{tag}" for tag in sorted(L.FURNITURE_TAGS) if "-" not in tag]
    + [f"contains(@class, '{name}')" for name in sorted({*L.FURNITURE_CLASSES, *L.FURNITURE_CLASS_PREFIXES})]) + "]"]


def _main_text(page: Page, url: str) -> list[str]:
    """The paragraphs of the page's main text as trafilatura finds them (furniture elements pruned)."""
    import trafilatura  # imported on first use: only redesigned pages need it

    try:
        document = trafilatura.bare_extraction(
            page.raw.decode("utf-8", "replace"), url=url, fast=True, include_comments=False, include_tables=False,
            include_images=False, prune_xpath=_GENERIC_PRUNE)
    except Exception:  # noqa: BLE001 -- a third-party extractor on hostile input: no text, not a crash
        return []
    body = getattr(document, "body", None)
    if body is None:
        return []
    texts = []
    for element in body:
        for item in element.findall("item") if element.tag == "list" else [element]:
            text = normalize(" ".join(" ".join(item.itertext()).split()))
            if text:
                texts.append(text)
    return texts


#: Share of the main text's characters the generic body container must hold.
_CONTAINER_SHARE = 0.8


def _inline_runs(element) -> list[str]:
    """The texts of a wrapper's own runs of bare text and inline elements, split at its blocks."""
    runs, run = [], [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in L.BLOCKS:
            _collect_text(child, run, is_furniture_element)
        elif isinstance(child.tag, str):
            runs.append(normalize("".join(run)))
            run = []
        run.append(child.tail or "")
    runs.append(normalize("".join(run)))
    return [text for text in runs if text]


def _generic_container(root, texts: list[str], own: set[str]):
    """The element of our tree that holds the main text: the deepest one holding at least
    ``_CONTAINER_SHARE`` of the characters of the text blocks (paragraphs, subheads, list items,
    quotations, bare text in a wrapper) whose text is in what trafilatura kept, the page's own
    headline and lead left out. Reading that container like a layout's (``body_blocks``) keeps its
    structure, its links and any block trafilatura's heuristics dropped, and the furniture rules
    apply alike."""
    kept = "\n".join(texts)
    held: dict = {}
    total = 0
    for element in root.iter(etree.Element):
        tag = element.tag
        if tag not in L.BLOCKS or is_furniture_element(element):
            continue
        if tag in L.TEXT_BLOCKS:
            if any(ancestor.tag in L.TEXT_BLOCKS for ancestor in element.iterancestors()):
                continue  # counted with the block around it
            runs = [_element_text(element)]
        else:  # a wrapper: its runs of bare text and inline elements are blocks
            runs = _inline_runs(element)
        size = sum(len(text) for text in runs if text and text not in own and text in kept)
        if not size:
            continue
        total += size
        for ancestor in element.iterancestors():
            held[ancestor] = held.get(ancestor, 0) + size
    if not total:
        return None
    best, best_depth = None, -1
    for element, size in held.items():
        if size >= _CONTAINER_SHARE * total:
            depth = sum(1 for _ in element.iterancestors())
            if depth > best_depth:
                best, best_depth = element, depth
    return best


def _is_tag_list(block: Block) -> bool:
    """Whether a block is nothing but links to tag pages (the tags block, not text)."""
    return bool(block.links) and all("/tags/" in (a.get("href") or "") for a in block.links) and (
        block.text == normalize("".join(_element_text(a) for a in block.links)))


def _generic_blocks(page: Page, url: str, title: str | None, summary: str | None) -> list[Block]:
    """The body of a page no layout knows: the container of its main text read structurally, or
    trafilatura's paragraphs themselves when no element holds them. The page's own headline and
    lead (known from its metas) are not body; nor is a block of tag links."""
    texts = _main_text(page, url)
    own = {t for t in (title, summary) if t}
    container = _generic_container(page.root, texts, own) if texts else None
    if container is not None:
        return [b for b in body_blocks(container) if not _is_tag_list(b)]
    # trafilatura's own paragraphs: they start wherever the page's text does, so an opening
    # headline or lead is the page's header, not body.
    keys = {headline_key(t) for t in own}
    blocks = [Block(t) for t in texts]
    while blocks and headline_key(blocks[0].text) in keys:
        blocks.pop(0)
    return blocks


# -- the rest of the page ---------------------------------------------------------------------------

def _load_json(text: str):
    # strict=False: templates leave raw newlines inside strings (a description wrapped in whitespace).
    try:
        return json.loads(text, strict=False)
    except ValueError:
        # RT's templates leave trailing commas in arrays ("sameAs": [..., "x",]).
        try:
            return json.loads(re.sub(r",(\s*[\]}])", r"\1", text), strict=False)
        except ValueError:
            return None


def _json_ld(doc: Selector) -> tuple[dict, dict]:
    """The page's JSON-LD ``NewsArticle`` and ``BreadcrumbList`` objects (empty dicts if absent)."""
    article, breadcrumbs = {}, {}
    for block in doc.xpath(L.JSON_LD).getall():
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


_ELLIPSES = ("...", "…")


def _untruncated(text: str | None, chain, doc: Selector) -> str | None:
    """``text``, or when it ends with an ellipsis (a description cut short), the first text of ``chain``
    that it begins and that is whole (the visible lead)."""
    if not text or not text.endswith(_ELLIPSES):
        return text
    stem = text.rstrip(".… ")
    for query in chain:
        whole = _first_text((query,), doc)
        if whole and whole.startswith(stem) and not whole.endswith(_ELLIPSES):
            return whole
    return text


def _ld_url(value) -> str | None:
    """A JSON-LD node's address: the string itself, or an object's ``@id``/``url`` (a breadcrumb's item)."""
    if isinstance(value, dict):
        return _ld_string(value.get("@id") or value.get("url"))
    return _ld_string(value)


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
    try:
        absolute = urljoin(page_url, href)
    except ValueError:  # a broken IPv6 host: no address
        return None
    return absolute if absolute.startswith(("http://", "https://")) else None


@lru_cache(maxsize=64)  # the page's canonical link is resolved for its identity and again for its area
def _join(base: str, href: str) -> str:
    """``urljoin``, with an unparseable href (a broken IPv6 host) resolved to the base itself."""
    try:
        return urljoin(base, href)
    except ValueError:
        return base


def _path_area(url: str) -> str:
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[0] if segments else ""


def _section_page(url: str) -> str | None:
    """The section a link to a section page (``/<section>/``, one path segment) names."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[0] if len(segments) == 1 else None


def is_interstitial(page: "Page | str | bytes") -> bool:
    """Whether the page is an anti-bot check (DDoS-Guard) instead of the requested page.

    A cheap byte scan first; then the markers must be in the page's title, scripts or ids, so
    an article that merely mentions DDoS-Guard is not taken for one.
    """
    page = parse(page)
    lowered = page.raw.lower()
    if b"ddos" not in lowered and b"checking your browser" not in lowered:
        return False
    return page.selector is None or page.selector.xpath(L.INTERSTITIAL).get() == "1"


def is_truncated(page: Page, layout: L.Layout | None) -> bool:
    """Whether the document was cut short in transit.

    Every page the CMS renders closes ``</body>`` and ``</html>``: with either
    present the page is complete. Without them the page is complete only if the
    article's end marker (the tags block, which every layout renders after the
    body) is present and some page block follows it; a cut inside the body, or
    anywhere before the end of the tags block, is reported as truncation.
    """
    # From the end: that is where a complete page has them.
    if any(page.raw.rfind(end) >= 0 for end in _DOCUMENT_ENDS):
        return False
    if page.selector is None or layout is None:
        return True
    markers = _first_nodes(layout.end_markers, page.selector)
    return not markers or not _HAS_FOLLOWING(markers[-1])


def _identity(doc: Selector, url: str, base_url: str) -> tuple[str, int, str | None] | None:
    """``(section, id, slug)`` from the canonical link, og:url or amphtml link, else the fetched URL."""
    fetched = article_parts(url, base_url)
    for query in L.CANONICAL_LINKS:
        for href in doc.xpath(query).getall():
            absolute = _join(url, href.strip())
            parts = fetched if absolute == url else article_parts(absolute, base_url)
            if parts and parts[2] and (fetched is None or parts[1] == fetched[1]):
                return parts
    return fetched


def _read_body(blocks: list[Block], page_url: str, base_url: str = DEFAULT_BASE_URL,
               article_id: int | None = None) -> tuple[list[str], list[str], str | None, list, set[str]]:
    """Paragraph texts, their links, the source line's value, the links' elements, and the
    ``headline_key`` of every paragraph that is prose rather than the text of one of its links; the
    text rules of ``rtarabic.boilerplate`` applied to each block, and to each line of a block with
    line breaks. A block that is nothing but a link to another article is a read-more card."""
    texts, links, source, own_links, prose = [], [], None, [], set()
    for block in blocks:
        # Line by line when the block has line breaks: "اقرأ أيضا: <a>headline</a><br>text" loses its
        # first line only.
        lines = block.lines or [block]
        kept = []
        for i, line in enumerate(lines):
            value = source_of(line.text)
            if value:
                source = value
            elif i and is_source_label(lines[i - 1].text):  # "المصدر:<br>RT"
                source = line.text
            elif len(lines) > 1 and not any(c.isalnum() for c in line.text):
                kept.append(line)  # an emoji ending a paragraph's line is the paragraph's; alone it is a pointer
            elif not is_furniture(line.text) and not _is_card_link(line, base_url, article_id):
                kept.append(line)
        if not kept:
            continue
        if len(kept) < len(lines):
            block = Block(" ".join(line.text for line in kept), [a for line in kept for a in line.links])
        texts.append(block.text)
        if not any(normalize("".join(a.itertext())) == block.text for a in block.links):
            prose.add(headline_key(block.text))
        for a in block.links:
            own_links.append(a)
            link = _absolute(a.get("href"), page_url)
            if link and link not in links:
                links.append(link)
    return texts, links, source, own_links, prose


def _is_card_link(block: Block, base_url: str, article_id: int | None) -> bool:
    """Whether a block's whole text is one link to another article of the site: a read-more card
    or a related headline under a read-more label, whatever its markup (S1 §3.2 read-more cards)."""
    if len(block.links) != 1:
        return False
    a = block.links[0]
    href = a.get("href") or ""
    target = _linked_article(href, base_url)
    # A linked sentence (it ends with a full stop) is text; a headline has none.
    return (target is not None and target[1] != article_id and _element_text(a) == block.text
            and not block.text.endswith((".", "\u06d4")))


#: Memoised like ``_linked_article``: tag links recur on many pages.
_tag_slug = lru_cache(maxsize=8192)(tag_slug)


def _tags(nodes, base_url: str) -> list[dict]:
    tags, seen = [], set()
    for a in nodes:
        if isinstance(a, str):
            continue
        slug = _tag_slug(a.get("href", ""), base_url)
        name = _element_text(a)
        if slug and name and slug not in seen:
            seen.add(slug)
            tags.append({"name": name, "slug": slug})
    return tags


def _largest_candidate(srcset: str | None) -> str | None:
    """The widest picture a ``srcset`` offers (``"a.jpg 320w, b.jpg 1200w"`` gives ``b.jpg``).

    >>> _largest_candidate("https://x/xxs/a.jpg 320w, https://x/original/a.jpg 1200w")
    'https://x/original/a.jpg'
    """
    best, best_width = None, -1.0
    for candidate in (srcset or "").split(","):
        parts = candidate.split()
        if not parts:
            continue
        descriptor = parts[1] if len(parts) > 1 else "1x"
        try:
            width = float(descriptor[:-1])
        except ValueError:
            continue
        if width > best_width:
            best, best_width = parts[0], width
    return best


def _first_url(chain, doc: Selector, page_url: str) -> str | None:
    for node in _first_nodes(chain, doc):
        value = node if isinstance(node, str) else (
            node.get("data-src") or node.get("src") or _largest_candidate(node.get("srcset")))
        url = _absolute(value, page_url)
        if url:
            return url
    return None


def _image(layout: L.Layout, doc: Selector, page_url: str, ld: dict) -> tuple[dict | None, bool]:
    """The cover picture and whether it came from meta/JSON-LD rather than the layout's own chain.

    The page's metadata says whether there is a cover (og:image, S7 §3.3; else the JSON-LD
    NewsArticle's image): a page with OpenGraph (or JSON-LD) that names no image has none, and a
    picture found by structure is then an in-body one (which may follow the lead, as a cover
    would). Otherwise the layout's own cover (with its caption and credit) wins, then the named
    URL. Pages without either metadata are read by structure alone.
    """
    own = _first_url(layout.images, doc, page_url)
    if doc.xpath(L.OPEN_GRAPH):
        named = _first_url(L.OG_IMAGE, doc, page_url)
    elif ld:
        named = _absolute(_ld_string(ld.get("image")), page_url)
    else:
        named = own or _first_url(L.FALLBACK.images, doc, page_url)
    if not named:
        return None, False
    url = own or named
    caption = credit = None
    if own:
        caption = _first_text(layout.image_caption, doc)
        credit = _first_text(layout.image_credit, doc)
    if credit:
        credit = credit.lstrip("©").strip() or None
    return {"url": url, "caption": caption, "credit": credit}, not own and layout is not L.FALLBACK


def _section_name(layout: L.Layout, doc: Selector, section: str, breadcrumbs: dict) -> str | None:
    for item in breadcrumbs.get("itemListElement") or []:
        if isinstance(item, dict) and _section_page(_ld_url(item.get("item")) or "") == section:
            node = item.get("item")
            name = normalize(item.get("name") or (node.get("name") if isinstance(node, dict) else None))
            if name:
                return name
    for a in _first_nodes(layout.section_links, doc):
        if not isinstance(a, str) and _section_page(a.get("href", "")) == section:
            name = _element_text(a)
            if name:
                return name
    return None


# 8,192 links: sidebars repeat the recent ones, and a bigger memo grows the crawl's memory.
@lru_cache(maxsize=8192)
def _linked_article(href: str, base_url: str) -> tuple[str, int, str | None] | None:
    """``article_parts`` of a link, memoised: sidebars repeat the same links page after page."""
    return article_parts(href, base_url) if _MAY_BE_ARTICLE.search(href) else None


_CARD_TITLES = tuple(etree.XPath(query) for query in L.CARD_TITLES)


def _card_headline(a) -> str:
    """A card's headline: its first title element with text (without the card's label), else its
    first innermost element whose text is not a label by the text rules (a story card shows
    "RT STORIES", the headline and a hashtag line), else its own text."""
    for selector in _CARD_TITLES:
        for node in selector(a):
            text = _element_text(node)
            if text:
                text = without_card_label(text)
                if text:
                    return text
    for node in a.iterdescendants(etree.Element):
        if len(node) == 0:
            text = _element_text(node)
            if text and not is_furniture(text):
                return without_card_label(text) or text
    text = _element_text(a)
    return without_card_label(text) if text else text


def _headlines(doc: Selector, own_id: int | None, own_links: list, base_url: str) -> list[str]:
    """Texts of links to other articles (and story cards) outside the article's own paragraphs."""
    own = set(own_links)
    stories = set(_query(doc, L.STORY_LINKS))
    found, seen = [], set()
    for a in _query(doc, L.ALL_LINKS):
        parts = _linked_article(a.get("href", ""), base_url)
        if parts is None:
            if a not in stories:
                continue
        elif parts[1] == own_id:
            continue
        if a in own:
            continue
        # A card's title element holds the headline without the card's label.
        text = _card_headline(a) if len(a) else normalize(a.text)
        if text and text not in seen:
            seen.add(text)
            found.append(text)
    return found


_ZONED = re.compile(r"(?:[Zz]|[+-]\d\d:?\d\d)$")
#: Dates before the site existed are a template's empty value (1970-01-01), not a date.
_EARLIEST = "2005"


def _first_date(values) -> str | None:
    """The first value that parses as a machine-readable date with its time zone, as UTC ISO 8601; else
    the first without one (read as Moscow time by ``parse_machine``), which a zoned value after it beats."""
    unzoned = None
    for value in values:
        parsed = parse_machine(value) if value else None
        if not parsed or parsed < _EARLIEST:
            continue
        if _ZONED.search(value.strip()):
            return parsed
        unzoned = unzoned or parsed
    return unzoned


def _dates(row: L.Layout, doc: Selector, query: str) -> "iter":
    return (value for q in getattr(row, query) for value in _query(doc, q) if isinstance(value, str))


def extract_article(html: "str | bytes | Page", url: str, *, base_url: str = DEFAULT_BASE_URL) -> Extraction:
    """The article on ``html`` (fetched from ``url``), or why there is none.

    Pass the response's bytes (``response.body``) rather than its text, or the ``Page`` made
    from them: a wrong charset in the HTTP header is then harmless (see ``as_utf8``).

    >>> extract_article("", "https://arabic.rt.com/world/1-x/").problem
    'unknown-layout'
    """
    page = parse(html)
    raw, doc = page.raw, page.selector
    if is_interstitial(page):
        return Extraction(None, problem="interstitial")
    if raw.strip() and not _MARKUP.search(raw[:65536]):
        return Extraction(None, problem="not-html")
    if doc is None:
        return Extraction(None, problem="truncated" if raw.strip() else "unknown-layout")

    identity = _identity(doc, url, base_url)
    canonical = doc.xpath(L.CANONICAL).getall()
    og_type = normalize((doc.xpath(L.OG_TYPE).getall() or [""])[0]).lower()
    if (
        identity is None
        or _path_area(url) in NON_ARTICLE_AREAS
        or (canonical and is_site_host(urlsplit(_join(url, canonical[0])).netloc, base_url)
            and _path_area(_join(url, canonical[0])) in NON_ARTICLE_AREAS)
        or og_type.startswith(_NON_ARTICLE_OG_TYPES)
    ):
        return Extraction(None, problem="not-article")

    layout = next((row for row in L.LAYOUTS if _matches(row.detect, doc)), None)
    if is_truncated(page, layout):
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
        if value and row is not L.FALLBACK:
            fallbacks.append(name)
        return value or None

    title = _strip_title_suffix(pick("title", ld.get("headline")))
    if not title:
        title = _strip_title_suffix(_first_text((L.DOCUMENT_TITLE,), doc))
        if title and row is not L.FALLBACK:
            fallbacks.append("title")
    summary = _untruncated(pick("summary", ld.get("description")), row.summary, doc)

    container = (_first_nodes(row.body, doc) or [None])[0]
    if container is None and row is not L.FALLBACK:
        container = (_first_nodes(L.FALLBACK.body, doc) or [None])[0]
        if container is not None:
            fallbacks.append("body")
    blocks = body_blocks(container) if container is not None else []
    # A page no layout knows is read generically only when it presents itself as an article
    # (JSON-LD NewsArticle, og:type article, a publication date): a redesign keeps its metadata.
    if layout is None and not blocks and (ld or og_type.startswith("article")
                                          or _first_date(_dates(row, doc, "published"))):
        blocks = _generic_blocks(page, url, title, summary)
    paragraphs, links, source, own_links, prose = _read_body(blocks, url, base_url, identity[1])
    if not paragraphs and isinstance(ld.get("articleBody"), str):
        paragraphs, _, ld_source, _, prose = _read_body(
            [Block(t) for t in map(normalize, ld["articleBody"].split("\n")) if t], url)
        source = source or ld_source
        if paragraphs and row is not L.FALLBACK:
            fallbacks.append("body")
    body = PARAGRAPH_SEPARATOR.join(paragraphs)

    if layout is None and not (title and body):
        return Extraction(None, problem="unknown-layout", fallbacks=fallbacks)

    section, article_id, slug = identity
    # Lazily: the first machine-readable date wins, later selectors need not run.
    published = _first_date(chain([_ld_string(ld.get("datePublished"))], _dates(row, doc, "published")))
    if published is None:
        published = parse_arabic(_first_text(row.date_text, doc))
    modified = _first_date(chain([_ld_string(ld.get("dateModified"))], _dates(row, doc, "modified")))
    # Like the dates, the author is metadata in every generation (the Mediator meta, JSON-LD's Person):
    # found in JSON-LD it is no sign of drift, so no fallback is recorded for it.
    ld_author = ld.get("author")
    ld_author = ld_author[0] if isinstance(ld_author, list) and ld_author else ld_author
    author = (_first_text(row.author, doc) or _first_text(L.FALLBACK.author, doc)
              or (normalize(ld_author.get("name")) if isinstance(ld_author, dict)
                  and ld_author.get("@type") == "Person" else None) or None)
    tags = _tags(_first_nodes(row.tags, doc), base_url)
    image, image_fell_back = _image(row, doc, url, ld)
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
        "extraction": layout.name if layout else GENERIC,
    }
    missing = [name for name in REQUIRED_FIELDS + OPTIONAL_FIELDS if not article[name]]
    return Extraction(
        article=article,
        layout=layout.name if layout else GENERIC,
        fallbacks=fallbacks,
        missing=missing,
        # A headline the body gives as prose (a list item of a digest, a subhead) is the article's own
        # text: only its linked copies are the leaks the sidebar-stripping pipeline removes.
        headlines=[h for h in _headlines(doc, article_id, own_links, base_url) if headline_key(h) not in prose],
    )


def listing_links(html: "str | bytes | Page", url: str, *, base_url: str = DEFAULT_BASE_URL) -> list[str]:
    """Canonical URLs of the articles linked from a section/tag page or a "load more" fragment.

    Links may be relative or absolute, on the base host or the mirror; each id appears once,
    in page order.
    """
    doc = parse(html).selector
    if doc is None:
        return []
    found, seen = [], set()
    for href in doc.xpath(L.ALL_LINKS + "/@href").getall():
        absolute = _absolute(href, url)
        parts = article_parts(absolute, base_url) if absolute else None
        if parts and parts[1] not in seen:
            seen.add(parts[1])
            found.append(canonicalize(absolute, base_url))
    return found


def load_more_url(html: "str | bytes | Page", url: str, *, base_url: str = DEFAULT_BASE_URL) -> str | None:
    """The AJAX listing URL (``/listing/<filter>/<prepare|noprepare>/<template>/<limit>/<page>``)
    behind the page's "load more" control, made absolute; None when the page has none.

    The page number is kept as given (a ``{page}`` placeholder or a number);
    ``rtarabic.urls.listing_page_url`` turns it into any page.
    """
    page = parse(html)
    if page.selector is not None:
        for control in _first_nodes(L.LOAD_MORE, page.selector):
            for value in control.values():
                found = _listing_template(value) or _listing_template(unquote(value))
                if found:
                    return _absolute(found, url)
    return _absolute(_listing_template(page.raw.decode("utf-8", "replace")), url)


def _listing_template(text: str) -> str | None:
    """The first listing URL in ``text`` (an attribute's value, a script), its page placeholder as
    ``{page}``.

    >>> _listing_template("loadMore('/listing/tag.x/noprepare/tag/10/', 1)")
    '/listing/tag.x/noprepare/tag/10/'
    >>> _listing_template("url = `/listing/tag.hamas/noprepare/tag/1/${page}`")
    '/listing/tag.hamas/noprepare/tag/1/{page}'
    """
    match = _LISTING_URL_IN_PAGE.search(text)
    return match.group(0).replace("${page}", "{page}") if match else None


def listing_attribute_urls(page: Page) -> list[str]:
    """Every attribute value of the page holding a ``/listing/`` URL, then the whole-number attribute
    values of the "load more" control (the page it asks for next, when its URL holds only a
    ``{page}`` placeholder)."""
    if page.selector is None:
        return []
    values = page.selector.xpath("//@*[contains(., '/listing/')]").getall()
    for control in _first_nodes(L.LOAD_MORE, page.selector)[:1]:
        values += [value.strip() for value in control.values() if value.strip().isdigit()]
    return values


def tag_links(page: Page) -> list[str]:
    """Every link's href on the page, as written (relative or absolute)."""
    return page.selector.xpath(L.ALL_LINKS + "/@href").getall() if page.selector is not None else []
