# cqlscope developer commands. `make test` and `make run` set up everything they need on a fresh
# Debian machine: the venv, the Python packages, the Debian packages (as root) and the local Cassandra.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: help venv system-deps gui-deps test check lint run demo screenshot bundle cassandra-start cassandra-stop clean conformance

help:
	@echo "make test    - set up, start the local Cassandra, run the whole test suite, stop what it started"
	@echo "make run     - launch the cqlscope GUI"
	@echo "make lint    - ruff and mypy (strict on core and gui)"
	@echo "make bundle  - PyInstaller one-folder build in build/dist/cqlscope"
	@echo "make cassandra-start / cassandra-stop - the local Cassandra node (scripts/local-cassandra)"

$(STAMP): pyproject.toml constraints.txt | gui-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	@touch $@

venv: $(STAMP)

system-deps:
	@scripts/system-deps

gui-deps:
	@scripts/system-deps --gui

# The session fixture in tests/conftest.py starts the local Cassandra node and the Secret Service
# keyring, and stops them again when it started them.
test: system-deps venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check core gui tests
	$(BIN)/mypy

check: lint test

# The GUI alone needs no JDK or Maven: only the Qt libraries.
run: gui-deps venv
	$(BIN)/cqlscope-gui

# Starts the local Cassandra, loads the demo data, opens the GUI; closing it (or Ctrl+C) stops what it started.
demo: system-deps venv
	$(BIN)/python -m gui.demo

# Regenerates docs/screenshot.png from an offscreen demo run (README).
screenshot: system-deps venv
	scripts/screenshot

# One-folder desktop bundle: build/dist/cqlscope/cqlscope (GUI without arguments, CLI with them).
bundle: system-deps venv
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath build/dist --workpath build/work \
		packaging/cqlscope.spec
	@build/dist/cqlscope/cqlscope --version

# Regenerates conformance/vectors from Grafana's npm packages (Node 20+, npm), then runs a differential
# round of fresh random cases (a new seed) against cqlscope and prints any mismatch minimised.
conformance: venv
	cd conformance/js && npm ci --no-audit --no-fund && node generate.js && node isotime.js
	$(BIN)/python -m conformance.differential

cassandra-start:
	scripts/local-cassandra start

cassandra-stop:
	scripts/local-cassandra stop --all

clean:
	scripts/local-cassandra stop --all || true
	rm -rf .run test-artifacts build dist *.egg-info
