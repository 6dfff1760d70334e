"""The selectors of every DOM generation of an RT Arabic article page, as data.

``LAYOUTS`` holds one ``Layout`` per generation, in the order they are tried;
the first whose ``detect`` expression is true extracts the page. Within a row,
each field is a chain of precompiled selectors tried in order; the first that
yields a non-empty value wins. When a whole chain yields nothing, extraction
falls back to ``FALLBACK`` (meta and OpenGraph tags), then to the page's
JSON-LD ``NewsArticle``; see ``rtarabic.extract``.

A selector that returns elements is read as the element's text, except in the
``*_links``, ``tags``, ``images`` and ``body`` chains, which want elements. A
selector that returns attribute values is read as that string.

When RT changes its markup, add a row (with the years it was seen in) rather
than an ``if`` in the extraction code.
"""

import re
from dataclasses import dataclass, field

from cssselect import HTMLTranslator
from lxml.etree import XPath

_TRANSLATOR = HTMLTranslator()


# cssselect tests a class with concat/normalize-space on every element; a plain
# contains() first lets XPath skip most elements cheaply (same result).
_CLASS_TEST = re.compile(r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\)")


def _translate(expression: str) -> str:
    return _CLASS_TEST.sub(r"(contains(@class, '\1') and \g<0>)", _TRANSLATOR.css_to_xpath(expression))


def css(expression: str) -> XPath:
    """A CSS selector compiled to XPath, evaluated from the element it is called on."""
    return XPath(_translate(expression))


def xpath(expression: str) -> XPath:
    """A compiled XPath expression."""
    return XPath(expression)


def meta(name: str) -> XPath:
    """The ``content`` of ``<meta name=...>`` or ``<meta property=...>``.

    An absolute path into ``<head>``: a ``//meta`` search would walk the whole page.
    """
    return XPath(f"/html/head/meta[@name='{name}' or @property='{name}']/@content")


def has(*expressions: str) -> XPath:
    """A boolean XPath: true when every CSS ``expressions`` matches somewhere in the page."""
    return XPath(" and ".join(f"boolean({_translate(e)})" for e in expressions))


Chain = tuple[XPath, ...]

# Paragraph children of a body container that are not prose: the lead (it is the
# summary) and recommendation or embed wrappers that some templates render as <p>.
_OWN_PARAGRAPHS = xpath(
    "./p[not(contains(concat(' ', normalize-space(@class), ' '), ' intro '))"
    " and not(contains(@class, 'read-more')) and not(contains(@class, 'crosslinks'))"
    " and not(contains(@class, 'rtcode')) and not(contains(@class, 'caption'))"
    " and not(contains(@class, 'copyright'))]"
)


@dataclass(frozen=True)
class Layout:
    """The selectors of one DOM generation, each field a chain tried in order."""

    name: str
    #: Seen on the live site in these years (documentation only).
    seen: str
    #: True when the page belongs to this generation.
    detect: XPath
    title: Chain = ()
    summary: Chain = ()
    #: The body container; its own paragraphs are ``paragraphs`` evaluated on it.
    body: Chain = ()
    paragraphs: XPath = _OWN_PARAGRAPHS
    #: Links to the section page: href gives the section slug, text its Arabic label.
    section_links: Chain = ()
    #: Machine-readable section slug (e.g. ``meta[name=category]``).
    section: Chain = ()
    #: Machine-readable publication and modification times, tried before the visible date.
    published: Chain = ()
    modified: Chain = ()
    #: The date as shown to readers (Arabic text).
    date_text: Chain = ()
    author: Chain = ()
    #: ``<a href="/tags/<slug>/">name</a>`` elements.
    tags: Chain = ()
    #: The cover picture's ``<img>``/``<amp-img>`` elements; the first one with a URL wins.
    images: Chain = ()
    image_caption: Chain = ()
    image_credit: Chain = ()
    #: Elements that only a complete page has after the body (see ``extract.is_truncated``).
    end_markers: Chain = field(default=())


#: Machine-readable dates common to every generation, tried after JSON-LD.
_PUBLISHED_META = (meta("published_time_telegram"), meta("publish-date"), meta("article:published_time"),
                   meta("mediator_published_time"), xpath("//time[@itemprop='datePublished']/@datetime"))
_MODIFIED_META = (meta("article:modified_time"), meta("modified-date"), meta("og:updated_time"),
                  xpath("//time[@itemprop='dateModified']/@datetime"))

# Cover picture of the 2019-2025 templates: lazy-loaded <img data-src> with a
# <noscript><img src> copy for clients without JavaScript.
_PHOTO_IMAGES = (css(".photo img[data-src]"), css(".photo noscript img[src]"), css(".photo img[src]"))

CLASSIC = Layout(
    name="classic",
    seen="2019-2022",
    # The body div carries the Mediator analytics marker js-mediator-article.
    detect=has("h1.heading", "div.text.js-text.js-mediator-article"),
    title=(css("h1.heading"),),
    summary=(css("div.js-mediator-article > p.intro"), css("p.intro")),
    body=(css("div.text.js-text.js-mediator-article"),),
    section_links=(css(".time-public a[href]"),),
    section=(meta("category"),),
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=(css(".time-public .date"), css("span.date")),
    author=(meta("mediator_author"),),
    tags=(css(".news-tags.news-tags_article a[href]"), css(".news-tags a[href]")),
    images=_PHOTO_IMAGES,
    image_caption=(css(".photo .caption"),),
    image_credit=(css(".photo .copyright"),),
    end_markers=(css(".news-tags"),),
)

META = Layout(
    name="meta",
    seen="2023-2025",
    # No h1.heading: the 2023-25 scrapers read the headline from og:title.
    detect=has("div.js-mediator-article"),
    title=(meta("og:title"), css("h1")),
    summary=(meta("description"), css("div.js-mediator-article > p.intro")),
    body=(css("div.js-mediator-article"),),
    section_links=(css(".article-page__section a[href]"), css(".time-public a[href]"),
                   css(".breadcrumbs a[href]")),
    section=(meta("category"),),
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=(css(".article-page__date .date"), css(".time-public .date"), css(".date")),
    author=(meta("mediator_author"),),
    tags=(css(".news-tags a[href]"),),
    images=(meta("og:image"), *_PHOTO_IMAGES),
    image_caption=(css(".photo .caption"),),
    image_credit=(css(".photo .copyright"),),
    end_markers=(css(".news-tags"),),
)

MAIN_ARTICLE = Layout(
    name="main_article",
    seen="unverified BEM family (third-party scrapers, 2025-26)",
    detect=has(".main-article__editor-content, .main-article .editor-content, .main-article__title"),
    title=(css("h1.main-article__title"), css(".main-article__title"), css("h1")),
    summary=(css(".main-article__intro-text"), css(".main-article__intro")),
    body=(css(".main-article__editor-content"), css(".editor-content")),
    # The section link is the a.main-article__section element itself.
    section_links=(css("a.main-article__section[href]"), css(".main-article__section a[href]"),
                   css(".breadcrumbs a[href]")),
    section=(meta("category"),),
    published=(*_PUBLISHED_META, xpath("//*[contains(@class, 'main-article__date')]/descendant-or-self::time/@datetime")),
    modified=_MODIFIED_META,
    date_text=(css(".main-article__date"), css("span.date")),
    author=(css(".main-article__author"), meta("mediator_author")),
    tags=(css("ul.main-article__tags li.tags__item a[href]"), css(".main-article__tags a[href]")),
    images=(css("figure.main-figure img[data-src]"), css("figure.main-figure img[src]"),
            css(".main-article__cover img")),
    # The figcaption holds caption and credit side by side: read their own elements.
    image_caption=(css(".main-figure__caption"), css("figure.main-figure .caption")),
    image_credit=(css(".main-figure__credit"), css(".main-figure__copyright"), css("figure.main-figure .copyright")),
    end_markers=(css(".main-article__tags"),),
)

AMP = Layout(
    name="amp",
    seen="AMP copies (<article>/amp), 2019-2025",
    # <html amp> or <html ⚡>; some AMP pages are recognisable only by the AMP runtime.
    detect=xpath("boolean(/html[@amp or @*[name()='⚡']] or //script[contains(@src, 'cdn.ampproject.org')])"),
    title=(css("h1.heading"), css("h1")),
    summary=(css("div.js-mediator-article > p.intro"), css("p.intro"), css(".article__summary")),
    body=(css("div.js-mediator-article"), css("div.text"), css(".article__text")),
    section_links=(css(".time-public a[href]"), css(".breadcrumbs a[href]")),
    section=(meta("category"),),
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=(css(".time-public .date"), css("span.date"), css("time")),
    author=(meta("mediator_author"),),
    tags=(css(".news-tags a[href]"), css(".tags a[href]")),
    images=(css(".photo amp-img[src]"), css("amp-img[src]"), *_PHOTO_IMAGES),
    image_caption=(css(".photo .caption"), css("figure figcaption")),
    image_credit=(css(".photo .copyright"),),
    end_markers=(css(".news-tags"), css(".tags")),
)

#: Tried in this order: AMP first (its body classes repeat the desktop ones), then the
#: newest desktop family, then the two js-mediator-article generations.
LAYOUTS: tuple[Layout, ...] = (AMP, MAIN_ARTICLE, CLASSIC, META)

#: Meta/OpenGraph chains used when a layout's own chain yields nothing (recorded as a fallback).
FALLBACK = Layout(
    name="fallback",
    seen="every generation",
    detect=xpath("true()"),
    title=(meta("og:title"), meta("twitter:title")),
    summary=(meta("description"), meta("og:description"), meta("twitter:description")),
    body=(css("[itemprop=articleBody]"), css(".article__text")),
    section_links=(css(".time-public a[href]"),),
    section=(meta("category"),),
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=(css("span.date"),),
    author=(meta("mediator_author"), meta("article:author"), meta("author")),
    tags=(css(".news-tags a[href]"),),
    images=(meta("og:image"), meta("twitter:image"), *_PHOTO_IMAGES),
)

#: The ``<title>`` element, whose text ends with this suffix on every page.
DOCUMENT_TITLE = xpath("/html/head/title")
TITLE_SUFFIXES = (" - RT Arabic", " | RT Arabic", " - آر تي عربي")

#: Links that name the page's canonical address, tried in this order.
CANONICAL_LINKS = (xpath("/html/head/link[@rel='canonical']/@href"), meta("og:url"),
                   xpath("/html/head/link[@rel='amphtml']/@href"))

JSON_LD = xpath("//script[@type='application/ld+json']/text()")
OG_TYPE = meta("og:type")

#: Paragraphs nested one level deeper than the layout expects (a wrapper div inside the
#: body container), still outside recommendation cards and embeds.
NESTED_PARAGRAPHS = xpath(
    ".//p[not(contains(concat(' ', normalize-space(@class), ' '), ' intro '))"
    " and not(ancestor::*[contains(@class, 'read-more') or contains(@class, 'crosslinks')"
    " or contains(@class, 'rtcode') or contains(@class, 'photo') or contains(@class, 'AllEmbed')"
    " or self::blockquote or self::figure])]"
)

#: Links of the stories/trends strips: their texts are story names, not article text.
STORY_LINK = xpath(
    "boolean(contains(@href, '/trend') or contains(@href, '/stories/') or contains(@href, '/story/')"
    " or ancestor::*[contains(@class, 'stories') or contains(@class, 'trends')])"
)

#: Every link on the page, for headlines and listings.
ALL_LINKS = xpath("//a[@href]")

#: Title elements inside recommendation and story cards, in priority order: their text is the
#: other article's headline without the card's label ("إقرأ المزيد", "RT STORIES") or a
#: duplicate rendering of the same name (story strips show a label and a name).
CARD_TITLES = (
    xpath(".//*[contains(@class, '__title') or contains(@class, '-big__title') or contains(@class, 'card__title')]"),
    xpath(".//*[contains(@class, '__footer')]"),
    xpath(".//*[contains(@class, '__name') or contains(@class, 'heading') or contains(@class, 'list-news_text')]"),
)

#: Text nodes of a paragraph that belong to it, not to an embed or card nested inside it.
PARAGRAPH_TEXT = xpath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::iframe"
    " or ancestor::blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed')]"
    " or ancestor::*[contains(@class, 'read-more') or contains(@class, 'crosslinks')"
    " or contains(@class, 'rtcode') or contains(@class, 'AllEmbed')])]"
)
#: Text of any element except its scripts and styles.
VISIBLE_TEXT = xpath(".//text()[not(ancestor::script or ancestor::style)]")
PARAGRAPH_LINKS = xpath(
    ".//a[@href][not(ancestor::*[contains(@class, 'read-more') or contains(@class, 'crosslinks')"
    " or contains(@class, 'rtcode') or contains(@class, 'AllEmbed')]"
    " or ancestor::blockquote[contains(@class, 'twitter-tweet')])]"
)

#: Anti-bot interstitial (DDoS-Guard's JavaScript check) markers.
INTERSTITIAL = xpath(
    "boolean(//title[contains(., 'DDoS-Guard') or contains(., 'DDOS-GUARD') or contains(., 'Checking your browser')"
    " or contains(., 'DDoS protection')]"
    " or //script[contains(@src, 'ddos-guard') or contains(@src, 'ddos_guard')]"
    " or //*[contains(@id, 'ddg-') or contains(@class, 'ddg-') or contains(@id, 'ddos-guard')])"
)

#: "Load more" controls of section/tag pages: where their listing URL lives.
LOAD_MORE = (
    xpath("//*[contains(@class, 'js-listing__more') or contains(@class, 'load-more')"
          " or contains(@class, 'button-more') or contains(@class, 'listing__button')"
          " or @data-listing-url or @data-url or @data-href]"),
)
LOAD_MORE_ATTRIBUTES = ("data-listing-url", "data-url", "data-href", "data-listing", "href")
#: The listing URL anywhere in the page's HTML or scripts, as the RT CMS embeds it.
LISTING_URL_IN_PAGE = re.compile(rb"(?:https?://[^\s\"'<>]+)?/listing/[^\s\"'<>]+")
