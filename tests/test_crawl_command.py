"""`scrapy crawl rtarabic` refuses what it cannot do before it starts (rtarabic/commands/crawl.py)."""

from rtarabic.feeds import path_to_uri


def test_overwriting_the_archive_is_a_usage_error(crawl, replica, tmp_path):
    # -O on the SQLite archive would truncate it; the command refuses before any request.
    db = tmp_path / "kept.db"
    first = crawl(replica.base_url, "-a", "sections=sport", "-a", "max_pages=1", archive=True,
                  RTARABIC_DB=str(db), RTARABIC_HEALTH_ENABLED=False)
    assert first.returncode == 0, first.log[-2000:]
    assert first.items
    before = db.read_bytes()

    for target in (path_to_uri(db), str(db)):
        refused = crawl(replica.base_url, "-O", target)
        assert refused.returncode == 2, refused.log[-2000:]
        assert "Refusing to overwrite the SQLite archive" in refused.log
        assert "Task exception" not in refused.log
        assert refused.stats == {}
    assert db.read_bytes() == before
