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
from lxml import etree

# -- selector types ---------------------------------------------------------------------------
# Every selector is called with a ``Page`` (the parsed document and its element index) or with
# an element, and returns a list of elements or attribute strings in document order, exactly
# what the equivalent XPath would. Page-wide CSS selectors are answered from the index built in
# one pass over the page instead of one XPath scan of the whole tree per selector: that scan,
# about 25 times a page, was most of the extraction time.

# XPath's normalize-space() splits a class attribute on these four characters only.
_CLASS_TOKEN = re.compile(r"[^ \t\r\n]+")
# Every ``parts`` tuple a selector asks Page.with_class_part about (registered when the
# selector is made), and the memo: class name -> the registered tuples it answers.
_CLASS_PARTS: list[tuple[str, ...]] = []
_NAME_PARTS: dict[str, tuple] = {}


def _register_class_parts(parts: tuple[str, ...]) -> None:
    if parts and parts not in _CLASS_PARTS:
        _CLASS_PARTS.append(parts)
        _NAME_PARTS.clear()


def _index_class_parts(by_class: dict) -> dict:
    if len(_NAME_PARTS) > 50_000:
        _NAME_PARTS.clear()
    index: dict[tuple, list] = {parts: [] for parts in _CLASS_PARTS}
    for name, elements in by_class.items():
        hits = _NAME_PARTS.get(name)
        if hits is None:
            hits = _NAME_PARTS[name] = tuple(p for p in _CLASS_PARTS if any(part in name for part in p))
        for parts in hits:
            index[parts] += elements
    return index


def _with_class_part(by_class: dict, parts: tuple[str, ...]) -> list:
    return [e for name, elements in by_class.items() if any(part in name for part in parts) for e in elements]


class _TagIndex(dict):
    """The page's elements by tag in document order, each list made on first use (lxml filters
    by tag in C)."""

    __slots__ = ("root",)

    def __init__(self, root):
        super().__init__()
        self.root = root

    def get(self, tag, default=None):
        found = dict.get(self, tag)
        if found is None:
            found = self[tag] = list(self.root.iter(tag))
        return found if found else default


class Page:
    """A parsed page: its root element, its elements by class and by tag, its head meta values."""

    __slots__ = ("root", "by_class", "by_tag", "_meta", "_position", "_cache", "_parts")

    def __init__(self, root):
        self.root = root
        by_class: dict[str, list] = {}
        for element in root.iter(etree.Element):  # document order
            classes = element.get("class")
            if classes:
                # Printable ASCII has no whitespace but the space, so split() splits as XPath does.
                if classes.isascii() and classes.isprintable():
                    if " " not in classes:
                        found = by_class.get(classes)  # the usual single class name
                        if found is None:
                            by_class[classes] = [element]
                        else:
                            found.append(element)
                        continue
                    names = classes.split()
                else:
                    names = _CLASS_TOKEN.findall(classes)
                for name in names if len(names) < 2 else dict.fromkeys(names):
                    by_class.setdefault(name, []).append(element)
        self.by_class, self.by_tag, self._meta, self._position = by_class, _TagIndex(root), None, None
        self._parts: dict | None = None
        self._cache: dict = {}

    def with_class_part(self, parts: tuple[str, ...]) -> list:
        """Elements whose class attribute contains one of ``parts`` (which have no spaces): exactly
        those with a class name containing one, in no particular order. One pass over the page's
        class names answers every registered ``parts`` at once; which parts a name contains is
        memoised across pages, since templates reuse their class names."""
        if self._parts is None:
            self._parts = _index_class_parts(self.by_class)
        found = self._parts.get(parts)
        return list(found) if found is not None else _with_class_part(self.by_class, parts)

    def cached(self, key, compute):
        """``compute(page)``, once per page and ``key``."""
        if key not in self._cache:
            self._cache[key] = compute(self)
        return self._cache[key]

    def position(self) -> dict:
        """Each element's index in document order."""
        if self._position is None:
            self._position = {e: i for i, e in enumerate(self.root.iter(etree.Element))}
        return self._position

    def meta(self) -> dict[str, list[str]]:
        """``content`` values of ``/html/head/meta`` by their ``name`` and by their ``property``."""
        if self._meta is None:
            self._meta = {}
            if self.root.tag == "html":
                for head in self.root.iterchildren("head"):
                    for tag in head.iterchildren("meta"):
                        content = tag.get("content")
                        if content is None:
                            continue
                        for key in {tag.get("name"), tag.get("property")} - {None}:
                            self._meta.setdefault(key, []).append(content)
        return self._meta


def _root(context):
    return context.root if type(context) is Page else context


class XPathSelector:
    """A compiled XPath expression, evaluated from the page's root or from an element."""

    __slots__ = ("expression", "_compiled")

    def __init__(self, expression: str):
        self.expression, self._compiled = expression, etree.XPath(expression)

    def __call__(self, context):
        return self._compiled(_root(context))

    def __repr__(self):
        return f"xpath({self.expression!r})"


class MetaSelector:
    """``<meta name=...>`` or ``<meta property=...>`` content in ``<head>``."""

    __slots__ = ("name", "_compiled")

    def __init__(self, name: str):
        self.name = name
        self._compiled = etree.XPath(f"/html/head/meta[@name='{name}' or @property='{name}']/@content")

    def __call__(self, context):
        if type(context) is Page:
            return context.meta().get(self.name, [])
        return self._compiled(context)

    def __repr__(self):
        return f"meta({self.name!r})"


# One compound selector of the supported CSS subset: tag, .class..., [attr] or [attr=value].
_COMPOUND = re.compile(r"([a-z][a-z0-9-]*)?((?:\.[\w-]+|\[[\w-]+(?:=[\w-]+)?\])*)$")
_PART = re.compile(r"\.([\w-]+)|\[([\w-]+)(?:=([\w-]+))?\]")


def _compound(text: str) -> tuple:
    match = _COMPOUND.match(text)
    if not match:
        raise ValueError(f"unsupported CSS selector part: {text!r}")
    tag, parts = match.group(1), match.group(2)
    classes = tuple(c for c, _, _ in _PART.findall(parts) if c)
    attributes = tuple((a, v or None) for c, a, v in _PART.findall(parts) if a)
    return tag, classes, attributes


def _matches(element, compound) -> bool:
    tag, classes, attributes = compound
    if tag and element.tag != tag:
        return False
    if classes:
        own = _CLASS_TOKEN.findall(element.get("class") or "")
        if any(c not in own for c in classes):
            return False
    for name, value in attributes:
        found = element.get(name)
        if found is None or (value is not None and found != value):
            return False
    return True


def _test(compound, known_class: str | None = None, tag_known: bool = False):
    """``_matches`` for candidates known to have ``known_class`` (or the tag), or None when
    every candidate matches."""
    tag, classes, attributes = compound
    tag = None if tag_known else tag
    classes = tuple(c for c in classes if c != known_class)
    if not (tag or classes or attributes):
        return None
    if not (tag or classes) and len(attributes) == 1 and attributes[0][1] is None:
        name = attributes[0][0]
        return lambda element: element.get(name) is not None
    rest = (tag, classes, attributes)
    return lambda element: _matches(element, rest)


class CssSelector:
    """A CSS selector (tags, classes, attributes, descendant and child combinators, groups).

    From a ``Page`` the candidates come from the page's index (the rarest class, else the tag)
    and are matched right to left; from an element the selector runs as compiled XPath.
    """

    __slots__ = ("expression", "_groups", "_compiled")

    def __init__(self, expression: str):
        self.expression = expression
        self._groups = tuple(self._steps(group) for group in expression.split(","))
        self._compiled = etree.XPath(_translate(expression))

    @staticmethod
    def _steps(group: str) -> tuple:
        """``(combinator, compound, test)`` per step (see ``_test``); the first step's test is a
        dict by the class whose index list gives the candidates (None: the tag's or all)."""
        steps, combinator = [], " "
        for token in group.replace(">", " > ").split():
            if token == ">":
                combinator = ">"
                continue
            compound = _compound(token)
            if steps:
                test = _test(compound, tag_known=True)
            else:
                tag, classes, _ = compound
                test = {c: _test(compound, known_class=c) for c in classes} or {
                    None: _test(compound, tag_known=bool(tag))}
            steps.append((combinator, compound, test))
            combinator = " "
        return tuple(steps)

    def _select(self, page: Page, steps) -> list:
        """Left to right: the first step from the index, each next one among the found elements'
        children or descendants; re-sorted only when nested contexts could repeat or reorder."""
        combinator, compound, tests = steps[0]
        tag, classes, _ = compound
        if classes:
            by_class = page.by_class
            known = classes[0] if len(classes) == 1 else min(classes, key=lambda c: len(by_class.get(c, ())))
            pool, test = by_class.get(known, ()), tests[known]
        else:
            pool = page.by_tag.get(tag, ()) if tag else page.root.iter(etree.Element)
            test = tests[None]
        found = list(pool) if test is None else [e for e in pool if test(e)]
        for combinator, compound, test in steps[1:]:
            if not found:
                break
            tag = compound[0] or etree.Element
            following = []
            for context in found:
                pool = context.iterchildren(tag) if combinator == ">" else context.iterdescendants(tag)
                following.extend(pool if test is None else filter(test, pool))
            if len(found) > 1 and following:
                following = sorted(dict.fromkeys(following), key=page.position().__getitem__)
            found = following
        return found

    def __call__(self, context):
        if type(context) is not Page:
            return self._compiled(context)
        if len(self._groups) == 1:
            return self._select(context, self._groups[0])
        return self._compiled(context.root)  # document order across groups: let XPath merge

    def exists(self, page: Page) -> bool:
        return any(self._select(page, steps) for steps in self._groups)

    def __repr__(self):
        return f"css({self.expression!r})"


class HasSelector:
    """True when every CSS selector matches somewhere in the page."""

    __slots__ = ("selectors",)

    def __init__(self, *expressions: str):
        self.selectors = tuple(CssSelector(e) for e in expressions)

    def __call__(self, context):
        if type(context) is Page:
            return all(s.exists(context) for s in self.selectors)
        return all(bool(s(context)) for s in self.selectors)

    def __repr__(self):
        return f"has{tuple(s.expression for s in self.selectors)!r}"


class TextSelector:
    """The text nodes of an element's subtree (not its tail) in document order, except those
    under a skipped element, the element itself or its ancestors included: ``.//text()``
    with ``not(ancestor::...)`` tests, walked in Python (one XPath call per text node's
    ancestors was most of the cost of reading a paragraph)."""

    __slots__ = ("tags", "class_parts", "tag_class_parts")

    def __init__(self, tags=(), class_parts=(), tag_class_parts=None):
        #: Skip elements with these tags, whose class attribute contains one of ``class_parts``,
        #: or with a tag of ``tag_class_parts`` whose class contains one of its parts.
        self.tags, self.class_parts = frozenset(tags), tuple(class_parts)
        self.tag_class_parts = dict(tag_class_parts or {})
        _register_class_parts(self.class_parts)

    def skips(self, element) -> bool:
        tag = element.tag
        if tag in self.tags:
            return True
        if not (self.class_parts or tag in self.tag_class_parts):
            return False
        classes = element.get("class")
        if not classes:
            return False
        return any(part in classes for part in self.class_parts) or any(
            part in classes for part in self.tag_class_parts.get(tag, ())
        )

    def __call__(self, element, page: Page | None = None) -> list[str]:
        if not isinstance(element.tag, str):
            return []
        if page is not None:
            skipped, holders = page.cached(self, self._skipped)
            if element in skipped:
                return []
            if element not in holders:
                # Nothing to skip below: lxml walks the subtree (no comments: the parser drops them).
                return list(element.itertext())
            found: list[str] = []
            self._walk(element, found, skipped.__contains__)
            return found
        skips = self.skips
        if skips(element) or any(skips(ancestor) for ancestor in element.iterancestors()):
            return []
        found = []
        self._walk(element, found, skips)
        return found

    def _skipped(self, page: Page) -> tuple[set, set]:
        """Every element of the page that is skipped or inside a skipped one, and the other
        elements that hold one of those."""
        roots = [e for tag in self.tags for e in page.by_tag.get(tag, ())]
        # A class attribute contains a part (which has no spaces) exactly when a class name does.
        if self.class_parts:
            roots += page.with_class_part(self.class_parts)
        roots += [e for tag, parts in self.tag_class_parts.items() for e in page.by_tag.get(tag, ())
                  if any(part in (e.get("class") or "") for part in parts)]
        skipped = {node for root in roots for node in root.iter()}
        holders: set = set()
        for root in roots:
            for ancestor in root.iterancestors():
                if ancestor in holders:
                    break  # its ancestors are in already
                if ancestor not in skipped:
                    holders.add(ancestor)
        return skipped, holders

    def _walk(self, element, found: list, skips) -> None:
        if element.text:
            found.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not skips(child):
                self._walk(child, found, skips)
            if child.tail:
                found.append(child.tail)


class ClassPartSelector:
    """``.//*[contains(@class, part) or ...]``: descendants whose class attribute contains a part."""

    __slots__ = ("parts",)

    def __init__(self, *parts: str):
        self.parts = parts
        _register_class_parts(parts)

    def __call__(self, element, page: Page | None = None) -> list:
        if page is not None:
            matching = page.cached(self, self._matching)
            return [d for d in element.iterdescendants(etree.Element) if d in matching] if matching else []
        found = []
        for descendant in element.iterdescendants(etree.Element):
            classes = descendant.get("class")
            if classes and any(part in classes for part in self.parts):
                found.append(descendant)
        return found

    def _matching(self, page: Page) -> set:
        # A class attribute contains a part (which has no spaces) exactly when a class name does.
        return set(page.with_class_part(self.parts))


class LinkTest:
    """True for a link whose href contains one of ``href_parts`` or that sits inside an element
    whose class attribute contains one of ``ancestor_class_parts``."""

    __slots__ = ("href_parts", "ancestor_class_parts", "_href")

    def __init__(self, href_parts=(), ancestor_class_parts=()):
        self.href_parts, self.ancestor_class_parts = tuple(href_parts), tuple(ancestor_class_parts)
        self._href = re.compile("|".join(map(re.escape, self.href_parts))).search if self.href_parts else None
        _register_class_parts(self.ancestor_class_parts)

    def __call__(self, link, page: Page | None = None) -> bool:
        href = link.get("href")
        if href is not None and self._href is not None and self._href(href):
            return True
        if page is not None:
            return link in page.cached(self, self._links_inside)
        for ancestor in link.iterancestors():
            classes = ancestor.get("class")
            if classes and any(part in classes for part in self.ancestor_class_parts):
                return True
        return False

    def on(self, page: Page):
        """This test bound to ``page``: ``test.on(page)(link) == test(link, page)``."""
        inside, href_test = page.cached(self, self._links_inside), self._href

        def test(link) -> bool:
            if href_test is not None:
                href = link.get("href")
                if href is not None and href_test(href):
                    return True
            return link in inside

        return test

    def _links_inside(self, page: Page) -> set:
        # A class attribute contains a part (which has no spaces) exactly when one of its
        # class names does, so the index's names find every such element.
        containers = page.with_class_part(self.ancestor_class_parts)
        if len(containers) > 1:
            # A container nested straight in another adds no link of its own.
            outer = set(containers)
            containers = [c for c in containers if c.getparent() not in outer]
        return {link for container in containers for link in container.iterdescendants("a")}


class LinksSelector:
    """``.//a[@href][not(ancestor::*[contains(@class, part)] or ancestor::tag[contains(@class,
    part)])]``: an element's links outside every element whose class attribute contains one of
    ``class_parts`` (or, for a tag of ``tag_class_parts``, one of its parts)."""

    __slots__ = ("class_parts", "tag_class_parts")

    def __init__(self, class_parts=(), tag_class_parts=None):
        self.class_parts, self.tag_class_parts = tuple(class_parts), dict(tag_class_parts or {})
        _register_class_parts(self.class_parts)

    def _excluded(self, element) -> bool:
        classes = element.get("class")
        return bool(classes) and (any(part in classes for part in self.class_parts) or any(
            part in classes for part in self.tag_class_parts.get(element.tag, ())))

    def __call__(self, element, page: Page | None = None) -> list:
        links = [a for a in element.iterdescendants("a") if a.get("href") is not None]
        if not links:
            return links
        if page is not None:
            inside = page.cached(self, self._links_inside)
            return [a for a in links if a not in inside]
        return [a for a in links if not any(self._excluded(e) for e in a.iterancestors())]

    def _links_inside(self, page: Page) -> set:
        containers = page.with_class_part(self.class_parts) if self.class_parts else []
        containers += [e for tag in self.tag_class_parts for e in page.by_tag.get(tag, ()) if self._excluded(e)]
        return {a for container in containers for a in container.iterdescendants("a")}


class ChildrenSelector:
    """``./tag[...]``: an element's children with ``tag`` whose class attribute has none of the
    class names ``without_classes`` and contains none of ``without_class_parts``."""

    __slots__ = ("tag", "without_classes", "without_class_parts")

    def __init__(self, tag: str, without_classes=(), without_class_parts=()):
        self.tag, self.without_classes = tag, tuple(without_classes)
        self.without_class_parts = tuple(without_class_parts)

    def _kept(self, element) -> bool:
        classes = element.get("class")
        if not classes:
            return True
        if any(part in classes for part in self.without_class_parts):
            return False
        return not any(name in self.without_classes for name in _CLASS_TOKEN.findall(classes))

    def __call__(self, context) -> list:
        return [e for e in _root(context).iterchildren(self.tag) if self._kept(e)]


class DocumentTest:
    """True for a document whose root ``<html>`` has one of ``html_attributes`` or that has a
    ``<script>`` whose src contains one of ``script_src_parts``."""

    __slots__ = ("html_attributes", "script_src_parts")

    def __init__(self, html_attributes=(), script_src_parts=()):
        self.html_attributes, self.script_src_parts = tuple(html_attributes), tuple(script_src_parts)

    def __call__(self, context) -> bool:
        root = _root(context)
        if root.tag == "html" and any(root.get(name) is not None for name in self.html_attributes):
            return True
        scripts = context.by_tag.get("script", ()) if type(context) is Page else root.iter("script")
        return any(any(part in (script.get("src") or "") for part in self.script_src_parts) for script in scripts)


class AttributeSelector:
    """The values of ``attribute`` on the elements a CSS selector finds (those that have it)."""

    __slots__ = ("css", "attribute")

    def __init__(self, expression: str, attribute: str):
        self.css, self.attribute = CssSelector(expression), attribute

    def __call__(self, context) -> list[str]:
        values = (element.get(self.attribute) for element in self.css(context))
        return [value for value in values if value is not None]

    def __repr__(self):
        return f"attribute({self.css.expression!r}, {self.attribute!r})"


_TRANSLATOR = HTMLTranslator()


# cssselect tests a class with concat/normalize-space on every element; a plain
# contains() first lets XPath skip most elements cheaply (same result).
_CLASS_TEST = re.compile(r"contains\(concat\(' ', normalize-space\(@class\), ' '\), ' ([^' ]+) '\)")


def _translate(expression: str) -> str:
    return _CLASS_TEST.sub(r"(contains(@class, '\1') and \g<0>)", _TRANSLATOR.css_to_xpath(expression))


def css(expression: str) -> CssSelector:
    """A CSS selector, evaluated from the page (or the element) it is called on."""
    return CssSelector(expression)


def xpath(expression: str) -> XPathSelector:
    """A compiled XPath expression."""
    return XPathSelector(expression)


def meta(name: str) -> MetaSelector:
    """The ``content`` of ``<meta name=...>`` or ``<meta property=...>`` directly in ``<head>``."""
    return MetaSelector(name)


def attribute(expression: str, name: str) -> AttributeSelector:
    """The ``name`` attribute's values on the elements the CSS ``expression`` finds."""
    return AttributeSelector(expression, name)


def has(*expressions: str) -> HasSelector:
    """A boolean selector: true when every CSS ``expressions`` matches somewhere in the page."""
    return HasSelector(*expressions)


Selector = CssSelector | XPathSelector | MetaSelector | AttributeSelector | ChildrenSelector | DocumentTest
Chain = tuple[Selector, ...]

# Paragraph children of a body container that are not prose: the lead (it is the
# summary) and recommendation or embed wrappers that some templates render as <p>.
_OWN_PARAGRAPHS = ChildrenSelector(
    "p", without_classes=("intro",), without_class_parts=("read-more", "crosslinks", "rtcode", "caption", "copyright")
)


@dataclass(frozen=True)
class Layout:
    """The selectors of one DOM generation, each field a chain tried in order."""

    name: str
    #: Seen on the live site in these years (documentation only).
    seen: str
    #: True when the page belongs to this generation.
    detect: Selector | HasSelector
    title: Chain = ()
    summary: Chain = ()
    #: The body container; its own paragraphs are ``paragraphs`` evaluated on it.
    body: Chain = ()
    paragraphs: Selector = _OWN_PARAGRAPHS
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
                   meta("mediator_published_time"), attribute("time[itemprop=datePublished]", "datetime"))
_MODIFIED_META = (meta("article:modified_time"), meta("modified-date"), meta("og:updated_time"),
                  attribute("time[itemprop=dateModified]", "datetime"))

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
    detect=DocumentTest(html_attributes=("amp", "⚡"), script_src_parts=("cdn.ampproject.org",)),
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
STORY_LINK = LinkTest(href_parts=("/trend", "/stories/", "/story/"),
                      ancestor_class_parts=("stories", "trends"))

#: Every link on the page, for headlines and listings.
ALL_LINKS = css("a[href]")

#: Title elements inside recommendation and story cards, in priority order: their text is the
#: other article's headline without the card's label ("إقرأ المزيد", "RT STORIES") or a
#: duplicate rendering of the same name (story strips show a label and a name).
CARD_TITLES = (
    ClassPartSelector("__title", "-big__title", "card__title"),
    ClassPartSelector("__footer"),
    ClassPartSelector("__name", "heading", "list-news_text"),
)

#: Text nodes of a paragraph that belong to it, not to an embed or card nested inside it.
PARAGRAPH_TEXT = TextSelector(
    tags=("script", "style", "template", "noscript", "iframe"),
    class_parts=("read-more", "crosslinks", "rtcode", "AllEmbed"),
    tag_class_parts={"blockquote": ("twitter-tweet", "instagram-media", "tiktok-embed")},
)
#: Text of any element except what browsers never render (scripts, styles, templates).
VISIBLE_TEXT = TextSelector(tags=("script", "style", "template"))
#: Links of a paragraph outside the recommendation cards, embeds and tweets nested in it.
PARAGRAPH_LINKS = LinksSelector(
    class_parts=("read-more", "crosslinks", "rtcode", "AllEmbed"),
    tag_class_parts={"blockquote": ("twitter-tweet",)},
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
