"""Scrapy settings for rtarabic.

Every project setting is prefixed ``RTARABIC_`` and documented here, with its
default, in one place. Override any of them with ``-s NAME=VALUE``. The README's
"Settings" section lists them for users.
"""

BOT_NAME = "rtarabic"

SPIDER_MODULES = ["rtarabic.spiders"]
NEWSPIDER_MODULE = "rtarabic.spiders"

# Our `crawl` command turns an unhealthy run into a non-zero exit status.
COMMANDS_MODULE = "rtarabic.commands"

# --- Where and what -----------------------------------------------------------

# The site to archive. Every URL the spider builds derives from it, and the
# allowed domains follow it: point it at the offline replica for demos and tests.
RTARABIC_BASE_URL = "https://arabic.rt.com"

# The SQLite archive the default feeds write, and that incremental runs read.
RTARABIC_DB = "output/rtarabic.db"

# The JSON Lines copy of this run. Placeholders as in FEEDS: %(time)s, %(name)s.
RTARABIC_JSONL = "output/%(name)s-%(time)s.jsonl"

# Articles published within this many hours are fetched again by incremental
# runs, so that edits become revisions.
RTARABIC_REVISIT_HOURS = 48

# Who to contact about this crawler (mailto: or a URL of yours); it goes into the
# User-Agent. Empty by default: the project has no public address to give, so the
# User-Agent says none was set and a crawl of arabic.rt.com warns once until it is.
RTARABIC_CONTACT = ""

# --- Politeness (the live site) -------------------------------------------------

# USER_AGENT is "rtarabic/<version> (news archiver; +<RTARABIC_CONTACT>)" (without a contact:
# "rtarabic/<version> (news archiver; no contact set: RTARABIC_CONTACT)"), set by the
# rtarabic.useragent.ContactUserAgent add-on (below) so that -s RTARABIC_CONTACT reaches it.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 30
# Article pages are small; anything this large is not one.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False

# --- Output ---------------------------------------------------------------------

FEED_EXPORT_ENCODING = "utf-8"

# --- Housekeeping -----------------------------------------------------------------

# Scraped items are in the feeds; DEBUG would print every one of them again.
LOG_LEVEL = "INFO"

TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Continuous operation: one run at a time, run health ----------------------------

# Hold an flock on "<archive>.lock" for the whole run, so that a second run on the
# same archive (cron overlapping a slow run, a backfill) exits at once with status 4
# without touching it. Only for throwaway archives: set False and runs may interleave.
RTARABIC_LOCK_ENABLED = True

# Each run is judged at its end (rtarabic/health.py): a summary in the log and the
# runs row, and `scrapy crawl` exits 3 when the run is unhealthy. False keeps the
# verdict in the log and the runs row but exits 0 for a merely unhealthy run (not
# for a failed archive, 5, or an unreachable site, 6).
RTARABIC_HEALTH_ENABLED = True

# Layout drift: a run is unhealthy when more than this share of the article pages
# it fetched yielded no article. A healthy crawl of RT fails on almost none (odd
# live pages); a layout change fails on nearly all. 0.2 leaves room for a few odd
# pages in a small incremental run of 10-20 articles while catching any drift
# that breaks the selectors.
RTARABIC_HEALTH_MAX_FAILED_SHARE = 0.2

# Partial drift: the share of extracted articles that needed at least one field
# from meta/OpenGraph/JSON-LD instead of the page's own markup. Some articles
# legitimately fall back (no lead, no image credit), so the limit is looser; a
# selector that stopped matching for a field pushes this towards 1.0.
RTARABIC_HEALTH_MAX_FALLBACK_SHARE = 0.5

# Anti-bot interstitials (DDoS-Guard) tolerated in one run. 0: any block means the
# archive may be missing articles and the operator should look.
RTARABIC_HEALTH_MAX_BLOCKED = 0

# Articles that were extracted but failed validation (a required field missing, the
# schema broken) and so were not stored, tolerated in one run. 0: any such article
# makes the run unhealthy; the summary names them (stats rtarabic/invalid/*).
RTARABIC_HEALTH_MAX_INVALID = 0

# Backfills (-a ids=, -a since=/until=) log "Backfill: N of M article pages (x%), R pages/min,
# about T left" every this many seconds (rtarabic/progress.py), like Scrapy's LOGSTATS_INTERVAL,
# and their totals at the end. 0 turns the lines off.
RTARABIC_PROGRESS_INTERVAL = 60.0

EXTENSIONS = {
    # One delay controller: AutoThrottle, with back-off on 429/5xx (RTARABIC_BACKOFF_*).
    "scrapy.extensions.throttle.AutoThrottle": None,
    "rtarabic.throttle.BackoffThrottle": 0,
    "rtarabic.runlock.RunLockExtension": 0,
    "rtarabic.progress.BackfillProgress": 400,
    "rtarabic.monitors.RunHealthMonitor": 500,
    "rtarabic.statsfile.StatsFile": 900,
}

# --- Spider, pipelines, middlewares ----------------------------------------------

# "Load more" pages fetched per section or tag listing, landing page included
# (-a max_pages= overrides it). 0: page until a listing runs out (or, in an
# incremental run, until a page holds only archived articles and reaches down to
# the listing's coverage, recorded by the last finished run that walked it to its end).
RTARABIC_MAX_PAGES = 0

# Article links followed away from listings: 1 fetches the articles an article
# links to (read-more cards, sidebars), but not the articles those link to.
RTARABIC_ARTICLE_HOPS = 1

# Skip articles already in RTARABIC_DB (except those within RTARABIC_REVISIT_HOURS)
# and stop paging a listing once a page holds nothing else and reaches the
# listing's recorded coverage (README: "Incremental runs").
RTARABIC_INCREMENTAL = True

# Cron runs read the site-wide feed first: when /rss/ reaches an article the archive
# holds, it lists every article published since and no listing is walked (if it does
# not, the newest-first listing of all articles is walked until it reaches one). Every
# RTARABIC_SWEEP_HOURS a run walks every listing instead (a sweep), catching what the
# feed missed (stat rtarabic/sweep/not_in_feed); the runs table remembers the last
# finished sweep. 0: every run is a sweep (the behaviour before the feed came first).
RTARABIC_SWEEP_HOURS = 24

# Ask for feeds and listings with If-None-Match/If-Modified-Since when the site gave
# validators, keeping their last copies beside the archive (output/rtarabic.httpcache/
# for output/rtarabic.db; rtarabic.revalidate: Scrapy's HTTP cache, never used without
# asking the site).
RTARABIC_CONDITIONAL_REQUESTS = True

# Drop an item whose id, or whose text under another id, was already stored.
RTARABIC_DEDUP_ENABLED = True

# Back-off on these statuses (rtarabic.throttle.BackoffThrottle, which is AutoThrottle
# with this rule added): the host's download delay becomes its Retry-After, or doubles,
# from AUTOTHROTTLE_START_DELAY up to AUTOTHROTTLE_MAX_DELAY. Scrapy's RetryMiddleware
# retries them (RETRY_HTTP_CODES) at that pace.
RTARABIC_BACKOFF_ENABLED = True
RTARABIC_BACKOFF_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524]

# Write the final stats of the run as JSON to this file ("" = don't).
RTARABIC_STATS_FILE = ""

ITEM_PIPELINES = {
    "rtarabic.pipelines.NormalizeTextPipeline": 100,
    "rtarabic.pipelines.StripSidebarPipeline": 200,
    "rtarabic.pipelines.ValidatePipeline": 300,
    "rtarabic.pipelines.DeduplicatePipeline": 400,
}

DOWNLOADER_MIDDLEWARES = {
    # Before OffsiteMiddleware (50), so that live URLs reach a replica base.
    "rtarabic.middlewares.RebaseMiddleware": 40,
    # Scrapy's offsite filter compares host names only; ours also compares scheme and port.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "rtarabic.middlewares.SiteOffsiteMiddleware": 50,
    "rtarabic.middlewares.InterstitialMiddleware": 560,
    # Sees connection failures before RetryMiddleware (550) and answers after redirects (600).
    "rtarabic.reachability.Reachability": 590,
}

# Marks the start requests, so that a run none of whose start pages answered is never healthy.
SPIDER_MIDDLEWARES = {"rtarabic.reachability.StartPages": 50}

# --- The SQLite archive (rtarabic/archive.py, rtarabic/feeds.py) -----------------

# sqlite:///abs/path.db (or sqlite:relative/path.db) feeds write the archive;
# "-o sqlite:///x.db" works without a ":sqlite" suffix through the "db" format.
FEED_STORAGES = {"sqlite": "rtarabic.feeds.SQLiteFeedStorage"}
FEED_EXPORTERS = {"sqlite": "rtarabic.feeds.SQLiteItemExporter", "db": "rtarabic.feeds.SQLiteItemExporter"}

# The JSON Lines feed holds exactly the archive's fields (never page_headlines).
from rtarabic.items import EXPORT_FIELDS  # noqa: E402

FEED_EXPORT_FIELDS = EXPORT_FIELDS

# Derives FEEDS from RTARABIC_DB and RTARABIC_JSONL after -s overrides (an empty
# value leaves that feed out); -o/-O or FEEDS replace these defaults. Overwriting
# the archive (-O sqlite:...) is refused: it only grows, by upserts per article id.
ADDONS = {"rtarabic.feeds.ArchiveFeeds": 0, "rtarabic.useragent.ContactUserAgent": 0,
          "rtarabic.revalidate.ConditionalRequests": 0}

# Articles written per archive transaction, and the longest an article waits in
# memory before its batch is written (so Datasette sees a slow crawl's articles).
RTARABIC_DB_BATCH_SIZE = 100
RTARABIC_DB_BATCH_SECONDS = 5.0

# Seconds a write to the archive waits for another connection's write transaction
# (a Datasette with writes, a sqlite3 shell) before the run stops with exit status 5.
RTARABIC_DB_BUSY_TIMEOUT = 30.0

# Fail fast when the site cannot be reached: stop the run (exit status 6) after this
# many DNS or connection failures while no response at all has come from the site.
# 3 is robots.txt and its first retries, a few seconds when nothing answers.
RTARABIC_UNREACHABLE_AFTER = 3

# --- Raw pages in WARC, re-extraction, withdrawn articles (rtarabic/capture.py, replay.py, withdrawals.py) --

# Every response received for an article page is written, with its request, to gzipped WARC files
# in this folder (one set per run); the archive's rows name their record. "" keeps no pages.
RTARABIC_WARC_DIR = "output/warc"

# A WARC file that has reached this size is closed and the run goes on in the next one (1 GB, the
# customary size of web archives' files).
RTARABIC_WARC_MAX_BYTES = 1_000_000_000

# Also keep listing, section, tag, feed, sitemap and robots.txt responses (about 80 listing pages a
# run besides its articles), e.g. to replay the site's navigation with pywb.
RTARABIC_WARC_ALL_PAGES = False

DOWNLOADER_MIDDLEWARES.update({
    # Re-extraction (-a warc=PATH): answers every request from the WARC files before anything else
    # runs, so nothing reaches the network.
    "rtarabic.replay.WarcReplayMiddleware": 1,
    # Above RedirectMiddleware (600) and HttpCompressionMiddleware (590): sees redirects and errors,
    # and bodies as they were sent (still content-encoded).
    "rtarabic.capture.WarcCaptureMiddleware": 620,
    # A 404/410 for an article page: the archive marks the article withdrawn.
    "rtarabic.withdrawals.WithdrawalMiddleware": 630,
})

SPIDER_MIDDLEWARES["rtarabic.capture.WarcRecordMiddleware"] = 950
