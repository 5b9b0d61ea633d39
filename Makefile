# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AXE    := tests/e2e/node_modules/axe-core/axe.min.js
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The origin in mails, feeds and page links (and the Wagtail site record, set on migrate): where `make run` serves.
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-sqlite services install migrate demo e2e bench clean messages loadtest assets

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	@touch $(AXE)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

## make run: set up everything and serve the portal at http://$(HOST):$(PORT)
run: demo
	$(BIN)/python manage.py ensure_admin
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv -v0; fi
	@echo "Portale: http://$(HOST):$(PORT)/  ·  amministrazione: http://$(HOST):$(PORT)/admin/"
	$(BIN)/python manage.py collectstatic --no-input -v0
	STATIC_FROM_SOURCES=false $(BIN)/python manage.py runserver --nostatic $(HOST):$(PORT)

## make test: the import contracts (pyproject.toml), then the whole suite against real services (started here when not given),
## in two processes (pytest-xdist, whole files to each; TEST_WORKERS=0 for one): one process left a core idle
TEST_WORKERS ?= 2
test: $(STAMP) $(AXE)
	$(BIN)/lint-imports
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv -v0; fi
	$(BIN)/python -m tests.harness run -- $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## make test-sqlite: the fast tier on SQLite, the database `make run` serves (no services: eager tasks,
## database search); CI runs it besides `make test`, whose fast tier runs on PostgreSQL
SQLITE_TESTS ?=
test-sqlite: $(STAMP)
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv -v0; fi
	env -u DATABASE_URL -u CELERY_BROKER_URL -u ELASTICSEARCH_URL -u CACHE_URL \
	  $(BIN)/python -m pytest -m "not services and not e2e" $(SQLITE_TESTS) $(PYTEST_ARGS)

## make bench: benchmarks on throwaway services (BENCH_SIZES=1000,10000 for a quick run); writes bench/report.*
bench: $(STAMP)
	$(BIN)/python -m tests.harness run -- $(BIN)/python -m bench

## make loadtest: 50 clients for 60 s against gunicorn on loopback (own PostgreSQL); 0 errors, p95, worker memory
loadtest: $(STAMP)
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv -v0; fi
	$(BIN)/python -m tests.load

## make e2e: only the browser journeys and accessibility checks (tests/e2e), same services as make test
e2e: $(STAMP) $(AXE)
	@if [ -d locale ]; then $(BIN)/python manage.py compilemessages --ignore=.venv -v0; fi
	$(BIN)/python -m tests.harness run -- $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

## make services: the test services for local development; prints the env to export
services: $(STAMP)
	$(BIN)/python -m tests.harness services

## make assets: rebuild the front-end files under portal/static/ from Bootstrap Italia's sources (Node, development
## time only; commit the result: tests/portal/test_frontend_build.py checks it is up to date)
assets:
	cd frontend && npm ci --no-audit --no-fund --silent && node build.mjs

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
