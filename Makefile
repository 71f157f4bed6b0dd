# Two commands: `make lab` (set up and open the lessons) and `make test` (the whole suite).
# Each sets up .venv itself and reinstalls only when pyproject.toml has changed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8888
APP_PORT ?= 8866
PYTEST_ARGS ?=
BENCH_ARGS ?=
# Tests, nbval's kernels and the browser tests' kernels all run with the network blocked.
OFFLINE := PYTHONPATH=$(CURDIR)/tests/offline
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

STUDENT_DIR ?= student

.PHONY: lab test lint unit notebooks browser hub bench app student student-edition clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# A venv made when the project still asked for the GPU build of TensorFlow keeps it beside
# tensorflow-cpu, and both unpack into the same folder: drop it and restore the CPU files.
define one_tensorflow
	if $(PY) -m pip show tensorflow-cpu >/dev/null 2>&1 && $(PY) -m pip show tensorflow >/dev/null 2>&1; then \
		$(PY) -m pip uninstall --quiet -y tensorflow && \
		$(PY) -m pip install --quiet --force-reinstall --no-deps \
			"tensorflow-cpu==$$($(PY) -m pip show tensorflow-cpu | sed -n 's/^Version: //p')"; fi
endef

# Stamp files: make compares their time with pyproject.toml's, so a second `make lab`
# installs nothing unless the dependencies changed.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	$(one_tensorflow)
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	$(one_tensorflow)
	touch $(VENV)/.installed $@

lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab notebooks/00_start_here.ipynb \
		--ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.open_browser=True $(ROOT_FLAG)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Five pytest processes, each starting with a fresh TensorFlow: the browser tests; the
# unit and widget tests in three groups; the lessons under nbval. XLA keeps every
# compiled shape's code for the life of a process, and Linux caps a process's memory
# mappings (tunelab/training/mappings.py): the whole suite in one process compiles more
# shapes than fit. The two full playground warm-ups and the fuzzing each get a process;
# every process prints the share of the cap it used. The warm-ups mostly wait on XLA's
# compiler, one core's work, so they run beside the other two groups on the second core;
# their report is printed when they end. All parts run even if one fails.
UNIT_HEAVY := tests/test_compiles.py tests/test_padding.py
UNIT_FUZZ := tests/test_robustness.py
HEAVY_LOG := .pytest-warm-ups.log
UNIT_RUNS := ( $(OFFLINE) $(PY) -m pytest $(UNIT_HEAVY) $(PYTEST_ARGS) >$(HEAVY_LOG) 2>&1; \
		echo $$? >$(HEAVY_LOG).rc ) & \
	$(OFFLINE) $(PY) -m pytest $(UNIT_FUZZ) $(PYTEST_ARGS) || status=1; \
	$(OFFLINE) $(PY) -m pytest tests --ignore=tests/browser --ignore=tests/hub \
		$(foreach f,$(UNIT_HEAVY) $(UNIT_FUZZ),--ignore=$(f)) $(PYTEST_ARGS) || status=1; \
	wait; echo "== $(UNIT_HEAVY)"; cat $(HEAVY_LOG); \
	[ "$$(cat $(HEAVY_LOG).rc)" = 0 ] || status=1; rm -f $(HEAVY_LOG) $(HEAVY_LOG).rc;
test: lint
	@status=0; \
	$(OFFLINE) $(PY) -m pytest tests/browser $(PYTEST_ARGS) || status=1; \
	$(UNIT_RUNS) \
	$(OFFLINE) $(PY) -m pytest notebooks --nbval-lax --nbval-current-env $(PYTEST_ARGS) \
		|| status=1; \
	exit $$status

unit: $(VENV)/.installed-dev
	@status=0; \
	$(UNIT_RUNS) \
	exit $$status

browser: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m pytest tests/browser -v $(PYTEST_ARGS)

# A real JupyterHub on 127.0.0.1 (tests/hub): three students log in and run lessons. Its
# proxy, configurable-http-proxy, comes from npm into .venv/node (CI runs this after `test`).
$(VENV)/node/node_modules/.bin/configurable-http-proxy: | $(PY)
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error \
		configurable-http-proxy@4

hub: $(VENV)/.installed-dev $(VENV)/node/node_modules/.bin/configurable-http-proxy
	$(OFFLINE) $(PY) -m pytest tests/hub -v $(PYTEST_ARGS)

notebooks: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m pytest notebooks --nbval-lax --nbval-current-env $(PYTEST_ARGS)

# The playground as a standalone page (Voilà: outputs only, no code), for a projector.
app: $(VENV)/.installed
	$(VENV)/bin/voila app/playground.ipynb --Voila.ip=127.0.0.1 --port=$(APP_PORT) --token \
		--theme=light

# `make bench BENCH_ARGS=--classroom`: N students' kernels on this machine (several minutes).
bench: $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m tunelab.bench --harness tests/browser/harness.py $(BENCH_ARGS)
	$(if $(BENCH_ARGS),,$(OFFLINE) $(PY) tests/browser/harness.py)

# The student edition: the lessons without their solution cells (tag `solution`), written
# to $(STUDENT_DIR)/notebooks; `make student` also runs every one in a fresh kernel. The
# repository's notebooks/ is the teacher's copy.
student-edition: $(VENV)/.installed
	rm -rf $(STUDENT_DIR)/notebooks
	$(VENV)/bin/jupyter nbconvert --to notebook --log-level=WARN \
		--TagRemovePreprocessor.enabled=True --TagRemovePreprocessor.remove_cell_tags=solution \
		--output-dir $(STUDENT_DIR)/notebooks notebooks/*.ipynb

student: student-edition $(VENV)/.installed-dev
	$(OFFLINE) $(PY) -m pytest $(STUDENT_DIR)/notebooks --nbval-lax --nbval-current-env $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) *.egg-info test-artifacts $(STUDENT_DIR)
