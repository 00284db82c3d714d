# SUI Assess. The two commands: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
VENDOR_ASSETS := assess/static/css/govuk-frontend.min.css assess/static/js/plotly-strict.min.js assess/static/css/plotly.css
# The app's own style sheets and modules (not the copies named after their content that `make assets` adds)
APP_ASSETS := $(shell ls assess/static/app/*.css assess/static/app/*.mjs 2>/dev/null | grep -Ev '\.[0-9a-f]{12}\.')
ASSETS := $(VENDOR_ASSETS) assess/static/assets-manifest.json

.DEFAULT_GOAL := help
.PHONY: help run serve test test-unit lint db demo assets browser bench requirements clean install

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR_ASSETS) &: node_modules/.package-lock.json scripts/copy_assets.sh scripts/assets_plotly.mjs scripts/plotly_css.js
	bash scripts/copy_assets.sh

assess/static/assets-manifest.json: $(VENDOR_ASSETS) $(APP_ASSETS) scripts/assets_build.py assess/common/assets.py $(BIN)/.installed
	$(BIN)/python scripts/assets_build.py

assets: $(ASSETS) ## Build the front-end assets into assess/static (GOV.UK Frontend, plotly.js for our charts), fingerprinted and compressed

install: $(BIN)/.installed $(ASSETS)

browser: ## Make sure the Debian packages are installed (Chromium, HarfBuzz subset, poppler, fonts)
	@bash scripts/ensure_system_packages.sh

db: install ## Apply migrations to the database (SQLite under instance/ unless DATABASE_URL is set)
	$(FLASK) db upgrade

demo: db ## Load the demo data (when the database has no accounts yet)
	$(FLASK) demo seed --if-empty

run: demo browser ## Set everything up and serve the app on http://127.0.0.1:$(PORT)
	@echo "Serving SUI Assess on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

serve: install browser ## Serve as in production (README: Deployment): migrations, then gunicorn on 127.0.0.1:8000 (HOST, PORT)
	@export ASSESS_ENV="$${ASSESS_ENV:-production}" PORT="$${PORT:-8000}"; \
	  $(FLASK) db upgrade && \
	  echo "Serving SUI Assess (ASSESS_ENV=$$ASSESS_ENV) under gunicorn on $${HOST:-127.0.0.1}:$$PORT (Ctrl+C to stop)" && \
	  exec $(BIN)/gunicorn --config scripts/gunicorn.conf.py wsgi:app

test: demo browser ## Set everything up (as make run does), then run the whole suite (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== Running the suite again on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  ASSESS_TEST_DB=postgresql $(BIN)/python -m pytest; \
	fi

test-unit: install ## Only the unit tests (no app, no database)
	$(BIN)/python -m pytest tests/unit

lint: install ## ruff, mypy and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check assess
	$(BIN)/mypy assess
	$(BIN)/lint-imports

bench: install ## Benchmarks at 1,000, 10,000 and 100,000 assessments (SQLite; PostgreSQL too with TEST_DATABASE_URL)
	$(BIN)/python bench/bench_benchmarks.py --db sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then ASSESS_TEST_DB=postgresql $(BIN)/python bench/bench_benchmarks.py --db postgresql; fi

bench-pages: install ## Page speed under gunicorn and wrk, every audience's pages (SQLite; PostgreSQL too with TEST_DATABASE_URL; ARGS=--quick, --with-reports)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; } || { echo "The page-speed benchmark needs wrk: sudo apt-get install wrk" >&2; exit 1; }
	$(BIN)/python bench/page_speed.py --db sqlite $(ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then ASSESS_TEST_DB=postgresql $(BIN)/python bench/page_speed.py --db postgresql $(ARGS); fi

requirements: ## Recompile the pinned requirements from requirements*.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url -o requirements-dev.txt requirements-dev.in

clean: ## Remove the virtual environment, node_modules and copied assets (not the database)
	rm -rf $(VENV) node_modules assess/static/css assess/static/js assess/static/fonts assess/static/images assess/static/manifest.json assess/static/assets-manifest.json
	find assess/static assess/static/app -maxdepth 1 -type f -regextype posix-extended \( -regex '.*\.[0-9a-f]{12}\.[A-Za-z0-9]+(\.gz|\.br)?' -o -name '*.gz' -o -name '*.br' \) -delete
