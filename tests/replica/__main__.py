"""Command line: ``python -m tests.replica --port PORT [options]``.

Prints exactly one line, the base URL (``http://127.0.0.1:PORT``), once the
server listens, then serves until interrupted.
"""

import argparse
import sys

from .generator import TEMPLATES, Site
from .server import FAULT_KINDS, serve


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.replica", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", help="ISO date of the newest moment (default: now, to the minute)")
    parser.add_argument("--faults", dest="faults", action="store_true", default=True,
                        help="designate the fault articles (the default)")
    parser.add_argument("--no-faults", dest="faults", action="store_false", help="a fault-free site")
    parser.add_argument("--template", choices=TEMPLATES, default="mix",
                        help="article template of every page: classic (2019-22), current (today's, the samples), "
                             "main_article (the unverified BEM family), or mix (one drawn per id; the default, "
                             "so that one crawl meets every template). AMP copies are always at <article>/amp")
    parser.add_argument("--layout-drift", action="store_true",
                        help="serve articles in an unknown redesign: metas and JSON-LD as before, every class new")
    parser.add_argument("--ddos-guard", action="store_true", help="answer every article with the 403 interstitial")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before every answer")
    parser.add_argument("--slow-delay", type=float, default=1.0, help="seconds the 'slow' fault articles wait")
    parser.add_argument("--sitemap-limit", type=int, default=None, help="URLs per yearly sitemap file")
    parser.add_argument("--fault-rates", type=parse_rates, default=None, metavar="KIND=RATE,...",
                        help="rate-based faults on top of the designated ones: 500, 503, 503burst, 429, 403 (DDoS-Guard), "
                             "timeout on every page; truncated on article pages")
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the rate-based faults")
    parser.add_argument("--timeout-delay", type=float, default=3.0, help="seconds a 'timeout' fault stays silent")
    parser.add_argument("--burst-length", type=int, default=5, help="requests a '503burst' fault answers 503")
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds of a '429' fault")
    parser.add_argument("--dump-truth", metavar="PATH", help="also write the truth JSON to PATH")
    return parser


def parse_rates(text: str) -> dict[str, float]:
    """``"500=0.05,timeout=0.02"`` -> ``{"500": 0.05, "timeout": 0.02}``."""
    rates = {}
    for pair in filter(None, text.split(",")):
        kind, _, rate = pair.partition("=")
        if kind not in FAULT_KINDS:
            raise argparse.ArgumentTypeError(f"unknown fault kind {kind!r}")
        rates[kind] = float(rate)
    return rates


def site_from_args(args) -> Site:
    return Site(articles=args.articles, seed=args.seed, now=args.now, faults=args.faults,
                layout_drift=args.layout_drift, slow_delay=args.slow_delay, sitemap_limit=args.sitemap_limit,
                template=args.template)


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    site = site_from_args(args)
    server = serve(site, args.host, args.port, delay=args.delay, block=args.ddos_guard,
                   fault_rates=args.fault_rates, fault_seed=args.fault_seed, timeout_delay=args.timeout_delay,
                   burst_length=args.burst_length, retry_after=args.retry_after)
    if args.dump_truth:
        site.dump_truth(args.dump_truth)
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
