"""Arabic text normalisation for search, and the SQL functions built on it.

SQLite's FTS5 tokenizers do not fold Arabic: ``unicode61`` treats vowel marks
as separators (``مُحَمَّد`` is indexed as four one-letter tokens), and nothing
folds hamza-carrying alefs, alef maqsura, taa marbuta or the article ``ال``.
The archive therefore indexes a normalised copy of the text and normalises
every query the same way, with :func:`normalize_arabic`.

The rules, in order, applied to the whole text and then word by word:

1. Unicode NFKC (presentation forms and ligatures become plain letters).
2. Remove tashkeel and Quranic marks (U+0610-061A, U+064B-065F, U+0670,
   U+06D6-06ED), tatweel (U+0640) and zero-width characters.
3. Fold letters: ``أ إ آ ٱ`` -> ``ا``; ``ى`` -> ``ي``; ``ة`` -> ``ه``;
   ``ؤ ئ`` -> ``ء`` (so that the two spellings ``مسؤول``/``مسئول`` meet);
   Persian ``ی ک`` -> ``ي ك``; Arabic-Indic digits -> ASCII digits.
4. With ``strip_prefixes`` (light stemming, each word on its own):

   a. a leading ``(و|ف)?(ب|ك|ل)?ال`` is removed when at least two letters
      remain (``وبالبيت`` -> ``بيت``), otherwise a leading ``(و|ف)?لل`` under
      the same condition (``للبيت`` -> ``بيت``);
   b. then up to two leading ``و`` and one ``ف`` are removed, each only when
      at least three letters remain (``ومحمد`` -> ``محمد``,
      ``ووزير`` -> ``زير``).

   Rule b also strips root letters: ``وزير`` becomes ``زير`` and ``فلسطين``
   becomes ``لسطين``. Because documents and queries go through the same rule
   the words still find each other; the cost is rare false matches between a
   word and the same word without its first letter (``وزير`` finds ``زير``),
   and ``الله`` folds to ``له``. ``ب ك ل`` alone are never stripped: they begin
   too many roots.

:func:`register_functions` exposes the normaliser to SQLite (the archive's FTS
upkeep, Datasette).
"""

import re
import sqlite3
import unicodedata

_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f\ufeff]")

_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "ء",
        "ئ": "ء",
        "ی": "ي",
        "ک": "ك",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)

_WORD = re.compile("[\u0621-\u064a]+")
_ARTICLE = re.compile("^[وف]?[بكل]?ال(?=..)")
_LIL = re.compile("^[وف]?لل(?=..)")


def _strip_word(word: str) -> str:
    stem = _ARTICLE.sub("", word, count=1)
    if stem == word:
        stem = _LIL.sub("", word, count=1)
    for letter, times in (("و", 2), ("ف", 1)):
        for _ in range(times):
            if stem.startswith(letter) and len(stem) > 3:
                stem = stem[1:]
    return stem


def normalize_arabic(text: str | None, *, strip_prefixes: bool = True) -> str:
    """Fold Arabic ``text`` to the form the search index holds.

    Example::

        normalize_arabic("وَمُحَمَّدٌ في المدرسة")  # 'محمد في مدرسه'

    :param text: any text; non-Arabic characters pass through (``None`` gives ``""``)
    :param strip_prefixes: also remove the article and the conjunctions (rule 4)
    """
    if not text:
        return ""
    text = _MARKS.sub("", unicodedata.normalize("NFKC", text)).translate(_FOLD)
    if strip_prefixes:
        text = _WORD.sub(lambda m: _strip_word(m.group()), text)
    return text


def search_tokens(text: str | None) -> list[str]:
    """The normalised words of ``text`` that a full-text query looks for.

    Example::

        search_tokens('"البيت" و-محمد')  # ['بيت', 'و', 'محمد']

    :param text: a user's query
    """
    return re.findall(r"\w+", normalize_arabic(text))


def fts_query(text: str | None, *, prefix: bool = False) -> str:
    """A safe FTS5 ``MATCH`` expression that finds every word of ``text``.

    Each normalised word is double-quoted, so FTS5 operators and punctuation in
    user input have no effect; the words are ANDed. An input with no words
    gives ``""`` (callers must not run a MATCH with it).

    Example::

        fts_query("أحمد AND البيت*", prefix=True)  # '"احمد"* "AND"* "بيت"*'

    :param text: a user's query
    :param prefix: match words that start with each query word
    """
    star = "*" if prefix else ""
    return " ".join(f'"{token}"{star}' for token in search_tokens(text))


#: Longest text the SQL functions take, in characters. They run in Python, which SQLite's time limit
#: (Datasette's ``sql_time_limit_ms``) cannot interrupt, at about 1 ms per 1,000 characters: an
#: unbounded call on 150 million characters held a server for 12 s and 2.7 GB. An article body is
#: rarely above 30,000 characters; a search query is a few words.
MAX_SQL_TEXT = 100_000
MAX_SQL_QUERY = 2_000


class TextTooLong(ValueError):
    """An SQL function's argument is longer than its bound (SQLite reports the call as failed)."""


def _bounded(text, limit: int, name: str) -> str:
    text = text if isinstance(text, str) else str(text)
    if len(text) > limit:
        raise TextTooLong(f"{name}() takes at most {limit:,} characters, not {len(text):,}")
    return text


def _sql_normalize(text):
    if text is None:
        return None
    return normalize_arabic(_bounded(text, MAX_SQL_TEXT, "arabic_normalize"))


def _sql_fts_query(text, prefix=0):
    if text is None:
        return None
    return fts_query(_bounded(text, MAX_SQL_QUERY, "arabic_fts_query"), prefix=bool(prefix))


#: ``(sql_name, number_of_arguments, function)`` registered by :func:`register_functions`.
FUNCTIONS = (
    ("arabic_normalize", 1, _sql_normalize),
    ("arabic_fts_query", 1, _sql_fts_query),
    ("arabic_fts_query", 2, _sql_fts_query),
)


def register_functions(conn: sqlite3.Connection) -> None:
    """Make the Arabic search functions available to SQL run on ``conn``.

    Example::

        register_functions(conn)
        conn.execute("select arabic_normalize('أحمد')").fetchone()  # ('احمد',)

    ``arabic_normalize(text)`` is :func:`normalize_arabic`;
    ``arabic_fts_query(text[, prefix])`` is :func:`fts_query`, for
    ``... where articles_search match arabic_fts_query(:q)``. Their arguments are bounded
    (``MAX_SQL_TEXT``, ``MAX_SQL_QUERY`` characters): a longer one fails the statement.

    :param conn: a ``sqlite3`` connection
    """
    for name, nargs, function in FUNCTIONS:
        conn.create_function(name, nargs, function, deterministic=True)
