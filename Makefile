# newsmon make targets. `make install` is idempotent: it rebuilds .venv only when
# pyproject.toml or constraints.txt changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo run serve test lint docs bench bench-peers fuzz clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/python -m tests.fakesite.demo

run: install
	$(BIN)/newsmon run

serve: install
	$(BIN)/newsmon serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check newsmon flows tests bench
	$(BIN)/ruff format --check newsmon flows tests bench
	$(BIN)/mypy

# Regenerate the reference tables in README.md and docs/cli.md from the code.
docs: install
	$(BIN)/cog -r README.md docs/cli.md

# The peers bench/ingest_speed.py races (newspaper4k), in a virtualenv of their own so
# their dependencies never move newsmon's.
PEERS := .venv-peers
$(PEERS)/.installed:
	test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet newspaper4k==0.9.6
	touch $(PEERS)/.installed

bench-peers: $(PEERS)/.installed

# Benchmarks and evaluations (several minutes; the corpus ones need ../shared/corpora).
bench: install bench-peers
	$(BIN)/python bench/ingest_speed.py --rounds 3 --pages 2000
	$(BIN)/python bench/page_compression.py --repeat 5
	$(BIN)/python bench/extraction_aeb.py --runs 3
	$(BIN)/python bench/eval_casualties.py
	$(BIN)/python bench/discover_corpora.py
	$(BIN)/python bench/bounds.py
	$(BIN)/python bench/politeness.py --requests 5000 --hosts 32 --delay 0.2 --mode both
	$(BIN)/python bench/crash_safety.py --kills 24 --articles 3000 --hosts 24 --seed 7

clean:
	rm -rf $(VENV) $(PEERS) .demo .pytest_cache

# Coverage-guided fuzzing of the feed/sitemap and HTML paths, a minute each (atheris).
fuzz: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[fuzz]'
	$(BIN)/python bench/fuzz_feeds.py feeds --seconds 60
	$(BIN)/python bench/fuzz_feeds.py html --seconds 60
