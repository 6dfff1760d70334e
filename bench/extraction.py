"""Extraction: our ``extract_article`` against ``trafilatura.extract`` on the same replica pages.

Pages are rendered once from a fault-free replica site (the same HTML its server sends) for
every template: each desktop DOM generation, the AMP copy, and the unknown redesign ("drift").
The timed loops do no I/O. Per template and per extractor:

- body F1: bag-of-words (multiset) overlap of the extracted body with the truth body, summed
  over the pages; ``exact``: the share of pages whose body equals the truth exactly (for
  trafilatura, its text with one paragraph a line, compared paragraph by paragraph);
- leaks: paragraphs of the extracted body that are page furniture (the replica's own list of
  furniture texts: headlines of other articles, card labels, widget lines, captions, credits);
- time per page, the extractors taking turns page by page.

On drift pages ours also reports ``stored`` (title, body and publication date present, so the
item passes validation) and ``meta_exact`` (title, lead and both dates equal the truth).
"""

import time
from collections import Counter
from datetime import UTC, datetime

import trafilatura

from rtarabic.boilerplate import headline_key
from rtarabic.extract import extract_article
from rtarabic.text import normalize

TEMPLATES = ("classic", "current", "main_article", "amp", "drift")
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _site(articles: int, seed: int):
    from tests.replica.generator import Site

    return Site(articles=articles, seed=seed, now=NOW, faults=False)


def render(site, article_id: int, template: str) -> tuple[str, bytes]:
    """(url, html) of an article in ``template``."""
    from tests.replica import pages

    url = site.base_url + (site.amp_path(article_id) if template == "amp" else site.path(article_id))
    html = pages.article_page(site, article_id, amp=template == "amp", drift=template == "drift")
    return url, html.encode("utf-8")


def pages_by_template(site, per_template: int) -> dict[str, list[tuple[int, str, bytes]]]:
    """``per_template`` pages of each template, spread over the site's ids."""
    by_layout: dict[str, list[int]] = {}
    for article_id in site.article_ids():
        by_layout.setdefault(site.entries[article_id].layout, []).append(article_id)
    everyone = site.article_ids()
    chosen = {layout: ids for layout, ids in by_layout.items()}
    chosen["amp"] = everyone
    chosen["drift"] = everyone
    result = {}
    for template in TEMPLATES:
        ids = chosen.get(template, [])
        step = max(1, len(ids) // per_template)
        result[template] = [(i, *render(site, i, template)) for i in ids[::step][:per_template]]
    return result


def furniture_texts(site, article_id: int) -> set[str]:
    """Keys (``headline_key``) of every furniture text of the page: the replica's own list when
    it keeps one in the truth record, else its boilerplate strings, plus caption and credit."""
    truth = site.truth(article_id)
    listed = (truth.get("replica") or {}).get("furniture")
    texts = list(listed) if listed else site.boilerplate(article_id)
    image = truth.get("image") or {}
    texts += [image.get("caption"), image.get("credit"), "إقرأ المزيد", "انسخ الرابط"]
    own = {headline_key(p) for p in truth["body"].split("\n\n")}
    return {headline_key(t) for t in texts if t} - own - {""}


def tokens(text: str | None) -> Counter:
    return Counter(text.split()) if text else Counter()


def ours(page: bytes, url: str, base_url: str) -> dict:
    extraction = extract_article(page, url, base_url=base_url)
    return extraction.article or {}


def theirs(page: bytes, url: str, base_url: str) -> dict:
    text = trafilatura.extract(page, url=url) or ""
    paragraphs = [p for p in (normalize(line) for line in text.split("\n")) if p]
    return {"body": "\n\n".join(paragraphs)}


def time_both(functions: dict, pages, base_url: str) -> tuple[dict, dict]:
    """Milliseconds per page of each function and each function's outputs; the functions take
    turns page by page, so that a burst of other load on the machine falls on both alike."""
    seconds = dict.fromkeys(functions, 0.0)
    outputs = {name: [] for name in functions}
    for _, url, body in pages:
        for name, function in functions.items():
            started = time.perf_counter()
            output = function(body, url, base_url)
            seconds[name] += time.perf_counter() - started
            outputs[name].append(output)
    return {name: s * 1000 / len(pages) for name, s in seconds.items()}, outputs


def score(site, pages, outputs: list[dict], template: str) -> dict:
    common = extracted = expected = exact = leaks = leaking_pages = 0
    stored = meta_exact = 0
    for (article_id, _, _), got in zip(pages, outputs, strict=True):
        truth = site.truth(article_id)
        body = got.get("body") or ""
        g, t = tokens(body), tokens(truth["body"])
        common += sum((g & t).values())
        extracted += sum(g.values())
        expected += sum(t.values())
        exact += body == truth["body"]
        furniture = furniture_texts(site, article_id)
        leaked = sum(headline_key(p) in furniture for p in body.split("\n\n") if p)
        leaks += leaked
        leaking_pages += leaked > 0
        stored += bool(got.get("title") and got.get("body") and got.get("published"))
        meta_exact += all(got.get(name) == truth[name] for name in ("title", "summary", "published", "modified"))
    precision = common / extracted if extracted else 0.0
    recall = common / expected if expected else 0.0
    result = {
        "pages": len(pages),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "exact_share": exact / len(pages),
        "leaks": leaks,
        "leaking_pages": leaking_pages,
        "stored_share": stored / len(pages),
    }
    if template == "drift":
        result["meta_exact_share"] = meta_exact / len(pages)
    return result


def run(pages_count: int = 1000, passes: int = 1, warmup: int = 20, log=print, seed: int = 1) -> dict:
    """Both extractors over the same pages of every template, after a warm-up (imports, caches).

    ``pages_count`` pages per template; ``passes`` is accepted for the command line's sake (one
    pass: a crawl sees each page once).
    """
    site = _site(max(2 * pages_count, 300), seed)
    by_template = pages_by_template(site, pages_count)
    functions = {"ours": ours, "trafilatura": theirs}
    time_both(functions, by_template["current"][:warmup], site.base_url)
    result = {"pages_per_template": pages_count, "templates": {}}
    for template, pages in by_template.items():
        if not pages:
            continue
        timings, outputs = time_both(functions, pages, site.base_url)
        row = {}
        for name in functions:
            row[name] = {"ms_per_page": timings[name], **score(site, pages, outputs[name], template)}
            log(f"extraction: {template:>12} {name:>11}: F1 {row[name]['f1']:.4f}, exact "
                f"{row[name]['exact_share']:.1%}, {row[name]['leaks']} leaks on {row[name]['leaking_pages']} "
                f"pages, {timings[name]:.2f} ms/page"
                + (f", stored {row[name]['stored_share']:.0%}, title/lead/dates exact "
                   f"{row[name]['meta_exact_share']:.0%}" if template == "drift" and name == "ours" else ""))
        result["templates"][template] = row
    templates = result["templates"]
    ms = {name: sum(t[name]["ms_per_page"] for t in templates.values()) / len(templates) for name in functions}
    result["ours"] = {"ms_per_page": ms["ours"]}
    result["trafilatura"] = {"ms_per_page": ms["trafilatura"]}
    result["speedup"] = ms["trafilatura"] / ms["ours"]
    return result


if __name__ == "__main__":
    import sys

    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
