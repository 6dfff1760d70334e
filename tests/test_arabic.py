"""Tests of the Arabic search normaliser (rtarabic/arabic.py) and its SQL functions."""

import sqlite3

import pytest

from rtarabic.arabic import (
    STEMS,
    fts_query,
    main,
    normalize_arabic,
    rebuild_search,
    register_functions,
    search_tokens,
)
from rtarabic.archive import Archive


@pytest.mark.parametrize(
    "variants",
    [
        ("مُحَمَّد", "محمد", "ومحمد", "مـحـمـد"),
        ("أحمد", "احمد", "إحمد"),
        ("البيت", "بيت", "وبالبيت", "للبيت", "فالبيت", "كالبيت"),
        ("مدرسة", "مدرسه", "المدرسة"),
        ("مستشفى", "مستشفي", "المستشفى"),
        ("مسؤول", "مسئول"),
        ("آدم", "ادم", "ٱدم"),
        ("فلسطين", "وفلسطين", "الفلسطين"),
        ("وزير", "ووزير", "الوزير"),
        ("الله", "والله", "بالله"),
        ("لبنان", "للبنان", "ولبنان"),
        ("ليبيا", "لليبيا"),
        ("لجنة", "اللجنة", "للجنة"),
        ("ألعاب", "الألعاب", "والألعاب"),
        ("التزام", "الالتزام"),
        ("وكالة", "الوكالة"),
        ("الوقائع", "وقائع"),
    ],
)
def test_spellings_meet(variants):
    assert {normalize_arabic(v) for v in variants} == {normalize_arabic(variants[0])}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("مُحَمَّد", "محمد"),
        ("وبالبيت", "بيت"),
        ("مدرسة", "مدرسه"),
        ("مستشفى", "مستشفي"),
        ("إبراهيم", "ابراهيم"),
        # Too short to lose the article or a conjunction: kept whole.
        ("الم", "الم"),
        ("وفد", "وفد"),
        ("لله", "لله"),
        # Real clitics go (issue 13).
        ("وقال", "قال"),
        ("فقال", "قال"),
        ("بالحرب", "حرب"),
        ("للرئيس", "رءيس"),
        ("كالعادة", "عاده"),
        ("وفلسطين", "فلسطين"),
        ("ووزير", "وزير"),
        # Quranic marks go, the superscript (dagger) alef too: news text spells
        # the long vowel with a plain alef, which stays.
        ("ذٰلِكَ ٱلْكِتَٰبُ", "ذلك كتب"),
        ("ذلك الكتابُ", "ذلك كتاب"),
        ("٢٠٢٤ و۱۲", "2024 و12"),
        ("Putin بوتين", "Putin بوتين"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_arabic(text, expected):
    assert normalize_arabic(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [("وبالبيت", "وبالبيت"), ("مُحَمَّدٌ", "محمد"), ("المدرسة", "المدرسه"), ("أحمد", "احمد")],
)
def test_normalize_without_prefix_stripping(text, expected):
    assert normalize_arabic(text, strip_prefixes=False) == expected


def test_normalize_is_idempotent():
    text = "ذهب مُحَمَّد إلى البيت، وفي المستشفى التقى وزير الصحة الفلسطيني"
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@pytest.mark.parametrize(
    "text,prefix,expected",
    [
        ("وَمُحَمَّد في البيت", False, '"محمد" "في" "بيت"'),
        ("أحمد", True, '"احمد"*'),
        # FTS5 syntax in user input is quoted away.
        ('محمد OR "x" NEAR(', False, '"محمد" "OR" "x" "NEAR"'),
        ("*** ( )", False, ""),
    ],
)
def test_fts_query(text, prefix, expected):
    assert fts_query(text, prefix=prefix) == expected


def test_search_tokens():
    assert search_tokens("البيت، ومحمد!") == ["بيت", "محمد"]


@pytest.mark.parametrize(
    "sql,expected",
    [
        ("select arabic_normalize('مُحَمَّد')", "محمد"),
        ("select arabic_normalize('وبالبيت')", "بيت"),
        ("select arabic_normalize(null)", None),
        ("select arabic_fts_query('أحمد البيت')", '"احمد" "بيت"'),
        ("select arabic_fts_query('أحمد', 1)", '"احمد"*'),
        ("select arabic_fts_query(null)", None),
    ],
)
def test_register_functions(sql, expected):
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    assert conn.execute(sql).fetchone()[0] == expected


def test_sql_functions_drive_fts5_search():
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    conn.execute("create virtual table docs using fts5(body)")
    rows = ["ذهب مُحَمَّد إلى البيت", "أحمد إبراهيم آدم", "بيت صغير", "وبالبيت ضيوف", "المدرسة"]
    conn.executemany("insert into docs (rowid, body) values (?, arabic_normalize(?))", enumerate(rows, 1))

    def found(query):
        sql = "select rowid from docs where docs match arabic_fts_query(?) order by rowid"
        return [r[0] for r in conn.execute(sql, [query])]

    assert found("محمد") == found("ومحمد") == found("مُحَمَّد") == [1]
    assert found("احمد ابراهيم") == [2]
    assert found("بيت") == found("البيت") == [1, 3, 4]
    assert found("مدرسه") == [5]


# Issue 13: words whose first letters look like clitics but belong to the word. Each must come out
# whole (only folded), and so must the same word after a clitic.
STEM_INITIAL = [
    "فلسطين", "فرنسا", "لبنان", "ليبيا", "الله", "بريطانيا", "كندا", "وزير", "وطن", "فيلم",
    "فلسطينيين", "فلسطيني", "فرنسية", "وزارة", "وزراء", "وكالة", "وكالات", "ولاية", "ولايات",
    "وقت", "واشنطن", "وفاة", "فريق", "فكرة", "فترة", "فيروس", "فيديو", "فقط", "فيها", "فيهم", "لندن",
    "لجنة", "لقاء", "بلجيكا", "بغداد", "كوريا", "كرة", "الآن", "الذي", "التي", "الذين", "إلى", "إليه",
    "آلية", "ألمانيا", "ألعاب", "التزام", "إلكتروني", "اللهم", "والده", "بالغة", "وصول", "وجود",
    # Names (وليد was stripped to ليد).
    "وليد", "وائل", "فيصل", "فؤاد", "فارس", "فادي", "لافروف", "ليلى",
]


@pytest.mark.parametrize("word", STEM_INITIAL)
def test_letters_of_the_word_are_kept(word):
    assert normalize_arabic(word) == normalize_arabic(word, strip_prefixes=False)


@pytest.mark.parametrize("word", STEM_INITIAL)
@pytest.mark.parametrize("clitic", ["و", "ف"])
def test_a_clitic_before_a_stem_goes_and_the_stem_stays(word, clitic):
    if word.startswith(clitic) and not word.startswith(clitic * 2):
        assert normalize_arabic(clitic + word) == normalize_arabic(word, strip_prefixes=False)


@pytest.mark.parametrize("word", [w for w in STEM_INITIAL if not w.startswith(("ال", "إل", "آل", "أل"))])
@pytest.mark.parametrize("article", ["ال", "وال", "بال", "فال"])
def test_the_article_before_a_stem_goes_and_the_stem_stays(word, article):
    assert normalize_arabic(article + word) == normalize_arabic(word, strip_prefixes=False)


# Issue 13: common words that the old rule merged (وزير = زير, الله = له, فكرة = كرة, للجنة = الجنة,
# الآن = أن, فيهم = يهم, اللهم = لهم), beside each other and beside common words: all stay apart.
DISTINCT = [
    "وزير", "زير", "الله", "له", "فكرة", "كرة", "لجنة", "جنة", "الآن", "أن", "فيهم", "يهم", "اللهم",
    "لهم", "وحدة", "حدة", "فساد", "ساد", "وجود", "جود", "وقود", "قود", "فريق", "ريق", "لبنان", "بنان",
    "وعود", "عود", "والده", "ده", "فلسطين", "فرنسا", "ليبيا", "بريطانيا", "كندا", "وطن", "طن", "فيلم",
    "قال", "حرب", "رئيس", "عادة", "محمد", "بيت", "مدرسة", "دولة", "حكومة", "رئاسة", "وكالة", "كالة",
]


def test_distinct_common_words_never_merge():
    normalised = {}
    for word in DISTINCT:
        normalised.setdefault(normalize_arabic(word), []).append(word)
    assert [words for words in normalised.values() if len(words) > 1] == []


@pytest.mark.parametrize("word", STEM_INITIAL + DISTINCT + ["وبالبيت", "وقائع", "للرئيس", "والألعاب"])
def test_normalizing_twice_changes_nothing(word):
    once = normalize_arabic(word)
    assert normalize_arabic(once) == once


def test_stems_are_folded():
    assert "الان" in STEMS and "الآن" not in STEMS
    assert all(normalize_arabic(stem, strip_prefixes=False) == stem for stem in STEMS)


def stale_archive(path):
    """An archive whose search index was written by an older rule (``زير`` for ``وزير``)."""
    archive = Archive(path)
    archive.db.table("articles").insert(
        {"id": 7, "url": "https://arabic.rt.com/world/7-x/", "title": "وزير الخارجية الفرنسي",
         "body": "قال الوزير في فلسطين", "content_hash": "h", "revision_count": 0})
    archive.db.execute("insert into articles_search (rowid, title, summary, body) values (7, 'زير', '', 'لسطين')")
    archive.db.conn.commit()
    return archive


def test_rebuild_search_reindexes_with_the_current_rules(tmp_path):
    archive = stale_archive(tmp_path / "rtarabic.db")
    assert archive.search("وزير") == []
    assert rebuild_search(archive.db.conn) == 1
    assert [row["id"] for row in archive.search("وزير")] == [7]
    assert [row["id"] for row in archive.search("وفلسطين")] == [7]
    assert archive.search("زير") == []
    archive.close()


def test_rebuild_search_command(tmp_path, capsys):
    stale_archive(tmp_path / "rtarabic.db").close()
    assert main(["--rebuild-search", str(tmp_path / "rtarabic.db")]) == 0
    assert capsys.readouterr().out == f"rebuilt the search index of 1 articles in {tmp_path / 'rtarabic.db'}\n"
    with pytest.raises(SystemExit) as exit_:
        main(["--rebuild-search", str(tmp_path / "missing.db")])
    assert exit_.value.code == 2
    assert "cannot rebuild the search index" in capsys.readouterr().err
