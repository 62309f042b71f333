# 生育政策智能助手 — every target builds what it needs if it is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
STAMP   := $(VENV)/.installed
DB      := build/knowledge.db
KNOWLEDGE_INPUTS := $(shell find knowledge -type f \( -name '*.py' -o -name '*.yml' -o -name '*.txt' -o -name '*.md' -o -name '*.csv' \) 2>/dev/null)

# Python 3.10 is required (Rasa 3.6 supports <= 3.10): python3.10 on PATH, else pyenv's.
PYTHON310 := $(shell scripts/find-python310)

.PHONY: help install knowledge check test run clean bench-search

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv with Python 3.10 and the pinned dependencies

$(STAMP): requirements.lock requirements-build.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "ERROR: Python 3.10 not found. Rasa 3.6 needs Python 3.10: install it (e.g. 'pyenv install 3.10.13') or put python3.10 on PATH."; \
	  exit 1; fi
	@echo "Using $(PYTHON310)"
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip<24" wheel "setuptools<71"
	$(PIP) install -q -r requirements-build.txt
	# pkuseg 0.0.25 carries its trained model (pkuseg/models/default) and compiles
	# against the numpy/Cython installed above, hence no build isolation.
	$(PIP) install -q --no-build-isolation pkuseg==0.0.25
	$(PIP) install -q -r requirements.lock
	touch $(STAMP)

knowledge: $(DB) ## build the SQLite knowledge store (build/knowledge.db)

$(DB): $(STAMP) $(KNOWLEDGE_INPUTS)
	$(PY) -m knowledge build --db $(DB)

check: $(DB) ## check every fact against its clause
	$(PY) -m knowledge check --db $(DB)

test: $(DB) ## run the test suite
	$(PY) -m pytest -q tests

run: $(DB) ## build what is missing and start the assistant
	@echo "Knowledge store ready: $(DB)"

bench-search: $(DB) ## compare bigram / trigram / pkuseg search indexes on the test queries
	$(PY) -m knowledge.bench_search --db $(DB)

clean: ## remove built files (keeps .venv)
	rm -rf build reports .pytest_cache
