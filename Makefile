# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install web build-seeds serve bench clean train

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The explorer (web/) built into the package (api/explorer/static/, docs/explorer.md): npm ci from the committed
# package-lock.json, then vite; each again only when what it reads has changed.
WEB_BUILT   := api/explorer/static/index.html
WEB_SOURCES := $(shell find web/src web/public -type f) web/index.html web/vite.config.js docs/queries.md

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci

$(WEB_BUILT): web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

web: $(WEB_BUILT)

## Build the graph from seeds/ and serve it at http://127.0.0.1:8000 (the explorer at /, docs at /docs). The store is
## the documented default, ./eventkg-data of this folder (EVENTKG_STORE=/elsewhere make run to put it elsewhere).
run: export EVENTKG_STORE ?= $(CURDIR)/eventkg-data
run: install web
	$(BIN)/eventkg ingest seeds/
	$(BIN)/eventkg stats
	$(BIN)/eventkg serve

## Run the whole test suite on the real model, store and server.
test: install web
	$(BIN)/python -m pytest

## Rebuild the learned layer's model (extract/models/learned.json) from ../shared/data; fixed seed, a few minutes.
## `make test` never runs this: the model file is committed.
train: install
	$(BIN)/python -m extract.learned.train --data ../shared/data

bench: install
	for b in extraction ingest store analytics api_load; do $(BIN)/python -m bench.$$b || exit 1; done

clean:
	rm -rf $(VENV) eventkg-data *.egg-info web/node_modules api/explorer/static
