"""Tests of the SQLite archive (rtarabic/archive.py) on real files."""

import dataclasses
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from rtarabic import archive as archive_module
from rtarabic.archive import (
    SCHEMA_VERSION,
    Archive,
    ArchiveLookup,
    ArchiveTooNew,
    check_version,
    open_lookup,
    schema_version,
)
from rtarabic.items import EXPORT_FIELDS, ArticleItem, schema_errors


def article(id=1, title="ذهب مُحَمَّد إلى البيت", body="نص المقال الأول.\n\nفقرة ثانية.", **changes) -> ArticleItem:
    fields = dict(
        id=id,
        url=f"https://arabic.rt.com/world/{id}-slug/",
        section="world",
        section_name="العالم",
        title=title,
        summary="ملخص الخبر",
        body=body,
        source="RT",
        published="2024-03-12T08:00:00+00:00",
        modified=None,
        author=None,
        tags=[{"name": "مصر", "slug": "egypt"}],
        image={"url": "https://cdni.rt.com/a.jpg", "caption": "صورة", "credit": "رويترز"},
        links=["https://example.org/x"],
        word_count=len(body.split()),
        content_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        crawled_at="2024-03-12T09:00:00+00:00",
    )
    fields.update(changes)
    if "content_hash" not in changes:
        fields["content_hash"] = hashlib.sha256(f"{fields['title']}\n{fields['body']}".encode()).hexdigest()
    return ArticleItem(**fields)


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    yield archive
    archive.close()


def totals(**given) -> dict:
    """What ``upsert_articles`` returns: ``given`` counts, every other one 0."""
    return {"new": 0, "updated": 0, "unchanged": 0, "aliases": 0, "withdrawn": 0, "reinstated": 0, **given}


def exported(item: ArticleItem) -> dict:
    row = dataclasses.asdict(item)
    return {name: row[name] for name in EXPORT_FIELDS}


def test_helper_articles_are_valid():
    assert schema_errors(exported(article())) == []


def test_schema(archive):
    assert set(archive.db.table_names()) >= {
        "articles", "tags", "article_tags", "revisions", "aliases", "runs", "listings", "articles_search"
    }
    columns = [c.name for c in archive.db.table("articles").columns]
    assert columns == [*EXPORT_FIELDS, "first_seen", "last_seen", "revision_count", "warc_file", "warc_offset",
                       "withdrawn_at"]
    indexed = {tuple(index.columns) for index in archive.db.table("articles").indexes}
    assert {("published",), ("section",)} <= indexed
    assert archive.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert archive.db.execute("pragma busy_timeout").fetchone()[0] > 0


def test_reopening_keeps_everything(tmp_path):
    Archive(tmp_path / "a.db").upsert_articles([article(1)])
    again = Archive(tmp_path / "a.db")
    assert again.known_ids() == {1}


def test_insert_stores_whole_row(archive):
    assert archive.upsert_articles([article(1)]) == totals(new=1)
    row = archive.db.table("articles").get(1)
    expected = exported(article(1))
    for name in ("tags", "image", "links"):
        expected[name] = json.dumps(expected[name], ensure_ascii=False)
    assert row == {
        **expected,
        "first_seen": "2024-03-12T09:00:00+00:00",
        "last_seen": "2024-03-12T09:00:00+00:00",
        "revision_count": 0,
        "warc_file": None,
        "warc_offset": None,
        "withdrawn_at": None,
    }
    assert list(archive.db.table("tags").rows) == [{"slug": "egypt", "name": "مصر"}]
    assert list(archive.db.table("article_tags").rows) == [{"article_id": 1, "tag_slug": "egypt"}]


def test_null_image_is_stored_as_null(archive):
    archive.upsert_articles([article(1, image=None)])
    assert archive.db.table("articles").get(1)["image"] is None


def test_upsert_twice_no_duplicate(archive):
    archive.upsert_articles([article(1), article(2)])
    counts = archive.upsert_articles([article(1, crawled_at="2024-03-13T09:00:00+00:00"), article(2)])
    assert counts == totals(unchanged=2)
    assert archive.db.table("articles").count == 2
    assert archive.db.table("article_tags").count == 2
    assert archive.db.execute("select count(*) from articles_search").fetchone()[0] == 2
    assert archive.db.table("revisions").count == 0
    row = archive.db.table("articles").get(1)
    assert (row["first_seen"], row["last_seen"]) == ("2024-03-12T09:00:00+00:00", "2024-03-13T09:00:00+00:00")


def test_changed_hash_updates_row_and_adds_one_revision(archive):
    archive.upsert_articles([article(1)])
    edited = article(
        1, body="نص معدل بعد التحديث.", modified="2024-03-12T10:00:00+00:00",
        tags=[{"name": "روسيا", "slug": "russia"}], crawled_at="2024-03-12T11:00:00+00:00",
    )
    assert archive.upsert_articles([edited])["updated"] == 1
    row = archive.db.table("articles").get(1)
    assert (row["body"], row["content_hash"], row["revision_count"]) == (edited.body, edited.content_hash, 1)
    original = article(1)
    assert list(archive.db.table("revisions").rows) == [
        {
            "id": 1,
            "article_id": 1,
            "content_hash": original.content_hash,
            "title": original.title,
            "summary": original.summary,
            "body": original.body,
            "modified": None,
            "replaced_at": "2024-03-12T11:00:00+00:00",
            "warc_file": None,
            "warc_offset": None,
            "reason": "edit",
        }
    ]
    assert list(archive.db.table("article_tags").rows) == [{"article_id": 1, "tag_slug": "russia"}]
    # The search index follows the edit.
    assert [r["id"] for r in archive.search("معدل")] == [1]
    assert archive.search("الأول") == []
    # Same content again: no second revision.
    assert archive.upsert_articles([edited])["unchanged"] == 1
    assert archive.db.table("revisions").count == 1


def test_same_id_twice_in_one_batch(archive):
    counts = archive.upsert_articles([article(1), article(1, body="نسخة ثانية من النص.")])
    assert counts == totals(new=1, updated=1)
    assert archive.db.table("articles").count == 1


def test_failed_batch_stores_nothing(archive):
    broken = article(2, title=None)  # violates NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        archive.upsert_articles([article(1), broken])
    assert archive.known_ids() == set()
    assert archive.db.table("article_tags").count == 0
    assert archive.db.execute("select count(*) from articles_search").fetchone()[0] == 0


def test_alias_recorded_once(archive):
    archive.upsert_articles([article(1)])
    assert archive.add_alias(1, 1500000, "id") is True
    assert archive.add_alias(1, "1500000", "id") is False
    assert archive.add_alias(1, "https://arabic.rt.com/news/1500000-copy/", "url") is True
    assert archive.add_alias(1, 1, "id") is False  # an article is not its own alias
    rows = [{k: r[k] for k in ("alias", "kind", "article_id")} for r in archive.db.table("aliases").rows]
    assert rows == [
        {"alias": "1500000", "kind": "id", "article_id": 1},
        {"alias": "https://arabic.rt.com/news/1500000-copy/", "kind": "url", "article_id": 1},
    ]
    with pytest.raises(ValueError, match="kind"):
        archive.add_alias(1, "x", "slug")


def test_aliases_in_upsert_batch(archive):
    counts = archive.upsert_articles([article(1)], aliases=[(1, "99", "id"), (1, "99", "id")])
    assert counts["aliases"] == 1
    assert archive.db.table("aliases").count == 1


def test_known_ids_recent_ids_known_hashes(archive):
    archive.upsert_articles(
        [article(1, published="2024-01-01T00:00:00+00:00"), article(2, title="عنوان آخر",
                                                                  published="2024-03-12T08:00:00+00:00")]
    )
    assert archive.known_ids() == {1, 2}
    assert archive.recent_ids("2024-03-01T00:00:00+00:00") == {2}
    assert archive.known_hashes() == {article(1).content_hash: 1, article(2, title="عنوان آخر").content_hash: 2}


def test_known_ids_include_ids_recorded_as_aliases(archive):
    archive.upsert_articles([article(1)], aliases=[(1, "1500000", "id"), (1, "https://arabic.rt.com/x/7-a/", "url")])
    assert archive.known_ids() == {1, 1500000}
    assert archive.recent_ids("2000-01-01T00:00:00+00:00") == {1}  # an alias is never revisited


def test_lookup_answers_what_known_ids_and_known_hashes_hold(archive):
    archive.upsert_articles([article(1), article(2, title="عنوان آخر")], aliases=[(1, "1500000", "id"),
                                                                               (1, "77", "url")])
    lookup = ArchiveLookup(archive.path)
    try:
        assert [i for i in (1, 2, 3, 77, 1500000) if lookup.is_known(i)] == [1, 2, 1500000]
        for digest, article_id in archive.known_hashes().items():
            assert lookup.id_for_hash(digest) == article_id
            assert lookup.hash_for_id(article_id) == digest
        assert lookup.id_for_hash("0" * 64) is None and lookup.hash_for_id(3) is None
        # It sees what another connection commits later (the feed storage, during a run).
        archive.upsert_articles([article(3, title="ثالث")])
        assert lookup.is_known(3)
        with pytest.raises(sqlite3.OperationalError):
            lookup.conn.execute("delete from articles")
    finally:
        lookup.close()


def test_lookup_queries_use_indexes(archive):
    plans = {
        sql: " ".join(row[-1] for row in archive.db.execute(f"explain query plan {sql}", params))
        for sql, params in (("select id from articles where content_hash = ? order by id desc limit 1", ["x"]),
                            ("select 1 from aliases where alias = ? and kind = 'id'", ["1"]))
    }
    assert all("USING" in plan and "SCAN" not in plan for plan in plans.values()), plans


def test_open_lookup_adds_the_hash_index_to_an_older_archive(tmp_path):
    path = tmp_path / "old.db"
    Archive(path).close()
    with sqlite3.connect(path) as conn:
        (name,) = [row[0] for row in conn.execute("select name from sqlite_master where type = 'index'"
                                                 " and sql like '%content_hash%'")]
        conn.execute(f"drop index {name}")
        conn.execute("pragma user_version = 0")  # as written before schema versions
    assert open_lookup(tmp_path / "missing.db") is None
    lookup = open_lookup(path)
    lookup.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from sqlite_master where type = 'index'"
                            " and sql like '%content_hash%'").fetchone() == (1,)


def test_listing_coverage_round_trip(archive):
    assert archive.listing_coverage() == {}
    first = archive.start_run()
    archive.upsert_articles([article(1)], listings={"section:world": 1849596, "tag:Gaza": 1849000}, run_id=first)
    assert archive.listing_coverage() == {"section:world": 1849596, "tag:Gaza": 1849000}
    second = archive.start_run()
    archive.upsert_articles([], listings={"section:world": 1849700, "home": 1849701}, run_id=second)
    rows = {r["key"]: (r["covered_top"], r["run_id"]) for r in archive.db.table("listings").rows}
    assert rows == {"section:world": (1849700, second), "tag:Gaza": (1849000, first), "home": (1849701, second)}
    assert all(r["walked_at"] for r in archive.db.table("listings").rows)
    assert archive.upsert_articles([]) == totals()
    assert archive.listing_coverage()["section:world"] == 1849700


def test_failed_batch_records_no_coverage(archive):
    with pytest.raises(sqlite3.IntegrityError):
        archive.upsert_articles([article(1), article(2, title=None)], listings={"section:world": 2})
    assert archive.listing_coverage() == {}


@pytest.mark.parametrize(
    "queries,expected",
    [
        (("مُحَمَّد", "محمد", "ومحمد"), [1]),
        (("أحمد", "احمد", "إحمد"), [2]),
        (("البيت", "بيت", "وبالبيت"), [1, 3]),
        (("مدرسة", "مدرسه"), [3]),
        (("مستشفى", "مستشفي"), [2]),
    ],
)
def test_search_finds_every_spelling(archive, queries, expected):
    archive.upsert_articles(
        [
            article(1, title="ذهب مُحَمَّد إلى البيت"),
            article(2, title="أحمد في المستشفى"),
            article(3, title="بيت قرب المدرسة", body="نص آخر"),
        ]
    )
    for query in queries:
        assert sorted(r["id"] for r in archive.search(query)) == expected, query


def test_search_ignores_fts_syntax(archive):
    archive.upsert_articles([article(1)])
    assert archive.search('"') == []
    assert archive.search("محمد OR") == []  # "OR" is a word to find, not an operator
    assert [r["id"] for r in archive.search("مح", prefix=True)] == [1]


def test_runs(archive):
    run_id = archive.start_run({"spider": "rtarabic"}, started="2024-03-12T09:00:00+00:00")
    archive.finish_run(run_id, finish_reason="finished", new=2, updated=1, unchanged=0, dropped=3,
                       failed=1, blocked=0, requests=40, exit_status=0, summary="Healthy.",
                       warc_files=["rtarabic-20240312T090000-00000.warc.gz"], not_stored={"extract_failed": 1})
    row = archive.db.table("runs").get(run_id)
    assert row["finished"] is not None
    del row["finished"]
    assert row == {
        "id": run_id, "started": "2024-03-12T09:00:00+00:00", "arguments": '{"spider": "rtarabic"}',
        "finish_reason": "finished", "new": 2, "updated": 1, "unchanged": 0, "dropped": 3, "failed": 1,
        "blocked": 0, "requests": 40, "exit_status": 0, "summary": "Healthy.",
        "warc_files": '["rtarabic-20240312T090000-00000.warc.gz"]', "not_stored": '{"extract_failed": 1}',
    }
    with pytest.raises(TypeError, match="bogus"):
        archive.finish_run(run_id, bogus=1)


def test_reader_sees_committed_rows_while_writer_holds_transaction(tmp_path):
    writer = Archive(tmp_path / "a.db")
    writer.upsert_articles([article(1)])
    reader = sqlite3.connect(tmp_path / "a.db")
    with writer.db.atomic():
        writer.db.table("articles").update(1, {"title": "قيد الكتابة"})
        # WAL: the reader is not blocked and sees the last committed version.
        assert reader.execute("select title from articles").fetchall() == [(article(1).title,)]
    assert reader.execute("select title from articles").fetchall() == [("قيد الكتابة",)]


# --- schema versions (issue 11) -------------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "archive-unversioned.db"


def table_rows(path, table: str) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"select * from [{table}] order by rowid")]
    finally:
        conn.close()


def test_upgrade_of_an_archive_written_before_versioning_keeps_every_row(tmp_path):
    # Issue 11: an archive written by the release before schema versions (tests/fixtures/README.md).
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    before = {table: table_rows(path, table) for table in
              ("articles", "tags", "article_tags", "revisions", "aliases", "runs", "listings")}
    assert schema_version(sqlite3.connect(path)) == 0

    def fts_count(word):
        with sqlite3.connect(path) as conn:
            return conn.execute("select count(*) from articles_search where articles_search match ?", [word]).fetchone()[0]

    # The previous release's normaliser stripped the و of وزير: its index holds زير instead.
    assert (fts_count("وزير"), fts_count("زير")) == (0, 10)
    assert (len(before["articles"]), len(before["revisions"]), len(before["aliases"]), len(before["runs"])) == \
        (20, 1, 1, 2)

    archive = Archive(path)
    assert schema_version(archive.db) == SCHEMA_VERSION == 3
    added = {"articles": {"extraction", "warc_file", "warc_offset", "withdrawn_at"},
             "revisions": {"warc_file", "warc_offset", "reason"}, "runs": {"warc_files", "not_stored"}}
    for table, rows in before.items():
        after = table_rows(path, table)
        assert set(after[0]) - set(rows[0]) == added.get(table, set()), table
        assert [{k: row[k] for k in rows[0]} for row in after] == rows, table
        if table in ("articles", "runs"):
            assert {row[k] for row in after for k in added[table]} == {None}, table
    assert [(r["reason"], r["warc_file"]) for r in archive.db.table("revisions").rows] == [("edit", None)]
    # Step 3 indexed the articles again by today's rules.
    assert (fts_count("وزير"), fts_count("زير")) == (10, 0)
    assert len(archive.search("وزير")) == 10
    assert archive.db.table("article_events").count == 0
    # The old search index still answers, and the archive takes new rows.
    first = before["articles"][0]
    assert first["id"] in [row["id"] for row in archive.search(first["title"])]
    assert archive.upsert_articles([article(7)])["new"] == 1
    archive.close()
    assert Archive(path).known_ids() >= {7, *(row["id"] for row in before["articles"])}


def test_a_failed_upgrade_changes_nothing(tmp_path, monkeypatch):
    # Issue 11: the upgrade is one transaction; a step that fails leaves the old archive as it was.
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    before = {table: table_rows(path, table) for table in ("articles", "revisions", "runs")}

    def broken(db):
        db.execute("alter table articles add column half_done text")
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(archive_module, "MIGRATIONS", (archive_module.MIGRATIONS[0], broken))
    with pytest.raises(sqlite3.OperationalError, match="simulated"):
        Archive(path)
    with sqlite3.connect(path) as conn:
        assert schema_version(conn) == 0
        assert "half_done" not in [row[1] for row in conn.execute("pragma table_info(articles)")]
        assert conn.execute("select count(*) from articles").fetchone() == (20,)
        assert conn.execute("select count(*) from sqlite_master where name = 'article_events'").fetchone() == (0,)
    assert {table: table_rows(path, table) for table in before} == before
    # The cause gone, the next opening upgrades it.
    monkeypatch.undo()
    Archive(path).close()
    assert check_version(path) == SCHEMA_VERSION
    assert [{k: row[k] for k in before["articles"][0]} for row in table_rows(path, "articles")] == before["articles"]


def test_an_archive_newer_than_the_code_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    conn.close()  # the last connection out checkpoints the WAL: the file itself is what is compared
    snapshot = path.read_bytes()
    message = f"archive {path} has schema version 4, newer than this release's 3"
    with pytest.raises(ArchiveTooNew, match=message):
        check_version(path)
    with pytest.raises(ArchiveTooNew, match=message):
        Archive(path)
    assert path.read_bytes() == snapshot
    assert check_version(tmp_path / "missing.db") == 0


def test_a_fresh_archive_is_at_the_current_version_and_reopens_without_writing(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    assert check_version(path) == SCHEMA_VERSION
    mtime = path.stat().st_mtime_ns
    Archive(path).close()
    assert path.stat().st_mtime_ns == mtime


# --- withdrawn articles, re-extractions (issue 11) -------------------------------------------


def test_withdrawal_keeps_the_row_and_a_later_200_clears_it(archive):
    archive.upsert_articles([article(1), article(2)])
    counts = archive.upsert_articles([], withdrawals=[(1, 410, "2024-03-13T08:00:00+00:00"),
                                                      (99, 404, "2024-03-13T08:00:00+00:00")], run_id=5)
    assert counts == totals(withdrawn=1)  # 99 was never archived: nothing to withdraw
    assert archive.known_ids() == {1, 2}
    assert [(r["id"], r["withdrawn_at"]) for r in archive.withdrawn()] == [(1, "2024-03-13T08:00:00+00:00")]
    # Still gone a day later: the first withdrawal time stays.
    assert archive.upsert_articles([], withdrawals=[(1, 404, "2024-03-14T08:00:00+00:00")]) == totals()
    assert archive.db.table("articles").get(1)["withdrawn_at"] == "2024-03-13T08:00:00+00:00"

    back = article(1, crawled_at="2024-03-15T08:00:00+00:00")
    assert archive.upsert_articles([back], run_id=6) == totals(unchanged=1, reinstated=1)
    assert archive.withdrawn() == []
    events = [{k: r[k] for k in ("article_id", "event", "at", "detail", "run_id")}
              for r in archive.db.table("article_events").rows]
    assert events == [
        {"article_id": 1, "event": "withdrawn", "at": "2024-03-13T08:00:00+00:00", "detail": "HTTP 410", "run_id": 5},
        {"article_id": 1, "event": "reinstated", "at": "2024-03-15T08:00:00+00:00",
         "detail": "withdrawn since 2024-03-13T08:00:00+00:00", "run_id": 6},
    ]


def test_reextraction_revisions_are_marked_and_keep_their_warc_record(archive):
    first = article(1, warc_file="rtarabic-a-00000.warc.gz", warc_offset=0)
    archive.upsert_articles([first, article(2, warc_file="rtarabic-a-00000.warc.gz", warc_offset=9000)])
    edited = article(1, body="نص جديد.", warc_file="rtarabic-b-00000.warc.gz", warc_offset=512)
    assert archive.upsert_articles([edited])["updated"] == 1
    reread = article(1, body="نص جديد أصلح.", warc_file="rtarabic-b-00000.warc.gz", warc_offset=512)
    assert archive.upsert_articles([reread], reason="re-extraction")["updated"] == 1
    revisions = [(r["reason"], r["body"], r["warc_file"], r["warc_offset"]) for r in archive.db.table("revisions").rows]
    assert revisions == [("edit", first.body, "rtarabic-a-00000.warc.gz", 0),
                         ("re-extraction", "نص جديد.", "rtarabic-b-00000.warc.gz", 512)]
    # Fetched again without capture, unchanged: the row keeps pointing at the record of its text.
    archive.upsert_articles([article(2)])
    assert (archive.db.table("articles").get(2)["warc_file"], archive.db.table("articles").get(2)["warc_offset"]) \
        == ("rtarabic-a-00000.warc.gz", 9000)
    with pytest.raises(ValueError, match="revision reason"):
        archive.upsert_articles([], reason="whim")
