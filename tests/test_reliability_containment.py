"""Containment: links to other hosts, other ports on 127.0.0.1, file:, data: and javascript:, and
redirects off the allowed host, are never fetched. A second server on another 127.0.0.1 port (the
"witness") is the target of most of them and must receive nothing."""

import re
import sqlite3

import pytest

from tests.reliability import InProcessReplica, Witness, run_crawl

pytestmark = pytest.mark.slow

SECRET = "containment-witness-file-4f1c"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("containment")
    witness = Witness()
    secret = tmp / "secret.html"
    secret.write_text(f"<html><body><p>{SECRET}</p></body></html>")
    other = f"127.0.0.1:{witness.port}"
    links = [
        f"http://{other}/world/1999999-offsite-article/",
        f"http://localhost:{witness.port}/world/1999998-offsite-article/",
        f"//{other}/world/1999997-protocol-relative/",
        f"http://{other}/tags/russia/",
        f"http://{other}/rss/",
        "http://offsite.invalid/world/1999996-other-host/",
        "https://evil.invalid/world/1999995-other-host/",
        f"file://{secret}",
        f"file://{secret.parent}/world/1999994-file/",
        "data:text/html;base64,PGEgaHJlZj0iaHR0cDovLzEyNy4wLjAuMTo5L3dvcmxkLzE5OTk5OTMteC8iPng8L2E+",
        f"javascript:location.href='http://{other}/world/1999992-js/'",
        f"ftp://{other}/world/1999991-ftp/",
    ]
    anchors = "".join(f'<a href="{href}">رابط {i}</a> ' for i, href in enumerate(links))
    items = "".join(f"<item><title>x</title><link>{href}</link></item>" for href in links)

    def inject(body: str, content_type: str) -> str:
        if "rss" in content_type:
            return body.replace("</channel>", items + "</channel>", 1)
        if "html" not in content_type:
            return body
        body = body.replace("</p>", anchors + "</p>", 1)  # inside the article's own text
        return body.replace("</body>", f"<div>{anchors}</div></body>") if "</body>" in body else body + anchors

    replica = InProcessReplica(articles=60, transform=inject)
    site = replica.site
    ids = site.article_ids()
    targets = {
        ids[-1]: f"http://{other}/world/{ids[-1]}-moved/",
        ids[-2]: f"http://localhost:{witness.port}/world/{ids[-2]}-moved/",
        ids[-3]: f"file://{secret}",
        ids[-4]: f"http://offsite.invalid/world/{ids[-4]}-moved/",
    }
    for article_id, target in targets.items():
        replica.overrides[site.path(article_id)] = lambda handler, target=target: handler.redirect(302, target)
    log, db = tmp / "crawl.log", tmp / "archive.db"
    code = run_crawl(replica.base_url, db, log, LOG_LEVEL="DEBUG")
    yield {"witness": witness, "code": code, "log": log.read_text(), "db": db, "site": site,
           "redirected": set(targets), "base_url": replica.base_url}
    replica.stop()
    witness.stop()


def test_the_witness_received_nothing(setup):
    assert setup["witness"].requests == []


def test_only_the_allowed_host_was_fetched(setup):
    fetched = re.findall(r"Crawled \(\d+\) <(?:GET|HEAD|POST) (\S+)>", setup["log"])
    assert fetched, "the crawl fetched nothing"
    assert [url for url in fetched if not url.startswith(setup["base_url"] + "/")] == []
    assert "DNSLookupError" not in setup["log"]
    assert SECRET not in setup["log"]


def test_the_crawl_went_on_normally(setup):
    site = setup["site"]
    with sqlite3.connect(setup["db"]) as conn:
        stored = {row[0] for row in conn.execute("select id from articles")}
        texts = " ".join(" ".join(filter(None, row)) for row in conn.execute("select title, summary, body from articles"))
    assert stored == set(site.article_ids()) - setup["redirected"]
    assert SECRET not in texts
