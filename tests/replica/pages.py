"""HTML and XML renderers of the replica: article pages per template, listings, feeds.

Markup follows the evidence in the project's site notes (shared/rt-site, cited by section): where
they name a class, it is used; where they are silent, the class comes from ``site.classes`` (drawn
per seed, see ``classes.py``), so that no crawler can depend on it.

Article templates (``Site(template=...)``, ``Entry.layout``):

- ``classic`` (2019-22, S2/S3/S4): ``div.article h1.heading``, ``div.time-public`` (section link +
  ``span.date``, the only date on the page), body ``div.text.js-text.js-mediator-article`` starting
  with ``p.intro``; tags ``div.news-tags.news-tags_article a``. No date metas, no JSON-LD.
- ``current`` (2023-26, S1 and the samples): ``publish-date``/``published_time_telegram``/
  ``category``/``mediator_author`` metas, OpenGraph, NewsArticle JSON-LD; the h1 has a drawn class;
  same body container with ``p.intro``; ``.news-tags a``; no visible date (the samples show none).
- ``main_article`` (the unverified BEM family of §3.4): ``.main-article__intro-text``,
  ``figure.main-figure``, ``div.main-article__editor-content.editor-content``,
  ``ul.main-article__tags li.tags__item a``; other wrappers drawn; OpenGraph and JSON-LD.
- ``amp``: every article at ``<article url>amp``: ``<html amp>``, ``amp-img``, canonical link back.
- ``drift``: an unknown redesign: the ``current`` head (metas, JSON-LD) and a body in drawn classes.

Bodies are as messy as real ones (``Site._text_blocks``/``_body_furniture``): wrapper divs,
subheads, lists, quotations, ``<br>``, empty paragraphs, read-more cards of every evidenced kind,
"اقرأ أيضا:" lines, in-body photos, rtcode/tweet/YouTube embeds, ad slots, links inside sentences.

Visible order (``samples/article-page-visible-text.txt``): header (مباشر, أين يمكنك متابعتنا, أقسام مهمة,
the Stories strip and its counter), title, lead, caption and credit, body, source line, comments
heading, poll, headlines of other articles; variants "A-prime" (p03) and "stories-top" (p02).

"Load more": section, tag and home pages carry the listing URL (``/listing/.../{page}``) on a
``<button>`` whose class and data attribute are drawn (S6 saw a button; its markup is unknown).
"""

import json
from html import escape

from . import generator as G
from .dates import iso_moscow, iso_utc, publish_date_meta, rfc822, tweet_date, visible_date
from .generator import SECTIONS, TAG_NAMES, Article, Site

LISTING_LIMIT = 10
SHORT_HOST = "https://ar.rt.com"
MIRRORS = ("https://rtarabic.com", "https://arabic.rt.com")
NAV_SECTIONS = ["world", "middle_east", "russia", "business", "sport", "technology", "health", "society", "press"]
#: The cover picture's lazy-loading placeholder.
_PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def e(value) -> str:
    """Escape for text and attribute values."""
    return escape(str(value), quote=True)


def document(title: str, head: str, body: str, *, charset: str = "utf-8", amp: bool = False) -> str:
    html_open = '<html amp lang="ar" dir="rtl">' if amp else '<html lang="ar" dir="rtl">'
    return (f'<!DOCTYPE html>\n{html_open}\n<head>\n<meta charset="{charset}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}</title>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n")


# -- boilerplate ---------------------------------------------------------------------------------

def _href_variant(site: Site, article_id: int, salt: int) -> str:
    """Links to other articles: mostly relative, some absolute on a mirror host, some with utm_*."""
    path = site.path(article_id)
    kind = (article_id + salt) % 7
    if kind == 0:
        return MIRRORS[0] + path
    if kind == 1:
        return MIRRORS[1] + path + "?utm_source=sidebar&utm_medium=web"
    if kind == 2:
        return path + "?utm_source=stories"
    return path


def header(site: Site, furniture: G.Furniture | None) -> str:
    """The header of template A (§4): live link, follow-us and sections menus, then the Stories strip
    (its counter, the first three story names once, then every name twice: a label and a title)."""
    c = site.classes
    menu = "".join(f'<a class="{c("menu-link")}" href="/{s}/">{e(SECTIONS[s])}</a>' for s in NAV_SECTIONS)
    parts = [
        f'<header class="{c("header")}">',
        f'<div class="{c("header-top")}"><a class="{c("live")}" href="/live/">مباشر</a>',
        f'<div class="{c("follow")}"><span>أين يمكنك متابعتنا</span>'
        '<a href="https://t.me/rtarabictelegram"></a> <a href="https://twitter.com/RTarabic"></a></div>',
        f'<nav class="{c("menu")}"><span>أقسام مهمة</span><div class="{c("menu-drop")}" hidden>{menu}</div></nav></div>',
    ]
    if furniture:
        trend = site.trend_ids()
        items = [f'<li class="{c("strip-tab")}"><a href="/tags/{slug}/">{e(name)}</a></li>'
                 for name, slug in furniture.stories[:3]]
        items += [f'<li class="{c("strip-item")}" data-{c("strip-attr")}="/listing/trend.{trend[name]}/noprepare/trend/10/0">'
                  f'<a href="/tags/{slug}/"><span class="{c("strip-label")}">{e(name)}</span>'
                  f'<span class="{c("strip-name")}">{e(name)}</span></a></li>' for name, slug in furniture.stories]
        headline = site.title(furniture.story_headline)
        items.append(f'<li class="{c("strip-item")}"><a href="{e(_href_variant(site, furniture.story_headline, 3))}">'
                     f'<span class="{c("strip-label")}">{e(headline)}</span>'
                     f'<span class="{c("strip-name")}">{e(headline)}</span></a></li>')
        parts.append(f'<div class="{c("strip")}"><div class="{c("strip-head")}">Stories</div>'
                     f'<span class="{c("strip-count")}">{furniture.story_count} خبر</span>'
                     f'<ul>{"".join(items)}</ul></div>')
    parts.append("</header>")
    return "\n".join(parts)


def rt_stories(site: Site, furniture: G.Furniture) -> str:
    """The RT STORIES carousel of template B (p02, p04, p08, p14): story name, then cards of a
    headline and the "#اسأل_أكثر #Question_More" footer."""
    c = site.classes
    groups = []
    for name, ids in furniture.rt_stories:
        cards = "".join(
            f'<a class="{c("rts-card")}" href="{e(_href_variant(site, i, 5))}"><span class="{c("rts-label")}">'
            f'RT STORIES</span><span class="{c("rts-headline")}">{e(site.title(i))}</span>'
            f'<span class="{c("rts-tags")}">#اسأل_أكثر #Question_More</span></a>' for i in ids)
        groups.append(f'<div class="{c("rts-group")}"><div class="{c("rts-name")}">{e(name)}</div>{cards}</div>')
    return f'<section class="{c("rts")}"><div class="{c("rts-head")}">Stories</div>{"".join(groups)}</section>'


def headline_list(site: Site, ids: list[int], role: str, title: str | None, salt: int) -> str:
    c = site.classes
    items = "".join(f'<li class="{c(role + "-item")}"><a class="{c(role + "-link")}" '
                    f'href="{e(_href_variant(site, i, salt))}">{e(site.title(i))}</a></li>' for i in ids)
    heading = f'<h3 class="{c(role + "-head")}">{e(title)}</h3>' if title else ""
    return f'<section class="{c(role)}">{heading}<ul>{items}</ul></section>'


def footer(site: Site) -> str:
    c = site.classes
    sections = "".join(f'<a href="/{s}/">{e(label)}</a> ' for s, label in SECTIONS.items())
    return (f'<footer class="{c("footer")}"><nav hidden>{sections}</nav>'
            '<nav hidden><a href="/live/">مباشر</a> <a href="/prg/">البرامج</a> '
            '<a href="/video/">فيديو</a> <a href="/photolines/">صور</a> <a href="/rss/">RSS</a></nav>'
            '</footer>\n' + cookie_banner(site))


def cookie_banner(site: Site) -> str:
    """The cookie notice (p06, p09); hidden on desktop pages once accepted, so not in the visible text."""
    return (f'<div class="{site.classes("cookie")}" hidden>هذا الموقع يستخدم ملفات تعريف الارتباط .بامكانك قراءة '
            'شروط الاستخدام لتفعيل هذه الخاصية <a href="/about/cookies/">اضغط هنا</a></div>')


def short_link(site: Site, code: str) -> str:
    """The copy-short-link widget of p03: "انسخ الرابط" then the ar.rt.com link."""
    url = f"{SHORT_HOST}/{code}"
    c = site.classes
    return (f'<div class="{c("short")}"><span>انسخ الرابط</span>'
            f'<a class="{c("short-url")}" href="{url}">{url}</a></div>')


# -- article pieces ------------------------------------------------------------------------------

def _paragraph_html(site: Site, para: G.Paragraph) -> str:
    html = para.html
    if para.br == "inner":
        cut = html.find(". ")
        html = html[:cut + 1] + "<br>" + html[cut + 2:] if cut > 0 else html
    elif para.br == "trailing":
        html += "<br>"
    inner = html if para.bare else f"<p>{html}</p>"
    for depth in range(para.wrap):
        inner = f'<div class="{site.classes(f"wrap{depth}")}">{inner}</div>'
    return inner


#: The read-more card's picture as RT English renders it (a <picture> with a <noscript> copy).
_CARD_COVER = '<picture><noscript><img src="https://cdni.rt.com/media/pics/read-more.jpg" alt=""></noscript></picture>'


def _block_html(site: Site, art: Article, kind: str, payload) -> str:
    c = site.classes
    if kind == "p":
        return _paragraph_html(site, payload)
    if kind == "subhead":
        level, text = payload
        return f"<h{level}>{e(text)}</h{level}>"
    if kind == "list":
        ordered, items = payload
        tag = "ol" if ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{e(item)}</li>" for item in items) + f"</{tag}>"
    if kind == "quote":
        return f"<blockquote><p>{e(payload)}</p></blockquote>"
    if kind == "read_more":  # RT English 2022 fixture: label in __title, headline in __footer
        return (f'<div class="read-more large" data-has-alias><a class="read-more__link" href="{e(site.path(payload))}" '
                f'target="_blank">{_CARD_COVER}<div class="read-more__text"><div class="read-more__title">'
                f'{G.READ_MORE_LABEL}</div><span class="read-more__footer">{e(site.title(payload))}</span></div></a></div>')
    if kind == "read_more_big":  # S1: a.read-more-big, .read-more-big__title, .read-more-big__cover@style
        return (f'<a class="read-more-big" href="{e(site.path(payload))}"><div class="read-more-big__cover" '
                f'style="background-image: url(https://cdni.rt.com/media/pics/read-more-big.jpg)"></div>'
                f'<div class="read-more-big__title">{e(site.title(payload))}</div></a>')
    if kind == "read_more_text":  # S1: .read-more-text-only a
        return (f'<div class="read-more-text-only"><span>{G.READ_MORE_LABEL}:</span> '
                f'<a href="{e(site.path(payload))}">{e(site.title(payload))}</a></div>')
    if kind == "also":
        return f'<p><strong>{G.ALSO_LABEL}</strong> <a href="{e(site.path(payload))}">{e(site.title(payload))}</a></p>'
    if kind == "crosslink":  # S1: .crosslinks__link
        return f'<p><a class="crosslinks__link" href="{e(site.path(payload))}">{e(site.title(payload))}</a></p>'
    if kind == "photo":  # S1: in-body .photo noscript img, span.caption, div.copyright
        credit = f'<div class="copyright">{e(payload["credit"])}</div>' if payload["credit"] else ""
        return (f'<div class="photo"><img class="lazyload" data-src="{e(payload["url"])}" src="{_PIXEL}" alt="">'
                f'<noscript><img src="{e(payload["url"])}" alt=""></noscript>'
                f'<span class="caption">{e(payload["caption"])}</span>{credit}</div>')
    if kind == "rtcode":  # S1: div.rtcode > script[data-telegram-post]
        return (f'<div class="rtcode"><script async src="https://telegram.org/js/telegram-widget.js?22" '
                f'data-telegram-post="{e(payload)}" data-width="100%"></script></div>')
    if kind == "tweet":  # S1: .twitter-tweet, its last child the status link
        when = tweet_date(art.entry.published)
        return (f'<div class="rtcode"><blockquote class="twitter-tweet"><p lang="ar" dir="rtl">{e(payload)}</p>'
                f'&mdash; RT Arabic (@RTarabic) <a href="https://twitter.com/RTarabic/status/{art.id}77">{when}</a>'
                '</blockquote><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script></div>')
    if kind == "video":  # S1: .video-iframe iframe@src; the label before it is not evidenced
        url, labelled = payload
        label = f"<p><strong>{G.VIDEO_LABEL}</strong></p>" if labelled else ""
        return f'{label}<div class="video-iframe"><iframe src="{e(url)}" allowfullscreen></iframe></div>'
    if kind == "ad":
        return (f'<div class="{c("ad-slot")}" id="{c("ad-slot")}-{payload}"><span class="{c("ad-label")}">'
                f'{G.AD_LABEL}</span><script>(window.{c("ad-queue").replace("-", "_")} = window.'
                f'{c("ad-queue").replace("-", "_")} || []).push({{slot: {payload}}});</script></div>')
    if kind == "empty":
        return f"<p>{payload}</p>"
    raise ValueError(f"unknown block kind {kind!r}")


def _blocks_html(site: Site, art: Article) -> list[str]:
    return [_block_html(site, art, kind, payload) for kind, payload in art.blocks]


def _source_html(art: Article) -> str:
    return f"<p>{art.source_html}</p>" if art.source_html else ""


def _photo(site: Site, art: Article, amp: bool = False) -> str:
    """The cover picture (S1: ``.photo img@data-src``, ``.photo .caption``, ``.photo .copyright``)."""
    if not art.image:
        return ""
    img = art.image
    credit = f'<div class="copyright">{e(img["credit"])}</div>' if img["credit"] else ""
    if amp:
        return (f'<figure class="photo"><amp-img src="{e(img["url"])}" width="1200" height="675" layout="responsive" '
                f'alt="{e(art.title)}"></amp-img><figcaption><span class="caption">{e(img["caption"])}</span>'
                f"{credit}</figcaption></figure>")
    return (f'<div class="photo"><img class="lazyload" data-src="{e(img["url"])}" src="{_PIXEL}" alt="{e(art.title)}">'
            f'<noscript><img src="{e(img["url"])}" alt="{e(art.title)}"></noscript>'
            f'<span class="caption">{e(img["caption"])}</span>{credit}</div>')


def _tags(art: Article, css: str) -> str:
    links = "".join(f'<a href="/tags/{slug}/">{e(TAG_NAMES[slug])}</a>' for slug in art.entry.tags)
    return f'<div class="{css}">{links}</div>'


def _visible_date(art: Article) -> str:
    return visible_date(art.entry.published)


def _json_ld(site: Site, art: Article, truth_modified: str | None) -> str:
    """NewsArticle and BreadcrumbList as on RT English (§3.3; unverified for Arabic)."""
    canonical = site.url(art.id)
    article = {
        "@context": "http://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "headline": art.title,
        "description": art.lead,
        "datePublished": iso_utc(art.entry.published),
        "publisher": {"@type": "Organization", "name": "RT Arabic",
                      "logo": {"@type": "ImageObject", "url": "https://arabic.rt.com/static/img/logo.png"}},
    }
    if truth_modified:
        article["dateModified"] = truth_modified
    if art.image:
        article["image"] = [{"@type": "ImageObject", "url": art.image["url"], "width": 1200, "height": 675}]
    if art.author:
        article["author"] = {"@type": "Person", "name": art.author}
    crumbs = {"@context": "http://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": "RT Arabic", "item": site.base_url + "/"},
        {"@type": "ListItem", "position": 2, "name": SECTIONS[art.entry.section],
         "item": f"{site.base_url}/{art.entry.section}/"},
        {"@type": "ListItem", "position": 3, "name": art.title, "item": canonical}]}
    return "\n".join(f'<script type="application/ld+json">{json.dumps(block, ensure_ascii=False, indent=1)}</script>'
                     for block in (crumbs, article))


def _head(site: Site, art: Article, *, metas: bool, json_ld: bool, modified: str | None) -> str:
    canonical = site.url(art.id)
    amp_url = site.base_url + site.amp_path(art.id)
    lines = [f'<link rel="canonical" href="{e(canonical)}">', f'<link rel="amphtml" href="{e(amp_url)}">',
             f'<meta name="description" content="{e(art.lead)}">',
             '<meta property="og:site_name" content="RT Arabic">', '<meta property="og:type" content="article">',
             f'<meta property="og:title" content="{e(art.title)}">', f'<meta property="og:url" content="{e(canonical)}">',
             f'<meta property="og:description" content="{e(art.lead)}">']
    if art.image:
        lines.append(f'<meta property="og:image" content="{e(art.image["url"])}">')
    if metas:
        lines += [f'<meta name="publish-date" content="{publish_date_meta(art.entry.published)}">',
                  f'<meta name="published_time_telegram" content="{iso_utc(art.entry.published)}">',
                  f'<meta name="category" content="{art.entry.section}">',
                  f'<meta name="mediator_author" content="{e(art.author or "")}">']
    if json_ld:
        lines.append(_json_ld(site, art, modified))
    return "\n".join(lines)


def _page_shell(site: Site, art: Article, main: str) -> str:
    """Header, the article, then (§4, the complete sample) comments heading, poll and the headlines
    of other articles; the RT STORIES carousel first on "stories-top" pages (p02)."""
    furniture = site.furniture(art.id)
    c = site.classes
    top = rt_stories(site, furniture) if art.variant == "stories-top" else ""
    bottom = "" if top else rt_stories(site, furniture)
    return "\n".join([
        top,
        header(site, furniture),
        f'<div class="{c("layout")}"><main class="{c("layout-main")}">',
        main,
        f'<section class="{c("comments")}"><h3 class="{c("comments-head")}">التعليقات</h3>'
        f'<div class="{c("comments-widget")}"></div></section>',
        f'<div class="{c("poll")}"><a class="{c("poll-link")}" href="/polls/">اختر "{e(furniture.poll)}"!</a></div>',
        headline_list(site, furniture.bottom, "bottom-list", None, 1),
        '</main>',
        f'<aside class="{c("sidebar")}">',
        headline_list(site, furniture.sidebar, "sidebar-list", None, 2),
        f'<div class="{c("follow-us")}" hidden>تابعوا RT على <a href="https://t.me/rtarabictelegram">Telegram</a></div>',
        # Template A pages (the complete sample) show no carousel: it stays in the DOM, hidden.
        f"<div hidden>{bottom}</div>" if bottom else "",
        "</aside></div>",
        footer(site),
    ])


# -- article pages -------------------------------------------------------------------------------

def article_page(site: Site, article_id: int, *, amp: bool = False, drift: bool = False,
                 charset: str = "utf-8") -> str:
    """The HTML of an article in its template (or AMP, or the unknown redesign)."""
    art = site.article(article_id)
    modified = site.truth_modified(article_id)
    title = f"{art.title} - RT Arabic"
    if amp:
        return _amp_page(site, art, modified, title)
    layout = "drift" if drift else art.entry.layout
    if layout == "classic":
        head, main = _head(site, art, metas=False, json_ld=False, modified=None), _classic_main(site, art)
    elif layout == "current":
        head, main = _head(site, art, metas=True, json_ld=True, modified=modified), _current_main(site, art)
    elif layout == "drift":
        head, main = _head(site, art, metas=True, json_ld=True, modified=modified), _drift_main(site, art)
    else:
        head, main = _head(site, art, metas=False, json_ld=True, modified=modified), _main_article_main(site, art)
    return document(title, head, _page_shell(site, art, main), charset=charset)


def _a_prime(site: Site, art: Article, title_html: str) -> list[str]:
    """p03's head: title, section label, title again, a tag label and the short link, before the lead."""
    c = site.classes
    section = art.entry.section
    first_tag = art.entry.tags[0]
    return [title_html,
            f'<div class="time-public"><a href="/{section}/">{e(SECTIONS[section])}</a></div>',
            f'<div class="{c("title-again")}">{e(art.title)}</div>',
            f'<a class="{c("trend-label")}" href="/tags/{first_tag}/">{e(TAG_NAMES[first_tag])}</a>',
            short_link(site, art.entry.code)]


def _classic_main(site: Site, art: Article) -> str:
    section = art.entry.section
    return "\n".join([
        '<div class="article">',
        f'<h1 class="heading">{e(art.title)}</h1>',
        f'<div class="time-public"><a href="/{section}/">{e(SECTIONS[section])}</a> '
        f'<span class="date">{e(_visible_date(art))}</span></div>',
        '<div class="text js-text js-mediator-article">',
        f'<p class="intro">{e(art.lead)}</p>',
        _photo(site, art),
        *_blocks_html(site, art),
        _source_html(art),
        "</div>",
        _tags(art, "news-tags news-tags_article"),
        "</div>",
    ])


def _current_main(site: Site, art: Article) -> str:
    c = site.classes
    title_html = f'<h1 class="{c("current-title")}">{e(art.title)}</h1>'
    head = _a_prime(site, art, title_html) if art.variant == "A-prime" else [title_html]
    return "\n".join([
        f'<article class="{c("current-article")}">',
        *head,
        '<div class="text js-text js-mediator-article">',
        f'<p class="intro">{e(art.lead)}</p>',
        _photo(site, art),
        *_blocks_html(site, art),
        _source_html(art),
        "</div>",
        _tags(art, "news-tags"),
        "</article>",
    ])


def _main_article_main(site: Site, art: Article) -> str:
    """§3.4 (LOW): the classes that family names are used; its other parts are drawn."""
    c = site.classes
    section = art.entry.section
    figure = ""
    if art.image:
        img = art.image
        credit = f'<span class="{c("figure-credit")}">{e(img["credit"])}</span>' if img["credit"] else ""
        figure = (f'<figure class="main-figure"><img src="{e(img["url"])}" alt="{e(art.title)}"><figcaption>'
                  f'<span class="{c("figure-caption")}">{e(img["caption"])}</span>{credit}</figcaption></figure>')
    tags = "".join(f'<li class="tags__item"><a href="/tags/{slug}/">{e(TAG_NAMES[slug])}</a></li>'
                   for slug in art.entry.tags)
    title_html = f'<h1 class="main-article__title">{e(art.title)}</h1>'
    head = _a_prime(site, art, title_html) if art.variant == "A-prime" else [
        title_html, f'<a class="{c("bem-section")}" href="/{section}/" hidden>{e(SECTIONS[section])}</a>']
    return "\n".join([
        '<article class="main-article">',
        *head,
        f'<div class="main-article__intro-text">{e(art.lead)}</div>',
        figure,
        '<div class="main-article__editor-content editor-content">',
        *_blocks_html(site, art),
        _source_html(art),
        "</div>",
        f'<ul class="main-article__tags">{tags}</ul>',
        "</article>",
    ])


def _drift_main(site: Site, art: Article) -> str:
    """A redesign nobody has seen: every class drawn, no js-mediator-article, no p.intro."""
    c = site.classes
    figure = ""
    if art.image:
        img = art.image
        credit = f'<small class="{c("d-credit")}">{e(img["credit"])}</small>' if img["credit"] else ""
        figure = (f'<figure class="{c("d-figure")}"><img src="{e(img["url"])}" alt="{e(art.title)}">'
                  f'<figcaption>{e(img["caption"])} {credit}</figcaption></figure>')
    return "\n".join([
        f'<article class="{c("d-article")}">',
        f'<h1 class="{c("d-title")}">{e(art.title)}</h1>',
        f'<div class="{c("d-lead")}">{e(art.lead)}</div>',
        figure,
        f'<div class="{c("d-body")}">',
        *_blocks_html(site, art),
        _source_html(art),
        "</div>",
        f'<div class="{c("d-tags")}">' + "".join(
            f'<a href="/tags/{slug}/">{e(TAG_NAMES[slug])}</a>' for slug in art.entry.tags) + "</div>",
        "</article>",
    ])


def _amp_page(site: Site, art: Article, modified: str | None, title: str) -> str:
    canonical = site.url(art.id)
    head = "\n".join([
        f'<link rel="canonical" href="{e(canonical)}">',
        f'<meta name="description" content="{e(art.lead)}">',
        '<script async src="https://cdn.ampproject.org/v0.js"></script>',
        '<style amp-boilerplate>body{visibility:hidden}</style>',
        _json_ld(site, art, modified),
    ])
    section = art.entry.section
    blocks = [b.replace("<iframe", "<amp-iframe").replace("</iframe>", "</amp-iframe>")
              for b in _blocks_html(site, art)]
    c = site.classes
    body = "\n".join([
        f'<header class="{c("amp-header")}"><a href="/live/">مباشر</a> <a href="/">RT Arabic</a></header>',
        '<article class="article">',
        f'<h1 class="heading">{e(art.title)}</h1>',
        f'<div class="time-public"><a href="/{section}/">{e(SECTIONS[section])}</a> '
        f'<span class="date">{e(_visible_date(art))}</span></div>',
        '<div class="text js-text js-mediator-article">',
        f'<p class="intro">{e(art.lead)}</p>',
        _photo(site, art, amp=True),
        *blocks,
        _source_html(art),
        "</div>",
        _tags(art, "news-tags"),
        "</article>",
        f'<div class="{c("amp-follow")}">تابعوا RT على <a href="https://t.me/rtarabictelegram">Telegram</a></div>',
        cookie_banner(site).replace(" hidden>", ">", 1),
    ])
    return document(title, head, body, amp=True)


# -- listings ------------------------------------------------------------------------------------

def listing_items(site: Site, ids: list[int], section: str | None = None) -> str:
    """``li`` cards with ``a.heading`` links (S2, S5: relative hrefs) inside ``div.list-news_text`` (S6),
    as on landing pages and in the "load more" fragments; the other classes are drawn."""
    c = site.classes
    cards = []
    for i in ids:
        entry = site.entries[i]
        link_section = section if section in (entry.section, entry.also_section) else None
        path = site.path(i, link_section)
        cards.append(
            f'<li class="{c("card")}"><a class="{c("card-cover")}" href="{e(path)}">'
            f'<img class="lazyload" data-src="https://cdni.rt.com/media/pics/thumb/{i}.jpg" alt=""></a>'
            f'<div class="list-news_text"><a class="heading" href="{e(path)}">{e(site.title(i))}</a>'
            f'<div class="{c("card-summary")}">{e(site.lead(i))}</div></div></li>')
    return "\n".join(cards)


def listing_block(site: Site, ids: list[int], listing_filter: str, template: str, section: str | None = None) -> str:
    """The first cards and the "load more" button carrying the listing URL (S6 saw a button; the
    attribute that holds the URL is unknown, so its name is drawn like the classes)."""
    c = site.classes
    url = f"/listing/{listing_filter}/noprepare/{template}/{LISTING_LIMIT}/"
    return (f'<div class="{c("listing")}"><ul class="{c("listing-list")} js-listing__list">\n'
            f'{listing_items(site, ids, section)}\n</ul>'
            f'<button class="{c("more")}" data-{c("more-attr")}="{url}{{page}}" data-{c("more-page")}="1">'
            "المزيد</button></div>")


def section_page(site: Site, section: str) -> str:
    ids = site.listing(site.by_section[section], 0, LISTING_LIMIT)
    body = "\n".join([header(site, None), f'<h1 class="{site.classes("section-title")}">{e(SECTIONS[section])}</h1>',
                      listing_block(site, ids, f"type.News.category.{section}", "all-news", section),
                      _multimedia(site, 2), footer(site)])
    return document(f"{SECTIONS[section]} - RT Arabic", f'<link rel="canonical" href="{site.base_url}/{section}/">'
                    f'\n<link rel="alternate" type="application/rss+xml" href="/rss/{section}/">', body)


def tag_page(site: Site, slug: str) -> str:
    ids = site.listing(site.by_tag[slug], 0, LISTING_LIMIT)
    body = "\n".join([header(site, None), f'<h1 class="{site.classes("tag-title")}">{e(TAG_NAMES[slug])}</h1>',
                      listing_block(site, ids, f"tag.{slug}", "tag"), footer(site)])
    return document(f"{TAG_NAMES[slug]} - RT Arabic", f'<link rel="canonical" href="{site.base_url}/tags/{slug}/">',
                    body)


def home_page(site: Site) -> str:
    c = site.classes
    blocks = [header(site, None), f'<h1 class="{c("hidden-title")}" hidden>RT Arabic</h1>',
              listing_block(site, site.newest(LISTING_LIMIT), "type.News", "all-news")]
    for section, label in SECTIONS.items():
        ids = site.newest(3, section)
        if ids:
            links = "".join(f'<li><a class="heading" href="{e(site.path(i))}">{e(site.title(i))}</a></li>' for i in ids)
            blocks.append(f'<section class="{c("home-section")}"><h2><a href="/{section}/">{e(label)}</a></h2>'
                          f"<ul>{links}</ul></section>")
    blocks += [_multimedia(site, 4), footer(site)]
    return document("RT Arabic", f'<link rel="canonical" href="{site.base_url}/">', "\n".join(blocks))


def _multimedia(site: Site, per_kind: int) -> str:
    """Links to programme episodes, videos, galleries and the live page (non-article pages)."""
    items = ['<li><a href="/live/">مباشر</a></li>']
    for kind in ("prg", "video", "photolines"):
        others = sorted((o for o in site.others.values() if o.kind == kind), key=lambda o: -o.id)[:per_kind]
        items += [f'<li><a href="{e(o.path)}">{e(o.title)}</a></li>' for o in others]
    return f'<section class="{site.classes("multimedia")}"><h2>فيديو وبرامج</h2><ul>{"".join(items)}</ul></section>'


def other_page(site: Site, other: G.Other, amp: bool = False) -> str:
    """A programme episode, video page or photo gallery (not an article)."""
    canonical = site.base_url + other.path
    head = (f'<link rel="canonical" href="{e(canonical)}">\n<meta property="og:title" content="{e(other.title)}">'
            f'\n<meta name="description" content="{e(other.title)}">')
    if other.kind == "prg":
        c = site.classes
        content = (f'<div class="{c("prg")}"><h1>{e(other.title)}</h1>'
                   f'<div class="{c("prg-follow")}">تابعوا RT على <a href="https://t.me/rtarabictelegram">Telegram</a>'
                   f'</div><div class="{c("prg-text")}"><p>{e(other.title)}؟</p></div>'
                   '<audio controls src="/static/audio/episode.mp3">Your browser does not support audio tag.</audio></div>')
    elif other.kind == "video":
        content = (f'<div class="{site.classes("video-page")}"><h1>{e(other.title)}</h1><div class="video-iframe">'
                   f'<iframe src="https://www.youtube.com/embed/v{other.id}"></iframe></div></div>')
    else:
        figures = "".join(f'<figure><img src="https://cdni.rt.com/media/pics/gallery/{other.id}-{n}.jpg" alt="">'
                          f"<figcaption>{e(other.title)} ({n})</figcaption></figure>" for n in range(1, 5))
        content = f'<div class="{site.classes("gallery")}"><h1>{e(other.title)}</h1>{figures}</div>'
    if amp:
        return document(other.title, head, f"{content}\n{cookie_banner(site).replace(' hidden>', '>', 1)}", amp=True)
    return document(f"{other.title} - RT Arabic", head, "\n".join([header(site, None), content, footer(site)]))


def others_index(site: Site, kind: str) -> str:
    others = sorted((o for o in site.others.values() if o.kind == kind), key=lambda o: -o.id)[:50]
    links = "".join(f'<li><a href="{e(o.path)}">{e(o.title)}</a></li>' for o in others)
    return document("RT Arabic", "", f"{header(site, None)}<ul>{links}</ul>{footer(site)}")


def live_page(site: Site) -> str:
    return document("مباشر - RT Arabic", "", f'{header(site, None)}<h1>مباشر</h1><div class="{site.classes("live-player")}">'
                    '<iframe src="https://www.youtube.com/embed/live_stream?channel=UCuO1xgeMv8ZJCqWRSdNzUmA">'
                    f"</iframe></div>{footer(site)}")


def not_found_page(status: int = 404) -> str:
    label = "الصفحة غير موجودة" if status == 404 else "تم حذف هذه الصفحة"
    return document(f"{status} - RT Arabic", "", f'<div class="error-page"><h1>{status}</h1><p>{label}</p></div>')


# -- feeds and sitemaps --------------------------------------------------------------------------

def rss(site: Site, section: str | None = None, count: int = 30) -> str:
    items = []
    for i in site.newest(count, section):
        entry, url = site.entries[i], site.url(i)
        enclosure = ""
        art_image = site.cover_url(i)
        if art_image:
            enclosure = f'<enclosure url="{e(art_image)}" type="image/jpeg" length="0"/>'
        items.append(f"<item><title>{e(site.title(i))}</title><link>{e(url)}</link>"
                     f'<guid isPermaLink="true">{e(url)}</guid><description>{e(site.lead(i))}</description>'
                     f"<category>{e(SECTIONS[entry.section])}</category><pubDate>{rfc822(entry.published)}</pubDate>"
                     f"{enclosure}</item>")
    title = f"RT Arabic - {SECTIONS[section]}" if section else "RT Arabic"
    link = f"{site.base_url}/{section}/" if section else f"{site.base_url}/"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{e(title)}</title><link>{e(link)}</link><description>RT Arabic</description>"
            f"<language>ar</language>\n" + "\n".join(items) + "\n</channel></rss>\n")


def sitemap_files(site: Site) -> dict[str, tuple[list[int], str]]:
    """File name (``sitemap_2024.xml``, ``sitemap_2024_2.xml``...) -> (ids it lists, its lastmod).

    Cached until the site changes: a 50,000-article index costs half a second to build.
    """
    cached = getattr(site, "_sitemap_cache", None)
    if cached and cached[0] == site.version:
        return cached[1]
    files = {}
    for year, ids in site.year_ids().items():
        limit = site.sitemap_limit
        for part, start in enumerate(range(0, len(ids), limit), start=1):
            name = f"sitemap_{year}.xml" if part == 1 else f"sitemap_{year}_{part}.xml"
            chunk = ids[start:start + limit]
            files[name] = (chunk, iso_moscow(max(_lastmod(site, i) for i in chunk)))
    site._sitemap_cache = (site.version, files)
    return files


def _lastmod(site: Site, page_id: int):
    if page_id in site.entries:
        return site.modified_at(page_id)
    return site.others[page_id].published


def sitemap_index(site: Site) -> str:
    rows = [f"<sitemap><loc>{site.base_url}/{name}</loc><lastmod>{lastmod}</lastmod></sitemap>"
            for name, (_, lastmod) in sitemap_files(site).items()]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</sitemapindex>\n")


def sitemap(site: Site, ids: list[int]) -> str:
    rows = []
    for i in ids:
        loc = site.url(i) if i in site.entries else site.base_url + site.others[i].path
        rows.append(f"<url><loc>{e(loc)}</loc><lastmod>{iso_moscow(_lastmod(site, i))}</lastmod></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n")


def robots(site: Site) -> str:
    return f"User-agent: *\nDisallow: /_replica/\nAllow: /\n\nSitemap: {site.base_url}/sitemap.xml\n"


def ddos_guard_page() -> str:
    """A DDoS-Guard style JavaScript check (answered with 403)."""
    return """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>DDoS-Guard</title>
<meta name="robots" content="noindex, nofollow">
<script>
  (function(){var s=document.createElement('script');s.src='/.well-known/ddos-guard/check?context=free_splash';
  s.async=true;document.head.appendChild(s);window.setTimeout(function(){location.reload();},5000);})();
</script></head>
<body><div class="ddg-container"><h1>Checking your browser before accessing the website.</h1>
<p>This process is automatic. Your browser will redirect to your requested content shortly.</p>
<p>Please allow up to 5 seconds&hellip;</p>
<noscript><p>Please enable JavaScript and cookies to continue.</p></noscript>
<div class="ddg-footer">DDoS protection by <a href="https://ddos-guard.net/">DDoS-Guard</a></div></div>
</body></html>
"""
