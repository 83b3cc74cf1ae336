# CareDesk: `make demo` and `make test` are all a new user needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
SECONDS ?= 60

.PHONY: demo test lint bench bench-roster install clean help

help:
	@echo "make demo   - set up and run CareDesk on http://127.0.0.1:$${PORT:-8000} with demo data"
	@echo "make test   - the whole test suite"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - benchmarks (results under bench/results/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CareDesk needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# xstatic-bootstrap ships only as an sdist that imports pkg_resources while
	# building, so it is built without isolation against a setuptools that has it.
	$(PIP) install --quiet "setuptools<81" wheel
	$(PIP) install --quiet --no-build-isolation "xstatic-bootstrap>=5.3,<5.4"
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/caredesk demo --port $${PORT:-8000}

test: $(STAMP)
	$(VENV)/bin/pytest -p no:cacheprovider -n auto

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	BENCH_SECONDS=$(SECONDS) $(PY) bench/run.py

bench-roster: $(STAMP)
	$(PY) bench/rostering/run_all.py --seconds $(SECONDS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
