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
	$(BIN)/python -m tests.replica.demo
