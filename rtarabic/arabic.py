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
      the same condition (``للرئيس`` -> ``رئيس``);
   b. then up to two leading ``و`` and one ``ف`` are removed, each only when
      at least three letters remain (``وقال`` -> ``قال``).

   Letters that belong to the word are never removed: a word, or what is left
   of it at any step, that is one of :data:`STEMS` (common words that begin
   with ``و ف ل`` or ``ال``, with an ending such as ``ي ية ات ين ون ه ها``) is
   kept as it is. So ``وزير``, ``فلسطين``, ``فيلم``, ``الله``, ``لبنان`` stay
   themselves, while ``ووزير``, ``والله``, ``للبنان`` lose only their clitics.
   ``ب ك ل`` alone are never removed: they begin too many words. A word not in
   the list may still lose a first letter that is its own (``وقائع`` ->
   ``قائع``); documents and queries lose it alike, so they still meet.

Changing these rules changes what the search index holds: bump
:data:`NORMALIZER_VERSION`, and rebuild the index of an existing archive with
:func:`rebuild_search` (``python -m rtarabic.arabic --rebuild-search FILE``).

:func:`register_functions` exposes the normaliser to SQLite (the archive's FTS
upkeep, Datasette).
"""

import argparse
import functools
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
_ARTICLE = re.compile("^([وف]?[بكل]?)ال(?=..)")
_LIL = re.compile("^([وف]?)لل(?=..)")

#: Bump when the rules change: an archive indexed with another version needs :func:`rebuild_search`.
NORMALIZER_VERSION = 2

# Common words whose first letters look like clitics but belong to the word. Written as the site
# spells them; folded (rule 3) below. A word matches with one of _ENDINGS after it, and a stem in
# taa marbuta also with the ending in its place (وكالة -> وكالات).
_STEM_WORDS = """
وزير وزراء وزارة وطن وطني وقت وقف وضع وفد وفاة ولاية ولد ولادة وكالة وكيل واشنطن ورقة وسط وسيط
وسيلة وسائل وصل وصول وقع وقوع واقع وجه وجهة وحدة وحيد وثيقة وثائق وجود وراء وزن وعد وعود وعي وفق
وفقا ولي واحد واضح والد وادي وارد واسع وافق واجه واجب وصف وظيفة وظائف وقود وباء ورشة ورد وفير
وفرة وصية ولاء وسام ودي ودائع واجهة وتيرة وجبة وريد وسم وحش وحي وفاق وساطة وصاية وعاء ويلز وارسو
وثائقي ويكيليكس وقائي واردات وادع وليد وائل وديع وفاء وداد وجدي وهبي
فلسطين فلسطيني فرنسا فرنسي فيلم فريق فترة فكرة فكر فوز فاز فصل فرصة فرص فرع فروع فضاء فنزويلا
فيروس فيسبوك فيديو فقط فوق فيها فيه فيما فنان فندق فئة فعل فعلا فعالية فحص فرق فرض فرد فراغ فساد
فشل فصائل فصيل فقر فقراء فقدان فقد فلاديمير فنلندا فيتنام فيينا فيفا فورا فوري فوضى فائز فائدة
فاتورة فارق فاعل فاطمة فتح فتاة فجر فخر فرح فرار فرقة فريد فضل فضيحة فلك فهد فهم فوائد فوج فيصل
في فيضان فيل فصول فيزياء فن فنون فني فتوى فتاوى فلوريدا فرجينيا فيرجينيا فرانكفورت فلبين فكتوريا
فورمولا فولاذ فائض فريضة فروق فلاح فادي فراس فارس فاروق فتحي فوزي فايز فهمي فؤاد فرج
لبنان لبناني ليبيا ليبي لندن لجنة لقاء لاعب لعبة لحظة لغة لون لواء لوحة ليل ليلة لحم لجوء لاجئ
لقب لقاح لازم ليتوانيا لاتفيا لوكسمبورغ لاهاي لشبونة ليفربول ليون لافروف لقطة لياقة ليرة لسان
ليلى لينا لؤي
الله الآن الذي التي الذين اللذين اللذان اللتان اللتين اللاتي اللواتي إلى إلا ألف آلاف ألفين
ألعاب ألمانيا ألماني ألبانيا ألباني التزام التقى التقاء التحاق التهاب إلغاء إلزام إلقاء إلحاق
إلكتروني إلكترون آلية اللهم
بالغ بالون
"""
_ENDINGS = ("", "ه", "ها", "هم", "هما", "ي", "يه", "يين", "يون", "ين", "ون", "ات", "ان", "ا", "ت", "وا", "نا")


def _fold(text: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFKC", text)).translate(_FOLD)


#: The protected stems, folded (see rule 4).
STEMS = frozenset(_fold(_STEM_WORDS).split())


def _is_stem(word: str) -> bool:
    for ending in _ENDINGS:
        if word.endswith(ending):
            base = word[: len(word) - len(ending)]
            if base in STEMS or (ending and base + "ه" in STEMS):
                return True
    return False


@functools.lru_cache(maxsize=1 << 16)
def _strip_word(word: str) -> str:
    if _is_stem(word):
        return word
    stem = word
    if match := _ARTICLE.match(word) or _LIL.match(word):
        inner = word[len(match.group(1)):]  # the word without و ف ب ك ل before ال/لل
        if _is_stem(inner):
            return inner  # والله -> الله
        if match.re is _LIL and _is_stem(inner[1:]):
            return inner[1:]  # للبنان -> لبنان (ل + لبنان)
        stem = word[match.end():]
    for letter, times in (("و", 2), ("ف", 1)):
        for _ in range(times):
            if stem.startswith(letter) and len(stem) > 3 and not _is_stem(stem):
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
    text = _fold(text)
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


def rebuild_search(conn: sqlite3.Connection, *, table: str = "articles_search", source: str = "articles",
                   columns: tuple[str, ...] = ("title", "summary", "body")) -> int:
    """Index every row of ``source`` anew in the FTS table ``table``, normalised by this version's rules.

    What an archive indexed under another :data:`NORMALIZER_VERSION` needs, in one transaction.

    Example::

        rebuild_search(sqlite3.connect("output/rtarabic.db"))  # 1234 (articles indexed)

    :param conn: a connection to the archive
    :param table: the FTS5 table, whose rowid is the id of ``source``
    :param source: the table indexed
    :param columns: the columns indexed, the same in both tables
    :return: how many rows were indexed
    """
    register_functions(conn)
    names = ", ".join(columns)
    values = ", ".join(f"arabic_normalize({name})" for name in columns)
    with conn:
        conn.execute(f"delete from {table}")
        cursor = conn.execute(f"insert into {table} (rowid, {names}) select id, {values} from {source}")
    return cursor.rowcount


def main(argv: list[str] | None = None) -> int:
    """``python -m rtarabic.arabic --rebuild-search output/rtarabic.db``: re-index an archive's search."""
    parser = argparse.ArgumentParser(prog="python -m rtarabic.arabic", description=main.__doc__)
    parser.add_argument("--rebuild-search", metavar="FILE", required=True, help="the archive to re-index")
    args = parser.parse_args(argv)
    try:
        conn = sqlite3.connect(f"file:{args.rebuild_search}?mode=rw", uri=True, timeout=30)
        count = rebuild_search(conn)
    except sqlite3.Error as error:
        parser.exit(2, f"cannot rebuild the search index of {args.rebuild_search}: {error}\n")
    conn.close()
    print(f"rebuilt the search index of {count} articles in {args.rebuild_search}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
