# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install build-seeds serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Build the graph from seeds/ and serve it at http://127.0.0.1:8000 (docs at /docs).
run: install
	$(BIN)/eventkg ingest seeds/
	$(BIN)/eventkg stats
	$(BIN)/eventkg serve

## Run the whole test suite on the real model, store and server.
test: install
	$(BIN)/python -m pytest

bench: install
	for b in extraction ingest store analytics api_load; do $(BIN)/python -m bench.$$b || exit 1; done

clean:
	rm -rf $(VENV) eventkg-data *.egg-info
