"""The reliability section of bench/RESULTS.md: every fault probe of issues 12-14, before and after.

These are not timed benchmarks: each row names the test that reproduces the probe and checks its
outcome on every run of the suite (``make test``); the "before" column is what the probe found on the
code before the fix.
"""

RELIABILITY = """\
## Reliability

Fault probes (issue 14's adversarial pass, issue 13's offline run, issue 12's "one verdict"). Each row's
test reproduces the fault and checks the outcome; "before" is what the probe found before the fix. Exit
statuses are the README's ("Exit statuses").

| Probe | Before | Now | Test |
|---|---|---|---|
| Full disk: 300 articles into a 3 MB tmpfs | 200 stored, 100 lost from the archive *and* the JSON Lines file, exit 0 "Healthy", no `runs` row | the failing batch stops the run (finish reason `archive_failed`, exit 5); 300 of 300 items in the JSON Lines file, 200 in the archive = `rtarabic/archive/new`, 100 `rtarabic/archive/unstored`; `runs` row: `archive_failed`, 5, new 200 | `test_reliability_storage.py::test_full_disk_stops_the_run_and_loses_nothing` |
| Another connection holds `BEGIN IMMEDIATE` past the busy timeout | 1,667 fetched, 0 stored, exit 0 | the write waits `RTARABIC_DB_BUSY_TIMEOUT`, then the run stops: exit 5, every scraped item in the JSON Lines file, the `runs` row says `database is locked` | `test_reliability_storage.py::test_write_lock_held_past_the_busy_timeout_stops_the_run_cleanly` |
| A write during another connection's short transaction | `database is locked` at once (121 failures in one crawl): sqlite-utils' deferred `BEGIN` reads first and cannot upgrade | writes begin as writes (`BEGIN IMMEDIATE`) and wait: a writer blocked 1.5 s commits; a crawl beside a connection writing in 0.5 s transactions stores 300 of 300, no failure | `test_reliability_storage.py::test_a_writer_waits_for_another_connections_transaction`, `::test_busy_writes_during_a_crawl_are_waited_for` |
| `articles` table of an older, narrower schema | 250 fetched, 0 stored, exit 0 | refused before any request, one line naming the missing columns, exit 5 | `test_crawl_command.py::test_unknown_schema_is_refused_before_any_request`, `::test_narrow_articles_table_with_every_index_column_is_refused` |
| 80 KB of random bytes written into the archive | crawl ran, wrote a `runs` row into it, exit 0 | `PRAGMA quick_check` refuses it before any request, one line, exit 5, file untouched; the check takes 0.7-0.9 s on a 730 MB, 50,000-article archive | `test_crawl_command.py::test_corrupt_archive_is_refused_before_any_request` |
| The archive named through a symlink | the lock was per name: two crawls wrote one file | the lock is beside the resolved path: the second run exits 4 | `test_runlock.py::test_a_symlink_to_the_archive_names_the_same_lock` |
| A lock file with garbage in it; a lock path that is a directory | garbage silently reused; directory: traceback | garbage: warning naming the file, taken over; directory: one line, exit 5 | `test_runlock.py::test_a_malformed_lock_file_is_taken_over_with_a_message`, `test_crawl_command.py::test_lock_path_that_is_a_directory_is_refused` |
| `-a ids=1-2000000` | no request in 60 s, 1.16 GB and growing, SIGTERM ignored | refused: at most 200,000 ids a run, exit 2 | `test_crawl_command.py::test_bad_argument_is_one_line_and_exit_2` |
| `-a ids=1-200000` (the widest allowed) | 349 MB before the first article request (the range queued while robots.txt was pending) | generated in step with the scheduler: requests at once, about 95 MB, 57 ids generated when SIGTERM came after 58 requests (robots.txt included), exits (status 3, `shutdown`) | `test_crawl_command.py::test_the_widest_id_range_is_generated_lazily` |
| Bad arguments: `ids=5-1`, `tags=` with `/`, `..` or a space, `since=2099-01-01`, `until=1990-01-01`, an unknown `-a` name | a traceback ending in `RuntimeError: Crawler.stats is not set yet`; some not checked at all | one line naming the argument, the last in the log, exit 2, no request (a witness server receives nothing) | `test_crawl_command.py::test_bad_argument_is_one_line_and_exit_2` |
| Bad settings: `RTARABIC_REVISIT_HOURS=abc` or `-5`, `RTARABIC_BASE_URL` empty, scheme-less or `file:///`, a share of 2, a typo in an `RTARABIC_*` name | traceback; a `file:///` base read local files; negative hours and typos accepted | one line naming the setting, exit 2, no request | `test_crawl_command.py::test_bad_setting_is_one_line_and_exit_2` |
| Unwritable archive directory | traceback | one line, exit 5 | `test_crawl_command.py::test_unwritable_archive_directory_is_refused` |
| A killed run's `runs` row | `finish_reason`, `exit_status` NULL forever | the next run marks it `killed`, exit status 3, and says which run marked it | `test_reliability_storage.py::test_a_killed_runs_row_is_marked_by_the_next_run` |
| `arabic_normalize` on 150 million characters, three in parallel, through Datasette's SQL | 12 s and 2.7 GB: the time limit cannot interrupt a Python function | arguments bounded (100,000 characters; 2,000 for `arabic_fts_query`): a longer one fails the statement; the README's public profile turns arbitrary SQL off (403) and keeps the canned queries | `test_reliability_sharing.py` |
| Offline: base URL on a closed port / `http://nonexistent.invalid`, polite defaults | silent for minutes ("Crawled 0 pages") until killed | one line after 3 failures (what failed, what to check, `make demo` works offline), finish reason `site_unreachable`, exit 6 in 6-8 s, `runs` row | `test_reachability.py::test_unreachable_site_stops_within_30_s_with_one_line_and_exit_6` |
| Closed port, delays off, fail-fast off | a traceback for each of 64 failed requests, then "Healthy.", exit 0 | one line per failed request, "unreachable: none of the 15 start pages answered", exit 6 | `test_reachability.py::test_without_fail_fast_a_run_that_reached_nothing_is_never_healthy` |
| One verdict, one lock (issue 12) | health judged in three places (the storage, the monitor, the command); the lock taken twice (command and extension, counted holds) | `RunHealthMonitor` judges once after every feed has closed and writes every `runs` row; the lock is taken once per run (a second take is an error) | `test_monitors.py`, `test_runlock.py::test_the_lock_is_taken_once_per_run` |
"""
