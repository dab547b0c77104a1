# Two entry points for a fresh machine (see README): `make demo` and `make test`.
# Everything else is installed into project-local virtual environments.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Lambda runtime is python3.13: unit tests run there too when a 3.13 interpreter exists.
PY313 := $(shell (PYENV_VERSION=3.13.0 python3 -c 'import sys; assert sys.version_info[:2] == (3, 13); print(sys.executable)' 2>/dev/null) || command -v python3.13)
VENV313 := .venv313

.PHONY: install demo test lint unit-py313 bench bench-flow clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/triage demo

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest
	$(MAKE) --no-print-directory unit-py313

$(VENV313)/bin/.installed: pyproject.toml
	$(PY313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(VENV313)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

unit-py313:
ifeq ($(PY313),)
	@echo "unit-py313: no Python 3.13 interpreter found (pyenv 3.13.0 or python3.13); skipped"
else
	$(MAKE) --no-print-directory $(VENV313)/bin/.installed
	$(VENV313)/bin/pytest tests/unit
endif

bench: install
	$(BIN)/python bench/grade_throughput.py

# The ticket flow under load, locally (see bench/README.md): TICKETS=1000 RATE=0 (a burst).
TICKETS ?= 1000
RATE ?= 0
bench-flow: install
	$(BIN)/python bench/ticket_flow_load.py --tickets $(TICKETS) --rate $(RATE)

clean:
	rm -rf $(VENV) $(VENV313) .pytest_cache .ruff_cache *.egg-info
