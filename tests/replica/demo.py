"""``make demo``: start the replica on a free port and crawl it into output/.

Politeness is relaxed for the local replica (no delay, no AutoThrottle,
16 concurrent requests); the crawl writes the project's default feeds under
output/. Stop the replica with Ctrl-C if the crawl is interrupted.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    replica = subprocess.Popen([sys.executable, "-m", "tests.replica", "--port", "0", *sys.argv[1:]],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        base_url = replica.stdout.readline().strip()
        print(f"replica listening on {base_url}", flush=True)
        (ROOT / "output").mkdir(exist_ok=True)
        crawl = [sys.executable, "-m", "scrapy", "crawl", "rtarabic", "-s", f"RTARABIC_BASE_URL={base_url}",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                 "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
        return subprocess.call(crawl, cwd=ROOT)
    finally:
        replica.terminate()
        replica.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
