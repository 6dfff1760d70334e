"""``make demo``: start the replica on a free port and crawl it into output/.

Politeness is relaxed for the local replica (no delay, no AutoThrottle,
16 concurrent requests); the crawl writes the project's default feeds under
output/. The replica serves no faults unless replica options are given
(``make demo DEMO_ARGS="--faults"``): a fault such as a DDoS-Guard page makes
the run unhealthy, and the demo is meant to show a healthy one. Run it again
to see an incremental run that fetches almost nothing.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    options = sys.argv[1:] or ["--no-faults"]
    replica = subprocess.Popen([sys.executable, "-m", "tests.replica", "--port", "0", *options],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        base_url = replica.stdout.readline().strip()
        print(f"replica listening on {base_url}", flush=True)
        (ROOT / "output").mkdir(exist_ok=True)
        crawl = [sys.executable, "-m", "scrapy", "crawl", "rtarabic", "-s", f"RTARABIC_BASE_URL={base_url}",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                 "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
        status = subprocess.call(crawl, cwd=ROOT)
        print(f"crawl exited {status}; the archive is output/rtarabic.db (browse it with `make datasette`),"
              " the JSON Lines copy output/rtarabic-<time>.jsonl", flush=True)
        return status
    finally:
        replica.terminate()
        replica.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
