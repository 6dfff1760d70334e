# One entry point for the usual jobs. `make test` is what CI runs.
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: venv test lint crawl demo bench datasette

$(BIN)/scrapy: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

venv: $(BIN)/scrapy

lint: venv
	$(BIN)/ruff check rtarabic tests bench datasette

test: lint
	$(BIN)/python -m pytest

crawl: venv
	$(BIN)/scrapy crawl rtarabic

demo: venv
	$(BIN)/python -m tests.replica.demo $(DEMO_ARGS)

# Browse the archive (read-only; safe while a crawl writes). `python -m` keeps the
# repository importable for the plugin in datasette/plugins.
DB ?= output/rtarabic.db
PORT ?= 8001
datasette: venv
	$(BIN)/python -m datasette serve $(DB) --port $(PORT) \
		--metadata datasette/metadata.yml --plugins-dir datasette/plugins --template-dir datasette/templates \
		--setting truncate_cells_html 300

# Benchmarks against the offline replica (crawls of 10,000 and 50,000 articles: the
# second takes most of the time). Prints a table and writes bench/RESULTS.md;
# e.g. BENCH_ARGS="--only extraction" or BENCH_ARGS="--big 20000".
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)
