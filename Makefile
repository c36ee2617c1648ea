# Everything a person runs. `make run` and `make test` set themselves up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('requirements.lock','rb').read()).hexdigest()[:12])")

.PHONY: run test lint format unit integration browser bench messages lock clean setup

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP) messages

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v 0

## Start the portal with demo data: web, Celery worker and beat (SQLite and a filesystem
## broker unless DATABASE_URL / REDIS_URL are set). Ctrl-C stops everything.
run: setup
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py run_portal

## The whole suite: lint, migrations check, unit tests, and (with DATABASE_URL and REDIS_URL)
## the integration tests against real services, and (with Chromium) the browser tests.
test: setup lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v 1
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint templates --lint

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: setup
	$(BIN)/pytest -m "not integration and not browser" $(PYTEST_ARGS)

integration: setup
	$(BIN)/pytest -m integration $(PYTEST_ARGS)

browser: setup
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

## Throughput and latency figures against real PostgreSQL and Redis (see README, "Benchmarks").
bench: setup
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.queue_page $(BENCH_QUEUE_ARGS)
	$(PY) -m bench.report_pages $(BENCH_REPORT_ARGS)

## Regenerate requirements.lock from pyproject.toml's dependencies.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade pip
	.lockenv/bin/pip install --quiet ".[dev]"
	(head -2 requirements.lock; .lockenv/bin/pip freeze --exclude candor) > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lockenv

clean:
	rm -rf $(VENV) var .pytest_cache
