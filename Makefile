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

RASA    := $(VENV)/bin/rasa
SPACY   := build/spacy-zh
SEGMENTER := build/pkuseg-small
LOOKUPS := data/nlu/lookups/gazetteer.yml
USER_WORDS := build/nlu/user_words.txt
MODEL   := models/assistant.tar.gz
WEBCHAT := node_modules/rasa-webchat/lib/index.js
# The load generator (locust) runs in its own venv with the machine's default python3.
BENCH_STAMP := .venv-bench/.installed
# Datasette (`make staff`) likewise in its own venv: its pins must not meet Rasa's.
STAFF_STAMP := .venv-staff/.installed
STAFF_PORT ?= 8001
NLU_DATA := $(wildcard data/nlu/*.yml) $(wildcard data/*.yml)
# Rasa reads the spaCy pipeline and the data by relative path: always run from here.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install knowledge check test test-fast lint run clean bench-search nlu nlu-eval train validate eval eval-check test-stories bench profile bench-ab report web shell bench-tools retention staff staff-tools

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv with Python 3.10 and the pinned dependencies

$(STAMP): requirements.lock requirements-build.txt pyproject.toml
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
	# The project itself (pyproject.toml): the `fertility-bot` command; code stays editable here.
	$(PIP) install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

knowledge: $(DB) ## build the SQLite knowledge store (build/knowledge.db)

$(DB): $(STAMP) $(KNOWLEDGE_INPUTS)
	$(PY) -m knowledge build --db $(DB)

$(LOOKUPS) $(USER_WORDS) &: $(DB) bot/nlu/build_tools/lookups.py data/nlu/synonyms.yml
	$(PY) -m bot.nlu.build_tools.lookups --db $(DB) --nlu $(LOOKUPS) --user-words $(USER_WORDS)
	@# The tool leaves an unchanged file as it is: mark both made, or every later make retrains.
	@touch $(LOOKUPS) $(USER_WORDS)

$(SEGMENTER)/weights.npz: $(STAMP) bot/nlu/build_tools/small_segmenter.py bot/nlu/build_tools/spacy_pipeline.py $(wildcard bot/nlu/build_tools/corpus/*.txt) $(wildcard knowledge/sources/*.txt) $(wildcard knowledge/sources/supplementary/*.md)
	$(PY) -m bot.nlu.build_tools.small_segmenter --output $(SEGMENTER)

$(SPACY)/meta.json: $(SEGMENTER)/weights.npz $(USER_WORDS) bot/nlu/build_tools/spacy_pipeline.py
	$(PY) -m bot.nlu.build_tools.spacy_pipeline --output $(SPACY) --user-words $(USER_WORDS) --segmenter small --small-dir $(SEGMENTER)

nlu: $(SPACY)/meta.json $(LOOKUPS) ## build the spaCy zh pipeline and the generated NLU lookups

validate: nlu ## rasa data validate
	$(RASA) data validate --fail-on-warnings --data data --domain domain.yml --config config.yml

$(MODEL): $(SPACY)/meta.json $(LOOKUPS) $(NLU_DATA) $(wildcard data/*/*.yml) config.yml domain.yml bot/nlu/components.py bot/nlu/text.py bot/nlu/lean_diet.py
	@mkdir -p models reports
	@start=$$(date +%s.%N); \
	$(RASA) train --force --data data --domain domain.yml --config config.yml --out models --fixed-model-name assistant --quiet; \
	rc=$$?; end=$$(date +%s.%N); \
	python3 -c "import json,sys; json.dump({'training_seconds': round($$end-$$start, 1)}, open('reports/train.json','w'))"; \
	exit $$rc

train: $(MODEL) ## train the Rasa model if data, config or domain changed

nlu-eval: $(MODEL) ## held-out NLU evaluation: intent macro-F1, entity F1, confusion matrix
	$(PY) -m bot.nlu.evaluate --model $(MODEL) --heldout tests/nlu/heldout.yml --out reports/nlu

check: $(DB) ## check every fact against its clause
	$(PY) -m knowledge check --db $(DB)

test: $(DB) $(MODEL) $(WEBCHAT) $(BENCH_STAMP) $(STAFF_STAMP) ## everything: lint, unit/action/store tests, live stacks, data validation, test stories
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q tests
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory test-stories

test-fast: $(STAMP) ## the inner loop (about 1½ minutes on 2 cores): lint, and the tests that need no trained model, no live server and are not marked slow
	$(MAKE) --no-print-directory lint
	@# One worker per core (at most 4); a module's tests stay together on one worker, so
	@# module-scoped fixtures are built once. `make test` stays serial: its live stacks
	@# and trainings would compete for the cores.
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadscope -m "not live and not model and not slow" tests

lint: $(STAMP) ## ruff check (rules in ruff.toml)
	$(PY) -m ruff check .

$(WEBCHAT): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

$(BENCH_STAMP): requirements-bench.txt
	test -x .venv-bench/bin/python || python3 -m venv .venv-bench
	.venv-bench/bin/pip install -q -r requirements-bench.txt
	touch $@

bench-tools: $(BENCH_STAMP) ## the load generator (locust) in .venv-bench

$(STAFF_STAMP): requirements-staff.txt
	test -x .venv-staff/bin/python || python3 -m venv .venv-staff
	.venv-staff/bin/pip install -q -r requirements-staff.txt
	touch $@

staff-tools: $(STAFF_STAMP) ## Datasette for `make staff`, in .venv-staff

# Writes build/staff/metadata.json and review.db (knowledge/facts/review/*.yml) every time (well
# under a second), then Datasette serves the store immutable on 127.0.0.1:$(STAFF_PORT).
staff: $(DB) $(STAFF_STAMP) ## read-only staff view of the store and the review candidates in a browser (Datasette; STAFF_PORT=8001)
	$(PY) -m bot.ops.staff --db $(DB) --out build/staff --serve --port $(STAFF_PORT)

web: $(WEBCHAT) ## install the web chat widget (node_modules/)

run: $(DB) $(MODEL) $(WEBCHAT) ## build what is missing and start the assistant (Ctrl-C stops it)
	$(PY) -m bot.ops.stack run

shell: $(DB) $(MODEL) ## staff shell (rasa shell); answers also list the clause ids they used
	$(PY) -m bot.ops.shell

# EVAL_SET=both|old|citizen|dev (both = old + citizen; dev = the dev set tuned against, tests/e2e/dev);
# EVAL_URL=http://host:port/webhooks/rest/webhook uses a running server instead of starting the stack.
EVAL_SET ?= both
eval: $(DB) $(MODEL) ## old e2e + citizen set over REST (EVAL_SET=dev: the dev set): share correct per facet/topic/kind (reports/eval.md)
	$(PY) -m bot.ops.eval_e2e --set $(EVAL_SET) $(if $(EVAL_URL),--url $(EVAL_URL),--start)

eval-check: $(STAMP) ## no server: the eval scoring tests; citizen and dev sets kept apart from the training data and each other
	$(PY) -m pytest -q tests/bot/ops/test_eval_isolation.py tests/bot/ops/test_eval_e2e.py

test-stories: $(MODEL) ## rasa test on the test stories, failing on any prediction error
	ACTION_ENDPOINT_URL=http://localhost:5055/webhook TRACKER_DB=build/test-tracker.db \
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out reports/stories

report: $(STAMP) ## most frequent unanswered / disliked questions from the tracker store (masked)
	$(PY) -m bot.ops.report --tracker-db build/tracker.db

retention: $(STAMP) ## delete conversations older than TRACKER_RETENTION_DAYS (default 180); ENDPOINTS=endpoints.multi.yml for PostgreSQL
	$(PY) -m bot.ops.retention --endpoints $(or $(ENDPOINTS),endpoints.yml)

# BENCH_ARGS= (empty) leaves out the two trainings; BENCH_*_SECONDS set the run lengths
# (bot/bench/bench.py), e.g. BENCH_LOAD_SECONDS=20 for a quick look.
BENCH_ARGS ?= --train --segmenters
bench: $(DB) $(MODEL) $(BENCH_STAMP) ## measurements side by side and as ratios to the NLU alone and stock Rasa (reports/bench.md)
	$(PY) -m bot.bench $(BENCH_ARGS)

# PROFILE_ARGS, e.g. --question 出生一件事怎么办 --actions-profile 30 --sort tottime
profile: $(DB) $(MODEL) ## where a turn's time goes, per question: NLU, action code, payload, the rest (one process)
	$(PY) -m bot.bench.profile_turns $(PROFILE_ARGS)

# AB_ARGS, e.g. --variant GC_FREEZE=0 --variant GC_FREEZE=1 --rounds 3 (bot/bench/ab.py)
bench-ab: $(DB) $(MODEL) $(BENCH_STAMP) ## A/B of server settings, interleaved rounds under the same load
	$(PY) -m bot.bench.ab $(AB_ARGS)

bench-search: $(DB) ## compare bigram / trigram / pkuseg search indexes on the test queries
	$(PY) -m knowledge.bench_search --db $(DB)

clean: ## remove built files (keeps .venv)
	rm -rf build reports models results .pytest_cache $(LOOKUPS)
