# newsmon make targets. `make install` is idempotent: it rebuilds .venv only when
# pyproject.toml or constraints.txt changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo run serve test lint bench clean

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

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .demo .pytest_cache
