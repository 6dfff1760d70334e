"""Datasette plugin: reading the archive in Arabic.

- The article page (``/rtarabic/articles/<id>``, template ``datasette/templates/row-rtarabic-articles.html``):
  :func:`article_view` gives the template the headline, lead, image, paragraphs, section and tag links,
  dates, withdrawn status and every earlier version with a word-level diff against the version after it.
- Titles in the canned queries (search, latest, tag) and the articles table link to that page.
- Every table cell, heading and text field gets ``dir="auto"``: Arabic text runs right to left, numbers
  and Latin text stay left to right.

Loaded with ``--plugins-dir datasette/plugins --template-dir datasette/templates`` (``make datasette``);
the README's "Browsing the archive with Datasette" shows the pages.
"""

import difflib
import json
import re
from urllib.parse import unquote, urlencode

from markupsafe import Markup, escape

from datasette import hookimpl

#: The database the archive is served as (the file is ``rtarabic.db``).
DATABASE = "rtarabic"
#: Columns of a version that the revisions diff, in the order shown.
DIFFED = ("title", "summary", "body")

_TOKENS = re.compile(r"\n\s*\n|\S+")

# Runs once per page: the browser picks each cell's direction from its first strong letter.
DIR_AUTO_SCRIPT = """
document.querySelectorAll("td, th, textarea, input[type=search], input[type=text], pre, dd").forEach(
    function (el) { if (!el.hasAttribute("dir")) { el.setAttribute("dir", "auto"); } });
"""


def paragraphs(body: str | None) -> list[str]:
    """The paragraphs of an archived body (blank-line separated).

    >>> paragraphs("الأولى\\n\\nالثانية\\n\\n")
    ['الأولى', 'الثانية']
    """
    return [p.strip() for p in re.split(r"\n\s*\n", body or "") if p.strip()]


def diff_words(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """``(kind, text)`` runs turning ``old`` into ``new`` word by word; kind is ``same``, ``del`` or ``ins``.

    Paragraph breaks are tokens too (text ``"\\n\\n"``).

    >>> diff_words("قال الوزير أمس", "قال الرئيس أمس")
    [('same', 'قال'), ('del', 'الوزير'), ('ins', 'الرئيس'), ('same', 'أمس')]
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    runs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("same", _join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("del", _join(a[i1:i2])))
        if j2 > j1:
            runs.append(("ins", _join(b[j1:j2])))
    return runs


def _join(tokens: list[str]) -> str:
    text = " ".join(tokens)
    return re.sub(r" ?\n\n ?", "\n\n", text)


def diff_html(old: str | None, new: str | None) -> Markup:
    """:func:`diff_words` as HTML: ``<del>`` and ``<ins>`` around changed words, ``<br>`` between paragraphs."""
    parts = []
    for kind, text in diff_words(old, new):
        html = Markup("<br><br>").join(escape(piece) for piece in text.split("\n\n"))
        parts.append(html if kind == "same" else Markup(f"<{kind}>") + html + Markup(f"</{kind}>"))
    return Markup(" ").join(parts)


def _json(value):
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def article_view(row: dict, revisions: list[dict], urls) -> dict:
    """What the article template shows of ``row`` (an ``articles`` row) and its ``revisions`` (oldest first).

    Each revision holds a version as it was before a change; the version after the last one is the
    current row. Revisions come back newest first, each with the diff against its successor.

    :param urls: ``datasette.urls``, for links into the archive
    """
    articles = urls.table(DATABASE, "articles")
    image = _json(row.get("image")) or {}
    tags = [
        {"name": tag.get("name") or tag.get("slug"), "href": urls.query(DATABASE, "tag") + "?" + urlencode({"tag": tag["slug"]})}
        for tag in _json(row.get("tags")) or [] if tag.get("slug")
    ]
    versions = [*revisions, row]
    changes = []
    for older, newer in zip(versions, versions[1:], strict=False):
        changes.append({
            "modified": older.get("modified"),
            "replaced_at": older.get("replaced_at"),
            "diffs": [{"field": name, "html": diff_html(older.get(name), newer.get(name))}
                      for name in DIFFED if (older.get(name) or "") != (newer.get(name) or "")],
        })
    return {
        "id": row["id"],
        "title": row.get("title"),
        "summary": row.get("summary"),
        "paragraphs": paragraphs(row.get("body")),
        "image": image if image.get("url") else None,
        "section": row.get("section"),
        "section_name": row.get("section_name") or row.get("section"),
        "section_href": articles + "?" + urlencode({"section": row.get("section") or ""}),
        "tags": tags,
        "source": row.get("source"),
        "author": row.get("author"),
        "published": row.get("published"),
        "modified": row.get("modified"),
        "first_seen": row.get("first_seen"),
        "last_seen": row.get("last_seen"),
        "url": row.get("url"),
        "display_url": unquote(row.get("url") or ""),
        "withdrawn_at": row.get("withdrawn_at"),
        "changes": list(reversed(changes)),
    }


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or database != DATABASE or table != "articles":
        return {}

    async def article():
        db = datasette.get_database(database)
        key = request.url_vars.get("pks")
        rows = (await db.execute("select * from articles where id = ?", [key])).rows
        if not rows:
            return {"article": None}
        revisions = await db.execute("select * from revisions where article_id = ? order by id", [key])
        return {"article": article_view(dict(rows[0]), [dict(r) for r in revisions.rows], datasette.urls)}

    return article


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Titles link to the article page in the canned queries (table None) and the articles table."""
    if database != DATABASE or column != "title" or table not in (None, "articles") or not value:
        return None
    try:
        article_id = row["id"]
    except (IndexError, KeyError):
        return None
    if not isinstance(article_id, int):
        return None
    href = datasette.urls.row(DATABASE, "articles", str(article_id))
    return Markup('<a class="rt-article-link" href="{}">{}</a>').format(href, value)


@hookimpl
def extra_body_script():
    return DIR_AUTO_SCRIPT
