# spacematch: the two commands of README.md.
#   make run   set up everything, load demo data once, serve on http://127.0.0.1:5000
#   make test  set up everything (PostGIS too where PostgreSQL answers), run every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
PG_USER ?= postgres
PG_TEST_DB ?= spacematch_test
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run test system-deps browser-deps postgis load clean

help:
	@echo "make run    install, create the database, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install (PostGIS where PostgreSQL answers on $(PG_HOST):$(PG_PORT)) and run every test"

# --- system packages (Debian/Ubuntu; elsewhere stop and name what is missing) --------------
define apt_install
	if command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then \
	  echo "Installing Debian package(s): $(1)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(1) >/dev/null; \
	else \
	  echo "Please install $(1) (Debian/Ubuntu names; on macOS: brew install $(2)) and run make again." >&2; exit 1; \
	fi
endef

system-deps:
	@ls /usr/lib/*/mod_spatialite.so /usr/lib/mod_spatialite.so /usr/local/lib/mod_spatialite.* 2>/dev/null | grep -q . \
	  || ldconfig -p 2>/dev/null | grep -q mod_spatialite \
	  || { $(call apt_install,libsqlite3-mod-spatialite,libspatialite); }

# Chromium for the browser tests; CJK fonts so screenshots show Korean text, not boxes.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(call apt_install,chromium chromium-driver,chromium); }
	@fc-list 2>/dev/null | grep -qi "CJK" || { $(call apt_install,fonts-noto-cjk,font-noto-sans-cjk); }

# make run installs only what the app needs; make test adds the test tools and the
# benchmark's GeoPandas (the extra "bench").
$(STAMP)/venv: pyproject.toml
	@mkdir -p $(STAMP)
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	@touch $@

$(STAMP)/test-deps: $(STAMP)/venv
	$(BIN)/pip install -q -e '.[test,bench]'
	@touch $@

# The message catalogues (.po, in git) compiled for the app to read (.mo, not in git).
MO := $(patsubst %.po,%.mo,$(wildcard spacematch/translations/*/LC_MESSAGES/messages.po))
$(MO): %.mo: %.po $(STAMP)/venv
	$(BIN)/pybabel compile -i $< -o $@ --statistics

# axe-core (npm) for the accessibility browser test, at the version package-lock.json pins,
# into node_modules/; Debian's npm where npm is missing. The installed file is the stamp, so a
# deleted node_modules/ is installed again.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(call apt_install,npm,node); }
	npm ci --no-audit --no-fund
	@touch $@

# --- make run ---------------------------------------------------------------------------------
instance/.demo-loaded: $(STAMP)/venv $(wildcard data/*/city.toml data/*/*.geojson data/*/*.csv data/demo/*/* data/demo/*.toml) spacematch/services/demo_sources.py
	@mkdir -p instance
	$(BIN)/spacematch init-db
	$(BIN)/spacematch load-reference data/seoul
	$(BIN)/spacematch load-reference data/baltimore
	$(BIN)/spacematch load-demo
	@touch $@

load: system-deps instance/.demo-loaded

run: system-deps $(STAMP)/venv $(MO) load
	$(BIN)/spacematch init-db
	$(BIN)/spacematch serve --host $(HOST) --port $(PORT)

# --- make test --------------------------------------------------------------------------------
# Where a PostgreSQL server answers, install PostGIS for its version and make a test database.
postgis:
	@if ! command -v psql >/dev/null || ! psql -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -d postgres -tAc 'select 1' >/dev/null 2>&1; then \
	  echo "No PostgreSQL on $(PG_HOST):$(PG_PORT): PostGIS tests will be skipped."; \
	else \
	  PSQL="psql -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -v ON_ERROR_STOP=1 -qtA"; \
	  if [ -z "$$($$PSQL -d postgres -c "select 1 from pg_available_extensions where name='postgis'")" ]; then \
	    major=$$($$PSQL -d postgres -c 'show server_version_num' | cut -c1-2); \
	    $(call apt_install,postgresql-$$major-postgis-3,postgis); \
	  fi; \
	  $$PSQL -d postgres -c "select 1 from pg_database where datname='$(PG_TEST_DB)'" | grep -q 1 \
	    || $$PSQL -d postgres -c 'create database $(PG_TEST_DB)'; \
	  $$PSQL -d $(PG_TEST_DB) -c 'create extension if not exists postgis'; \
	  echo "PostGIS ready: $(PG_TEST_DB) on $(PG_HOST):$(PG_PORT)"; \
	fi

test: system-deps browser-deps $(STAMP)/test-deps $(MO) $(AXE) postgis
	@if psql -h $(PG_HOST) -p $(PG_PORT) -U $(PG_USER) -d $(PG_TEST_DB) -tAc 'select postgis_version()' >/dev/null 2>&1; then \
	  export SPACEMATCH_TEST_POSTGIS_URL=$${SPACEMATCH_TEST_POSTGIS_URL:-postgresql+psycopg://$(PG_USER)@$(PG_HOST):$(PG_PORT)/$(PG_TEST_DB)}; \
	fi; \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(STAMP) instance .pytest_cache node_modules
