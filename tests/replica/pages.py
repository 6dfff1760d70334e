"""HTML and XML renderers of the replica: article pages per DOM generation, listings, feeds.

Article DOM generations (``Entry.layout``; selectors documented in the project's
site notes):

- ``classic`` (2019-22): ``div.article h1.heading``, ``div.time-public`` (section link +
  ``span.date`` visible Moscow-time date, the only date on the page), body
  ``div.text.js-text.js-mediator-article`` starting with ``p.intro``; tags
  ``div.news-tags.news-tags_article a``. No date metas, no JSON-LD; ``modified`` is null.
- ``meta`` (2023-25): ``publish-date``/``published_time_telegram``/``category``/
  ``mediator_author`` metas, OpenGraph, NewsArticle JSON-LD; ``h1.article-page__title``
  (no ``.heading``); same body container; ``div.news-tags a``.
- ``main_article``: BEM family ``h1.main-article__title``, ``div.main-article__intro-text``,
  ``figure.main-figure``, ``div.main-article__editor-content.editor-content``,
  ``ul.main-article__tags li.tags__item a``; OpenGraph and JSON-LD.
- ``amp``: every article at ``<article url>amp``: ``<html amp>``, ``amp-img``, canonical
  link back, JSON-LD; classic-like body classes.
- ``drift``: an unknown redesign (layout-drift mode): none of the above selectors, no
  description/og:title/JSON-LD.

Inside every body: a read-more card (``div.read-more``, "إقرأ المزيد" + another headline),
sometimes a tweet, a video iframe, a ``p.crosslinks`` holding only another article's
headline, and the "انسخ الرابط" short-link widget (inside the body on ``meta`` pages).
The last ``p`` is the source line when the article has one.

"Load more": section, tag and home pages carry ``div.js-listing[data-url]`` with the
listing URL template (``{page}`` placeholder) and ``button.js-listing__button[data-href]``
with the next page's URL.
"""

import json
from html import escape

from . import generator as G
from .dates import iso_moscow, iso_utc, publish_date_meta, rfc822, visible_date
from .generator import SECTIONS, TAG_NAMES, Article, Site

LISTING_LIMIT = 10
SHORT_HOST = "https://ar.rt.com"
MIRRORS = ("https://rtarabic.com", "https://arabic.rt.com")
NAV_SECTIONS = ["world", "middle_east", "russia", "business", "sport", "technology", "health", "society", "press"]


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
    menu = "".join(f'<a class="menu__link" href="/{s}/">{e(SECTIONS[s])}</a>' for s in NAV_SECTIONS)
    parts = [
        '<header class="header">',
        '<div class="header__top"><a class="header__live" href="/live/">مباشر</a>',
        '<div class="header__follow"><span class="header__follow-title">أين يمكنك متابعتنا</span>'
        '<a href="https://t.me/rtarabictelegram">Telegram</a> <a href="https://twitter.com/RTarabic">X</a></div>',
        f'<nav class="header__menu"><span class="menu__title">أقسام مهمة</span>{menu}</nav></div>',
    ]
    if furniture:
        items = [f'<li class="stories-strip__tab"><a href="/tags/{slug}/">{e(name)}</a></li>'
                 for name, slug in furniture.stories[:3]]
        items += [f'<li class="stories-strip__item"><a href="/tags/{slug}/"><span class="stories-strip__label">'
                  f'{e(name)}</span><span class="stories-strip__name">{e(name)}</span></a></li>'
                  for name, slug in furniture.stories]
        headline = site.title(furniture.story_headline)
        items.append(f'<li class="stories-strip__item"><a href="{e(_href_variant(site, furniture.story_headline, 3))}">'
                     f'<span class="stories-strip__label">{e(headline)}</span>'
                     f'<span class="stories-strip__name">{e(headline)}</span></a></li>')
        parts.append(f'<div class="stories-strip"><div class="stories-strip__title">Stories</div>'
                     f'<span class="stories-strip__count">{furniture.story_count} خبر</span>'
                     f'<ul class="stories-strip__list">{"".join(items)}</ul></div>')
    parts.append("</header>")
    return "\n".join(parts)


def rt_stories(site: Site, furniture: G.Furniture) -> str:
    groups = []
    for name, ids in furniture.rt_stories:
        cards = "".join(
            f'<a class="rt-stories__card" href="{e(_href_variant(site, i, 5))}"><span class="rt-stories__label">'
            f'RT STORIES</span><span class="rt-stories__title">{e(site.title(i))}</span>'
            f'<span class="rt-stories__hashtags">#اسأل_أكثر #Question_More</span></a>' for i in ids)
        groups.append(f'<div class="rt-stories__group"><div class="rt-stories__name">{e(name)}</div>{cards}</div>')
    return f'<section class="rt-stories"><div class="rt-stories__title">Stories</div>{"".join(groups)}</section>'


def headline_list(site: Site, ids: list[int], css: str, title: str, salt: int) -> str:
    items = "".join(f'<li class="{css}__item"><a class="{css}__link" href="{e(_href_variant(site, i, salt))}">'
                    f'{e(site.title(i))}</a></li>' for i in ids)
    return f'<section class="{css}"><h3 class="{css}__title">{e(title)}</h3><ul>{items}</ul></section>'


def footer() -> str:
    sections = "".join(f'<a href="/{s}/">{e(label)}</a> ' for s, label in SECTIONS.items())
    return (f'<footer class="footer"><nav class="footer__sections">{sections}</nav>'
            '<nav class="footer__links"><a href="/live/">مباشر</a> <a href="/prg/">البرامج</a> '
            '<a href="/video/">فيديو</a> <a href="/photolines/">صور</a> <a href="/rss/">RSS</a></nav>'
            '<div class="footer__copy">© 2005-2026 ANO «TV-Novosti». All Rights Reserved.</div></footer>\n'
            + cookie_banner())


def cookie_banner() -> str:
    return ('<div class="cookie-banner">هذا الموقع يستخدم ملفات تعريف الارتباط .بامكانك قراءة شروط '
            'الاستخدام لتفعيل هذه الخاصية <a href="/about/cookies/">اضغط هنا</a></div>')


def short_link(code: str) -> str:
    url = f"{SHORT_HOST}/{code}"
    return (f'<div class="short-link"><span class="short-link__label">انسخ الرابط</span>'
            f'<a class="short-link__url" href="{url}">{url}</a></div>')


# -- article pieces ------------------------------------------------------------------------------

def _blocks_html(site: Site, art: Article) -> list[str]:
    out = []
    for kind, payload in art.blocks:
        if kind == "p":
            out.append(f"<p>{payload.html}</p>")
        elif kind == "read_more":
            out.append(
                f'<div class="read-more"><a class="read-more__link" href="{e(site.path(payload))}" target="_blank">'
                f'<div class="read-more__cover lazyload" data-bg="https://cdni.rt.com/media/pics/read-more.jpg"></div>'
                f'<div class="read-more__label">إقرأ المزيد</div><div class="read-more__footer">'
                f'<span class="read-more__title">{e(site.title(payload))}</span></div></a></div>')
        elif kind == "crosslink":
            out.append(f'<p class="crosslinks"><a class="crosslinks__link" href="{e(site.path(payload))}">'
                       f'{e(site.title(payload))}</a></p>')
        elif kind == "tweet":
            out.append(f'<blockquote class="twitter-tweet"><p lang="ar" dir="rtl">{e(payload)}</p>&mdash; RT Arabic '
                       f'(@RTarabic) <a href="https://twitter.com/RTarabic/status/{art.id}77">{art.id}</a>'
                       '</blockquote><script async src="https://platform.twitter.com/widgets.js"></script>')
        elif kind == "video":
            out.append(f'<div class="video-iframe"><iframe src="{e(payload)}" allowfullscreen></iframe></div>')
    return out


def _source_html(art: Article) -> str:
    return f"<p>{art.source_html}</p>" if art.source_html else ""


def _photo(art: Article, amp: bool = False) -> str:
    if not art.image:
        return ""
    img = art.image
    credit = f'<div class="copyright">{e(img["credit"])}</div>' if img["credit"] else ""
    if amp:
        return (f'<figure class="photo"><amp-img src="{e(img["url"])}" width="1200" height="675" layout="responsive" '
                f'alt="{e(art.title)}"></amp-img><figcaption><span class="caption">{e(img["caption"])}</span>'
                f"{credit}</figcaption></figure>")
    return (f'<div class="photo"><img class="lazyload" data-src="{e(img["url"])}" src="data:image/gif;base64,R0lGODlh'
            f'AQABAAAAACw=" alt="{e(art.title)}"><noscript><img src="{e(img["url"])}" alt="{e(art.title)}"></noscript>'
            f'<span class="caption">{e(img["caption"])}</span>{credit}</div>')


def _tags(art: Article, css: str) -> str:
    links = "".join(f'<a href="/tags/{slug}/">{e(TAG_NAMES[slug])}</a>' for slug in art.entry.tags)
    return f'<div class="{css}">{links}</div>'


def _visible_date(art: Article) -> str:
    return visible_date(art.entry.published, art.date_convention, art.indic_digits)


def _json_ld(site: Site, art: Article, truth_modified: str | None) -> str:
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
    lines = [f'<link rel="canonical" href="{e(canonical)}">', f'<link rel="amphtml" href="{e(canonical)}amp">',
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
    furniture = site.furniture(art.id)
    return "\n".join([
        header(site, furniture),
        '<div class="layout"><main class="layout__main">',
        main,
        '<div class="follow-us">تابعوا RT على <a href="https://t.me/rtarabictelegram">Telegram</a></div>',
        rt_stories(site, furniture),
        '<section class="comments"><h3 class="comments__title">التعليقات</h3><div class="comments__widget"></div></section>',
        f'<div class="poll"><a class="poll__link" href="/polls/">اختر "{e(furniture.poll)}"!</a></div>',
        headline_list(site, furniture.bottom, "news-list", "أخبار ذات صلة", 1),
        '</main><aside class="layout__sidebar">',
        headline_list(site, furniture.sidebar, "sidebar-list", "الأكثر قراءة", 2),
        "</aside></div>",
        footer(),
    ])


# -- article pages -------------------------------------------------------------------------------

def article_page(site: Site, article_id: int, *, amp: bool = False, drift: bool = False,
                 charset: str = "utf-8") -> str:
    """The HTML of an article in its DOM generation (or AMP, or the unknown redesign)."""
    art = site.article(article_id)
    modified = site.truth_modified(article_id)
    title = f"{art.title} - RT Arabic"
    if drift:
        return document(title, "", _page_shell(site, art, _drift_main(art)), charset=charset)
    if amp:
        return _amp_page(site, art, modified, title)
    layout = art.entry.layout
    if layout == "classic":
        head, main = _head(site, art, metas=False, json_ld=False, modified=None), _classic_main(site, art)
    elif layout == "meta":
        head, main = _head(site, art, metas=True, json_ld=True, modified=modified), _meta_main(site, art)
    else:
        head, main = _head(site, art, metas=False, json_ld=True, modified=modified), _main_article_main(site, art)
    return document(title, head, _page_shell(site, art, main), charset=charset)


def _classic_main(site: Site, art: Article) -> str:
    section = art.entry.section
    return "\n".join([
        '<div class="article">',
        f'<h1 class="heading">{e(art.title)}</h1>',
        f'<div class="time-public"><a href="/{section}/">{e(SECTIONS[section])}</a> '
        f'<span class="date">{e(_visible_date(art))}</span></div>',
        '<div class="text js-text js-mediator-article">',
        f'<p class="intro">{e(art.lead)}</p>',
        _photo(art),
        *_blocks_html(site, art),
        _source_html(art),
        "</div>",
        short_link(art.entry.code),
        _tags(art, "news-tags news-tags_article"),
        "</div>",
    ])


def _meta_main(site: Site, art: Article) -> str:
    section = art.entry.section
    blocks = _blocks_html(site, art)
    blocks.insert(1, short_link(art.entry.code))
    return "\n".join([
        '<article class="article-page">',
        f'<div class="article-page__section"><a href="/{section}/">{e(SECTIONS[section])}</a></div>',
        f'<h1 class="article-page__title">{e(art.title)}</h1>',
        f'<div class="article-page__date"><time class="date" datetime="{iso_moscow(art.entry.published)}">'
        f"{e(_visible_date(art))}</time></div>",
        '<div class="text js-text js-mediator-article">',
        f'<p class="intro">{e(art.lead)}</p>',
        _photo(art),
        *blocks,
        _source_html(art),
        "</div>",
        _tags(art, "news-tags"),
        "</article>",
    ])


def _main_article_main(site: Site, art: Article) -> str:
    section = art.entry.section
    figure = ""
    if art.image:
        img = art.image
        credit = f'<span class="main-figure__credit">{e(img["credit"])}</span>' if img["credit"] else ""
        figure = (f'<figure class="main-figure"><img src="{e(img["url"])}" alt="{e(art.title)}"><figcaption>'
                  f'<span class="main-figure__caption">{e(img["caption"])}</span>{credit}</figcaption></figure>')
    tags = "".join(f'<li class="tags__item"><a href="/tags/{slug}/">{e(TAG_NAMES[slug])}</a></li>'
                   for slug in art.entry.tags)
    return "\n".join([
        '<article class="main-article">',
        f'<a class="main-article__section" href="/{section}/">{e(SECTIONS[section])}</a>',
        f'<h1 class="main-article__title">{e(art.title)}</h1>',
        f'<div class="main-article__date"><time datetime="{iso_moscow(art.entry.published)}">'
        f"{e(_visible_date(art))}</time></div>",
        f'<div class="main-article__intro-text">{e(art.lead)}</div>',
        figure,
        short_link(art.entry.code),
        '<div class="main-article__editor-content editor-content">',
        *_blocks_html(site, art),
        _source_html(art),
        "</div>",
        f'<ul class="main-article__tags">{tags}</ul>',
        "</article>",
    ])


def _drift_main(art: Article) -> str:
    paragraphs = "".join(f'<div class="v5-text">{p.html}</div>' for p in art.paragraphs)
    return (f'<div class="v5-story"><div class="v5-story__kicker">{e(SECTIONS[art.entry.section])}</div>'
            f'<div class="v5-story__headline" role="heading">{e(art.title)}</div>'
            f'<div class="v5-story__standfirst">{e(art.lead)}</div>'
            f'<section class="v5-story__content">{paragraphs}</section></div>')


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
              for b in _blocks_html(site, art) if "platform.twitter.com" not in b]
    body = "\n".join([
        '<header class="amp-header"><a href="/live/">مباشر</a> <a href="/">RT Arabic</a></header>',
        '<article class="article">',
        f'<h1 class="heading">{e(art.title)}</h1>',
        f'<div class="time-public"><a href="/{section}/">{e(SECTIONS[section])}</a> '
        f'<span class="date">{e(_visible_date(art))}</span></div>',
        '<div class="text js-text js-mediator-article">',
        f'<p class="intro">{e(art.lead)}</p>',
        _photo(art, amp=True),
        *blocks,
        _source_html(art),
        "</div>",
        _tags(art, "news-tags"),
        "</article>",
        '<div class="amp-follow">تابعوا RT على <a href="https://t.me/rtarabictelegram">Telegram</a></div>',
        cookie_banner(),
    ])
    return document(title, head, body, amp=True)


# -- listings ------------------------------------------------------------------------------------

def listing_items(site: Site, ids: list[int], section: str | None = None) -> str:
    """``li`` cards with ``a.heading`` links (relative), as in the "load more" fragments."""
    cards = []
    for i in ids:
        entry = site.entries[i]
        link_section = section if section in (entry.section, entry.also_section) else None
        path = site.path(i, link_section)
        cards.append(
            f'<li class="listing__item"><div class="card"><a class="card__cover" href="{e(path)}">'
            f'<img class="lazyload" data-src="https://cdni.rt.com/media/pics/thumb/{i}.jpg" alt=""></a>'
            f'<div class="card__text list-news_text"><a class="heading" href="{e(path)}">{e(site.title(i))}</a>'
            f'<div class="card__summary">{e(site.lead(i))}</div>'
            f'<span class="card__date">{e(visible_date(entry.published))}</span></div></div></li>')
    return "\n".join(cards)


def listing_block(site: Site, ids: list[int], listing_filter: str, template: str, section: str | None = None) -> str:
    url = f"/listing/{listing_filter}/noprepare/{template}/{LISTING_LIMIT}/"
    return (f'<div class="listing js-listing" data-url="{url}{{page}}" data-page="1">'
            f'<ul class="listing__list js-listing__list">\n{listing_items(site, ids, section)}\n</ul>'
            f'<button class="listing__button js-listing__button" data-href="{url}1">المزيد</button></div>')


def section_page(site: Site, section: str) -> str:
    ids = site.listing(site.by_section[section], 0, LISTING_LIMIT)
    body = "\n".join([header(site, None), f'<h1 class="section-title">{e(SECTIONS[section])}</h1>',
                      listing_block(site, ids, f"type.News.category.{section}", "all-news", section),
                      _multimedia(site, 2), footer()])
    return document(f"{SECTIONS[section]} - RT Arabic", f'<link rel="canonical" href="{site.base_url}/{section}/">'
                    f'\n<link rel="alternate" type="application/rss+xml" href="/rss/{section}/">', body)


def tag_page(site: Site, slug: str) -> str:
    ids = site.listing(site.by_tag[slug], 0, LISTING_LIMIT)
    body = "\n".join([header(site, None), f'<h1 class="tag-title">{e(TAG_NAMES[slug])}</h1>',
                      listing_block(site, ids, f"tag.{slug}", "tag"), footer()])
    return document(f"{TAG_NAMES[slug]} - RT Arabic", f'<link rel="canonical" href="{site.base_url}/tags/{slug}/">',
                    body)


def home_page(site: Site) -> str:
    blocks = [header(site, None), '<h1 class="visually-hidden">RT Arabic</h1>',
              listing_block(site, site.newest(LISTING_LIMIT), "type.News", "all-news")]
    for section, label in SECTIONS.items():
        ids = site.newest(3, section)
        if ids:
            links = "".join(f'<li><a class="heading" href="{e(site.path(i))}">{e(site.title(i))}</a></li>' for i in ids)
            blocks.append(f'<section class="home-section"><h2><a href="/{section}/">{e(label)}</a></h2>'
                          f"<ul>{links}</ul></section>")
    blocks += [_multimedia(site, 4), footer()]
    return document("RT Arabic", f'<link rel="canonical" href="{site.base_url}/">', "\n".join(blocks))


def _multimedia(site: Site, per_kind: int) -> str:
    """Links to programme episodes, videos, galleries and the live page (non-article pages)."""
    items = ['<li><a href="/live/">مباشر</a></li>']
    for kind in ("prg", "video", "photolines"):
        others = sorted((o for o in site.others.values() if o.kind == kind), key=lambda o: -o.id)[:per_kind]
        items += [f'<li><a href="{e(o.path)}">{e(o.title)}</a></li>' for o in others]
    return f'<section class="multimedia"><h2>فيديو وبرامج</h2><ul>{"".join(items)}</ul></section>'


def other_page(site: Site, other: G.Other, amp: bool = False) -> str:
    """A programme episode, video page or photo gallery (not an article)."""
    canonical = site.base_url + other.path
    head = (f'<link rel="canonical" href="{e(canonical)}">\n<meta property="og:title" content="{e(other.title)}">'
            f'\n<meta name="description" content="{e(other.title)}">')
    if other.kind == "prg":
        content = (f'<div class="prg-episode"><h1 class="prg-episode__title">{e(other.title)}</h1>'
                   '<div class="prg-episode__follow">تابعوا RT على <a href="https://t.me/rtarabictelegram">Telegram</a>'
                   f'</div><div class="prg-episode__text"><p>{e(other.title)}؟</p></div>'
                   '<audio controls src="/static/audio/episode.mp3">Your browser does not support audio tag.</audio></div>')
    elif other.kind == "video":
        content = (f'<div class="video-page"><h1>{e(other.title)}</h1><div class="video-iframe">'
                   f'<iframe src="https://www.youtube.com/embed/v{other.id}"></iframe></div></div>')
    else:
        figures = "".join(f'<figure><img src="https://cdni.rt.com/media/pics/gallery/{other.id}-{n}.jpg" alt="">'
                          f"<figcaption>{e(other.title)} ({n})</figcaption></figure>" for n in range(1, 5))
        content = f'<div class="gallery"><h1>{e(other.title)}</h1>{figures}</div>'
    if amp:
        return document(other.title, head, f"{content}\n{cookie_banner()}", amp=True)
    return document(f"{other.title} - RT Arabic", head, "\n".join([header(site, None), content, footer()]))


def others_index(site: Site, kind: str) -> str:
    others = sorted((o for o in site.others.values() if o.kind == kind), key=lambda o: -o.id)[:50]
    links = "".join(f'<li><a href="{e(o.path)}">{e(o.title)}</a></li>' for o in others)
    return document("RT Arabic", "", f"{header(site, None)}<ul>{links}</ul>{footer()}")


def live_page(site: Site) -> str:
    return document("مباشر - RT Arabic", "", f'{header(site, None)}<h1>مباشر</h1><div class="live-player">'
                    '<iframe src="https://www.youtube.com/embed/live_stream?channel=UCuO1xgeMv8ZJCqWRSdNzUmA">'
                    f"</iframe></div>{footer()}")


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
