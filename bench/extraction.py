"""Extraction: our ``extract_article`` against ``trafilatura.extract`` on the same replica pages.

Pages are fetched once over HTTP into memory; the timed loops do no I/O. Accuracy is a
bag-of-words (multiset) overlap with the generator's truth: the article's lead + body.
"""

import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import trafilatura

from rtarabic.extract import extract_article

from .common import Replica


def fetch_pages(replica: Replica, count: int) -> list[tuple[int, str, bytes]]:
    """(id, url, body) of ``count`` article pages spread evenly over the site's ids."""
    site = replica.make_site()
    ids = site.article_ids()
    step = max(1, len(ids) // count)
    chosen = ids[::step][:count]

    def fetch(article_id):
        url = site.url(article_id)
        with urllib.request.urlopen(url, timeout=60) as response:
            return article_id, response.geturl(), response.read()

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(fetch, chosen))


def tokens(*texts: str | None) -> Counter:
    return Counter(word for text in texts if text for word in text.split())


def overlap(got: Counter, truth: Counter) -> tuple[int, int, int]:
    """(common, extracted, truth) token counts."""
    return sum((got & truth).values()), sum(got.values()), sum(truth.values())


def scores(totals: tuple[int, int, int]) -> dict:
    common, extracted, truth = totals
    precision = common / extracted if extracted else 0.0
    recall = common / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def ours(page: bytes, url: str, base_url: str) -> Counter:
    article = extract_article(page, url, base_url=base_url).article or {}
    return tokens(article.get("summary"), article.get("body"))


def theirs(page: bytes, url: str, base_url: str) -> Counter:
    return tokens(trafilatura.extract(page, url=url))


def time_both(functions: dict, pages, base_url: str, passes: int) -> tuple[dict, dict]:
    """Milliseconds per page of each function on each pass, and each function's outputs.

    The functions take turns page by page, so that a burst of other load on the machine falls on
    both alike. The first pass sees every page for the first time, as a crawl does; later passes
    find whatever an extractor memoises (link classification) warm.
    """
    timings = {name: [0.0] * passes for name in functions}
    outputs = {name: [] for name in functions}
    for number in range(passes):
        for _, url, body in pages:
            for name, function in functions.items():
                started = time.perf_counter()
                output = function(body, url, base_url)
                timings[name][number] += time.perf_counter() - started
                if number == 0:
                    outputs[name].append(output)
    return {name: [t * 1000 / len(pages) for t in values] for name, values in timings.items()}, outputs


def run(pages_count: int = 1000, passes: int = 3, warmup: int = 50, log=print) -> dict:
    """Both extractors over the same pages, after a warm-up on other pages (imports, caches)."""
    with Replica(max(pages_count + warmup, 2000)) as replica:
        site = replica.make_site()
        fetched = fetch_pages(replica, pages_count + warmup)
    warm = fetched[::(len(fetched) // warmup)][:warmup]
    pages = [page for page in fetched if page not in warm][:pages_count]
    log(f"extraction: {len(pages)} pages fetched, {sum(len(p[2]) for p in pages) / len(pages) / 1024:.0f} KiB "
        "each on average")
    truths = [tokens(site.truth(i)["summary"], site.truth(i)["body"]) for i, _, _ in pages]
    result = {"pages": len(pages), "bytes_per_page": sum(len(p[2]) for p in pages) / len(pages)}
    functions = {"ours": ours, "trafilatura": theirs}
    time_both(functions, warm, replica.base_url, 1)
    all_timings, all_outputs = time_both(functions, pages, replica.base_url, passes)
    for name in functions:
        timings, outputs = all_timings[name], all_outputs[name]
        totals = [overlap(got, truth) for got, truth in zip(outputs, truths, strict=True)]
        summed = tuple(map(sum, zip(*totals, strict=True)))
        per_page_f1 = [scores(t)["f1"] for t in totals]
        result[name] = {"ms_per_page": timings[0], "ms_per_page_warm": min(timings[1:] or timings),
                        **scores(summed),
                        "pages_f1_below_0.99": sum(f < 0.99 for f in per_page_f1),
                        "worst_f1": min(per_page_f1)}
        log(f"extraction: {name}: {timings[0]:.2f} ms/page (warm {result[name]['ms_per_page_warm']:.2f}), "
            f"F1 {result[name]['f1']:.4f}")
    result["speedup"] = result["trafilatura"]["ms_per_page"] / result["ours"]["ms_per_page"]
    return result
