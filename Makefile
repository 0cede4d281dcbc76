# Rumahan: every command in the README is a target here, so the README never drifts from what runs.
# PYTHON picks the interpreter (e.g. `make test PYTHON=python3.12 VENV=.venv-py312` for Mesa 3.5).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help demo test test-fast test-lowest dashboard bench bench-smoke tutorial odd lint browser clean

help:
	@echo "make demo       set up .venv and run the scenario comparison (rumahan demo)"
	@echo "make test       set up .venv (and Chromium for browser tests) and run the whole test suite"
	@echo "make test-lowest  the fast tests with every direct dependency at its lowest allowed version (.venv-lowest)"
	@echo "make dashboard  start the Streamlit dashboard"
	@echo "make bench      run the performance suite and rewrite docs/performance.md"
	@echo "make tutorial   regenerate docs/tutorial.md's results and figures at full size"
	@echo "make odd        regenerate the parameter table in docs/ODD.md from the registry"
	@echo "make lint       ruff"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[all,test]'
	$(BIN)/python -c "from rumahan.model.model import warm_up_compiled_rules as w; print(f'compiled rules ready in {w():.1f} s')"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rumahan demo

test: $(STAMP) browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

# The lower bounds in pyproject.toml, checked: uv resolves every direct dependency to its lowest
# allowed version (--resolution lowest-direct) in .venv-lowest, then the fast tests run there.
LOWEST := .venv-lowest
test-lowest:
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet uv
	$(LOWEST)/bin/python -m uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e '.[all,test]'
	$(LOWEST)/bin/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

dashboard: $(STAMP)
	$(BIN)/rumahan dashboard

bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-smoke: $(STAMP)
	$(BIN)/python -m benchmarks --smoke

tutorial: $(STAMP)
	$(BIN)/python -m tools.tutorial

odd: $(STAMP)
	$(BIN)/python -m tools.odd_table --write

lint: $(STAMP)
	$(BIN)/ruff check model experiments dashboard benchmarks tools tests

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests (about a minute)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "note: chromium is not installed and cannot be installed here; browser tests will be skipped"; fi

clean:
	rm -rf $(VENV) .venv-py312 $(LOWEST) build *.egg-info
