# Two commands: `make lab` (set up and open the lessons) and `make test` (the whole suite).
# Each sets up .venv itself and reinstalls only when pyproject.toml has changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8888
APP_PORT ?= 8866
PYTEST_ARGS ?=
# Tests, nbval's kernels and the browser tests' kernels all run with the network blocked.
OFFLINE := PYTHONPATH=$(CURDIR)/tests/offline
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint unit notebooks browser bench app clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: make compares their time with pyproject.toml's, so a second `make lab`
# installs nothing unless the dependencies changed.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab notebooks/00_start_here.ipynb \
		--ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.open_browser=True $(ROOT_FLAG)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(OFFLINE) $(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env $(PYTEST_ARGS)

unit: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

browser: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m pytest tests/browser -v $(PYTEST_ARGS)

notebooks: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m pytest notebooks --nbval-lax --nbval-current-env $(PYTEST_ARGS)

# The playground as a standalone page (Voilà: outputs only, no code), for a projector.
app: $(VENV)/.installed
	$(VENV)/bin/voila app/playground.ipynb --Voila.ip=127.0.0.1 --port=$(APP_PORT) --token \
		--theme=light

bench: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m tunelab.bench
	$(OFFLINE) $(PY) tests/browser/harness.py

clean:
	rm -rf $(VENV) *.egg-info test-artifacts
