"""The selectors of every DOM generation of an RT Arabic article page, as data.

``LAYOUTS`` holds one ``Layout`` per generation, in the order they are tried; the
first whose ``detect`` selectors all match extracts the page. Every field is a chain
of CSS or XPath strings (``is_xpath`` tells them apart), evaluated with parsel on the
one ``parsel.Selector`` built per response; the first that yields a non-empty value
wins. When a whole chain yields nothing, extraction falls back to ``FALLBACK``
(meta and OpenGraph tags), then to the page's JSON-LD ``NewsArticle``; when no row
matches at all, the page is read generically (see ``rtarabic.extract``).

Each selector's comment names its evidence: a section of the site notes ("S1 §3.1"
is source S1 in section 3.1 of the site notes), a stored page (``p13``) or the RT
English pages of the same CMS (``rt-english``). Class names nobody has seen on the
site are not used, except as a last fallback behind evidenced selectors, marked so.

When RT changes its markup, add a row (with the years it was seen in) rather than an
``if`` in the extraction code.
"""

from dataclasses import dataclass, field

Chain = tuple[str, ...]


def is_xpath(query: str) -> bool:
    """Whether a selector string is XPath (it starts with ``/``, ``(`` or a function call).

    >>> is_xpath("//h1"), is_xpath("boolean(//h1)"), is_xpath("h1.heading")
    (True, True, False)
    """
    return query.startswith(("/", "(", "./", "boolean(", "string(", "count("))


def meta(name: str) -> str:
    """The ``content`` of ``<meta name=...>`` or ``<meta property=...>`` in ``<head>``."""
    return f"/html/head/meta[@name='{name}' or @property='{name}']/@content"


@dataclass(frozen=True)
class Layout:
    """The selectors of one DOM generation, each field a chain tried in order.

    A selector that returns elements is read as the element's text, except in the
    ``section_links``, ``tags``, ``images``, ``body`` and ``end_markers`` chains, which
    want elements; one that returns attribute values is read as that string.
    """

    name: str
    #: Seen on the live site in these years (documentation only).
    seen: str
    #: The page belongs to this generation when every one of these matches.
    detect: Chain
    title: Chain = ()
    summary: Chain = ()
    #: The body container; its article text is read structurally (``rtarabic.extract``).
    body: Chain = ()
    #: Links to the section page: href gives the section slug, text its Arabic label.
    section_links: Chain = ()
    #: Machine-readable publication and modification times, tried after JSON-LD.
    published: Chain = ()
    modified: Chain = ()
    #: The date as shown to readers (Arabic text).
    date_text: Chain = ()
    author: Chain = ()
    #: ``<a href="/tags/<slug>/">name</a>`` elements.
    tags: Chain = ()
    #: The cover picture's ``<img>``/``<amp-img>`` elements (or URLs); the first with a URL wins.
    images: Chain = ()
    image_caption: Chain = ()
    image_credit: Chain = ()
    #: Elements that only a complete page has after the body (see ``extract.is_truncated``).
    end_markers: Chain = field(default=())


# Machine-readable dates common to every generation, tried after JSON-LD.
_PUBLISHED_META = (
    meta("publish-date"),  # S1 §3.1: read first, then the Telegram meta
    meta("published_time_telegram"),  # S1 §3.1; rt-english
    meta("article:published_time"),  # OpenGraph article namespace (standard)
    meta("mediator_published_time"),  # §3.3 (Mediator plugin metas)
    "time[itemprop=datePublished]::attr(datetime)",  # schema.org microdata (standard)
)
_MODIFIED_META = (meta("article:modified_time"), meta("modified-date"), meta("og:updated_time"),
                  "time[itemprop=dateModified]::attr(datetime)")  # OpenGraph and microdata (standard)

# Cover picture of the 2019-2025 templates: the .photo right after the lead in the body container
# (S1 §3.1 "Cover image"; §3.1 INFERENCE: p.intro, then the cover div.photo, then the paragraphs;
# §4 item 7: caption and credit right after the lead), lazy-loaded <img data-src> with a
# <noscript><img src> copy. Later .photo blocks are in-body pictures (S1 "In-body images"), not the cover.
_COVER = ("div.js-mediator-article > p.intro + .photo", "div.js-mediator-article > .photo:first-child")
# (and, as rt.com gives it, S11 §2.7, a srcset alone: the widest candidate)
_PHOTO_IMAGES = tuple(f"{cover} {img}" for img in ("img[data-src]", "noscript img[src]", "img[src]", "amp-img[src]",
                                                   "img[srcset]")
                      for cover in _COVER)
_PHOTO_CAPTION = tuple(f"{cover} .caption" for cover in _COVER)  # S1 §3.1, §4 item 7
_PHOTO_CREDIT = tuple(f"{cover} .copyright" for cover in _COVER)  # S1 §3.1, §4 item 7
_SECTION_LINKS = (".time-public a[href]",)  # S3, S1 §3.1 "Category"
_TAGS = (".news-tags a[href]",)  # S1 §3.1 "Tags" (2023-25)
_AUTHOR = (meta("mediator_author"),)  # S1 §3.1, §3.3

CLASSIC = Layout(
    name="classic",
    seen="2019-2022",
    # S2 §3.1: div.article h1.heading and the body div with the Mediator marker js-mediator-article.
    detect=("h1.heading", "div.text.js-text.js-mediator-article"),
    title=("h1.heading",),  # S2, S4 §3.1
    summary=("div.js-mediator-article > p.intro", "p.intro"),  # S1 §3.1 "Lead", §3.1 INFERENCE note
    body=("div.text.js-text.js-mediator-article",),  # S2, S3 §3.1
    section_links=_SECTION_LINKS,
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=(".time-public .date", "span.date"),  # S4 §3.1 "Date"
    author=_AUTHOR,
    tags=(".news-tags.news-tags_article a[href]", *_TAGS),  # S2, S3 §3.1
    images=_PHOTO_IMAGES,
    image_caption=_PHOTO_CAPTION,
    image_credit=_PHOTO_CREDIT,
    end_markers=(".news-tags",),  # S1 §3.1: the tags block follows the body
)

CURRENT = Layout(
    name="current",
    seen="2023-2025 (the current template)",
    # S1 §3.1 (2023-25): the body is //div[contains(@class,'js-mediator-article')]; no h1.heading,
    # the scraper reads the headline from og:title.
    detect=("div.js-mediator-article",),
    title=(meta("og:title"), "h1"),  # S1 §3.1 "Title"; the page's one h1 (§4 item 5)
    summary=(meta("description"), "div.js-mediator-article > p.intro"),  # S1, S8 §3.1 "Lead"
    body=("div.js-mediator-article",),  # S1 §3.1 "Body"
    section_links=_SECTION_LINKS,
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    # S4 §3.1 span.date; a <time> of the article (structure) when the date block has no class known.
    date_text=(".time-public .date", ".date", "article time", "main time"),
    author=_AUTHOR,
    tags=_TAGS,
    images=(meta("og:image"), *_PHOTO_IMAGES),  # S7 §3.3: og:image is the cover
    image_caption=_PHOTO_CAPTION,
    image_credit=_PHOTO_CREDIT,
    end_markers=(".news-tags",),
)

MAIN_ARTICLE = Layout(
    name="main_article",
    seen="unverified BEM family (third-party scrapers, 2025-26)",
    # §3.4 (S15, LOW): div.main-article__editor-content / div.editor-content, h3.main-article__title.
    # The body container, not the title class alone: cards of other articles may use that (§3.4 tag pages).
    detect=(".main-article__editor-content, .main-article .editor-content",),
    title=("h1.main-article__title", ".main-article__title", "h1"),  # §3.4
    summary=(".main-article__intro-text",),  # §3.4 div.main-article__intro-text
    body=(".main-article__editor-content", ".editor-content"),  # §3.4
    # The section link: JSON-LD breadcrumbs first (extract), then a link of the article to its section.
    section_links=(".main-article a[href]", "article a[href]"),
    published=(*_PUBLISHED_META, "article time::attr(datetime)"),  # a <time> in the article (structure)
    modified=_MODIFIED_META,
    date_text=("article time",),
    author=_AUTHOR,
    tags=("ul.main-article__tags li.tags__item a[href]", ".main-article__tags a[href]"),  # §3.4
    images=("figure.main-figure img[data-src]", "figure.main-figure img[src]"),  # §3.4 figure.main-figure img
    # The figcaption holds caption and credit side by side: its first and second elements (structure).
    image_caption=("figure.main-figure figcaption > :first-child", "figure.main-figure figcaption"),
    image_credit=("figure.main-figure figcaption > :nth-child(2)",),
    end_markers=(".main-article__tags",),  # §3.4
)

AMP = Layout(
    name="amp",
    seen="AMP copies (<article>/amp), 2019-2025",
    # §2.1 (p10; rt-english amphtml): <html amp> or <html ⚡>, or only the AMP runtime script.
    detect=("boolean(/html[@amp or @*[name()='⚡']] or //script[contains(@src, 'cdn.ampproject.org')])",),
    title=("h1.heading", "h1"),
    summary=("div.js-mediator-article > p.intro", "p.intro"),
    body=("div.js-mediator-article", "div.text"),
    section_links=(*_SECTION_LINKS,),
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=(".time-public .date", "span.date", "time"),
    author=_AUTHOR,
    tags=_TAGS,
    images=_PHOTO_IMAGES,
    image_caption=_PHOTO_CAPTION,
    image_credit=_PHOTO_CREDIT,
    end_markers=(".news-tags",),
)

#: Tried in this order: AMP first (its body classes repeat the desktop ones), then the
#: newest desktop family, then the two js-mediator-article generations.
LAYOUTS: tuple[Layout, ...] = (AMP, MAIN_ARTICLE, CLASSIC, CURRENT)

#: Meta/OpenGraph chains used when a layout's own chain yields nothing (recorded as a fallback),
#: and the whole row of a page no layout matches (the generic extraction).
FALLBACK = Layout(
    name="generic",
    seen="every generation",
    detect=(),
    title=(meta("og:title"), meta("twitter:title"), "h1"),  # §3.3; rt-english twitter:*
    summary=(meta("description"), meta("og:description"), meta("twitter:description")),  # §3.3
    # schema.org microdata; rt-english .article__text (§3.4 advice: the body fallback chain)
    body=("[itemprop=articleBody]", ".article__text"),
    section_links=_SECTION_LINKS,
    published=_PUBLISHED_META,
    modified=_MODIFIED_META,
    date_text=("span.date", "article time", "main time"),
    author=(*_AUTHOR, meta("article:author"), meta("author")),  # rt-english article:author
    # Structure: the last element of the article (or of the page's <main>) whose links all go to tag
    # pages and that has no text of its own, or the last such list (the tags block follows the body,
    # S1 §3.1).
    tags=(*_TAGS, "(//article//*[a[contains(@href, '/tags/')] and not(a[not(contains(@href, '/tags/'))])"
                  " and not(text()[normalize-space()])])[last()]/a[@href]",
          "((//article | //main)//*[self::ul or self::ol][li/a[contains(@href, '/tags/')]"
          " and not(.//a[not(contains(@href, '/tags/'))])])[last()]/li/a[@href]"),
    images=(meta("og:image"), meta("twitter:image"), *_PHOTO_IMAGES),
    # Structure: the article's first <figure>, its caption text and a credit element after it.
    image_caption=(*_PHOTO_CAPTION, "(//article//figure)[1]/figcaption/text()"),
    image_credit=(*_PHOTO_CREDIT, "(//article//figure)[1]/figcaption/*[last()]"),
)

#: The ``<title>`` element, whose text ends with this suffix on every page (S7 §3.3).
DOCUMENT_TITLE = "/html/head/title"
TITLE_SUFFIXES = (" - RT Arabic", " | RT Arabic", " - آر تي عربي")

#: Links that name the page's canonical address, tried in this order (rt-english §2.1, §3.3).
CANONICAL_LINKS = ("/html/head/link[@rel='canonical']/@href", meta("og:url"),
                   "/html/head/link[@rel='amphtml']/@href")
CANONICAL = CANONICAL_LINKS[0]

JSON_LD = "//script[@type='application/ld+json']/text()"  # rt-english §3.3
OG_TYPE = meta("og:type")
#: Any OpenGraph tag (S1, S7 §3.3; rt-english), and the cover it names.
OPEN_GRAPH = "/html/head/meta[starts-with(@property, 'og:') or starts-with(@name, 'og:')]"
OG_IMAGE = (meta("og:image"),)

# -- the body container: what is article text and what is furniture -------------------------------

#: Elements that hold one paragraph of article text each (their whole text, inner ``<br>`` as a
#: space): paragraphs, subheads, list items, quotations, table rows. One that holds blocks of its
#: own (a quotation of several paragraphs) is a wrapper instead; a table row never is.
TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "tr"})
#: Table cells: their texts are the row's paragraph, a space apart.
CELLS = frozenset({"td", "th"})
#: Block-level elements (HTML's flow content that starts a new line). Any other element (a, span, b,
#: big, font, o:p, an emoji <img>...) is inline: its text belongs to the paragraph around it, unless it
#: holds blocks of its own. A block that is no text block is a wrapper whose own text (bare text in a
#: <div>) makes paragraphs of its own.
BLOCKS = TEXT_BLOCKS | CELLS | frozenset({
    "address", "article", "aside", "body", "caption", "center", "details", "dialog", "dir", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "header", "hgroup", "hr", "html", "main", "menu",
    "nav", "ol", "section", "summary", "table", "tbody", "tfoot", "thead", "ul",
})
#: Elements that are never article text, whatever their class.
FURNITURE_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "video", "audio",
    "picture", "img", "button", "form", "input", "select", "textarea", "nav", "aside", "header", "footer",
    "amp-iframe", "amp-img", "amp-video", "amp-ad", "amp-social-share", "amp-twitter", "amp-instagram",
    "amp-youtube",
})
#: A <figure> holding one of these, or a wrapper holding one (not inside a line of text, as an emoji
#: is) and at most ``PICTURE_TEXT_MAX`` characters of text and no paragraph, is a picture or a video with
#: its caption and credit whatever its classes (structure: S1 §3.1 "In-body images" shows picture,
#: caption, credit together; a <figure> without media, a quotation or a table, is text).
MEDIA_TAGS = ("img", "picture", "video", "iframe", "amp-img", "amp-video", "amp-iframe", "amp-youtube")
PICTURE_TEXT_MAX = 200
#: Links that end the <blockquote> of a social post's embed code: the tweet's date linking to the
#: status, the Facebook post (S1 §3.2 "Social": tweet embeds; Facebook's embed code is alike). A
#: quotation that merely cites a post (a link inside its sentence) is text.
EMBED_POST_LINK = r"^https?://(?:(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status/|(?:www\.)?facebook\.com/)"

#: Class names of furniture elements inside the body container.
FURNITURE_CLASSES = frozenset({
    "intro",  # the lead: the summary, not body (S1, S2 §3.1)
    "photo", "caption", "copyright",  # in-body pictures with caption and credit (S1 §3.1 "In-body images")
    "read-more", "read-more-big", "read-more-text-only", "crosslinks__link",  # read-more cards (S1 §3.2)
    "rtcode", "AllEmbed",  # social and generic embeds (S1 §3.2 "Social")
    "video-iframe", "cover_video", "media__youtube-frame",  # video (S1 §3.2 "Video")
    "twitter-tweet", "instagram-media", "tiktok-embed",  # embed blockquotes (S1 §3.2 "Social")
    "news-tags",  # the tags block (S1 §3.1)
})
#: Class-name prefixes of furniture: the embedded read-more card's parts (S1 §3.2; rt-english).
FURNITURE_CLASS_PREFIXES = ("read-more__",)

#: Links of the stories/trends strips: their texts are story names, not article text
#: (§2.3 trend and story URLs; §4 "Stories" strip; rt-english tags-trends).
STORY_LINKS = ("//a[@href][contains(@href, '/trend') or contains(@href, '/stories/') or contains(@href, '/story/')"
               " or ancestor::*[contains(@class, 'stories') or contains(@class, 'trends')]]")

#: Every link on the page, for headlines and listings.
ALL_LINKS = "//a[@href]"

#: Title elements inside recommendation and story cards, in priority order: their text is the
#: other article's headline without the card's label ("إقرأ المزيد", "RT STORIES") or a duplicate
#: rendering of the same name. S1 §3.2 (read-more__title, read-more-big__title, read-more__footer),
#: §2.4 and §5 (a.heading, list-news_text). Cards without any of these (story cards, whose classes
#: nobody has seen) are read by the text rules instead (``extract._card_headline``).
CARD_TITLES = (
    ".//*[contains(@class, '__title')]",
    ".//*[contains(@class, '__footer')]",
    ".//*[contains(@class, 'heading') or contains(@class, 'list-news_text')]",
)

#: Anti-bot interstitial (DDoS-Guard's JavaScript check) markers (§2.8; S13).
INTERSTITIAL = (
    "boolean(//title[contains(., 'DDoS-Guard') or contains(., 'DDOS-GUARD') or contains(., 'Checking your browser')"
    " or contains(., 'DDoS protection')]"
    " or //script[contains(@src, 'ddos-guard') or contains(@src, 'ddos_guard')]"
    " or //*[contains(@id, 'ddg-') or contains(@class, 'ddg-') or contains(@id, 'ddos-guard')])"
)

#: "Load more" controls of section/tag pages, tried in this order: a <button> (S6 §5: a "load more"
#: <button> under the list), any element with a data attribute, then a link, whose attribute holds a
#: ``/listing/`` URL (§2.4 the listing grammar). Which attribute holds it is not evidenced: the first
#: one whose value is a listing URL is taken.
LOAD_MORE = (
    "//button[@*[contains(., '/listing/')]]",
    "//*[@*[starts-with(name(), 'data-')][contains(., '/listing/')]]",
    "//*[@href[contains(., '/listing/')]]",
)
#: The listing URL anywhere in the page's HTML or scripts or inside an attribute's value (a JavaScript
#: call, a JSON option), as the RT CMS embeds it (§2.4; S5 writes the page as ``${page}``).
LISTING_URL_IN_PAGE = r"(?:https?://[^\s\"'<>`()]+)?/listing/[^\s\"'<>`(),;]+"
