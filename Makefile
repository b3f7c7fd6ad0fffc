# Two commands from a fresh clone: `make demo`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/kbs-radio-rail-strike.txt

.PHONY: demo test lint bench clean

$(BIN)/broadcaster: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

# The tests also cover the neural and natural voices, so they install those extras too.
$(VENV)/.test-deps: $(BIN)/broadcaster
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,neural,natural]'
	touch $@

demo: $(BIN)/broadcaster
	$(BIN)/broadcaster doctor
	$(BIN)/broadcaster render $(EXAMPLE)
	@echo "Natural voices (women and men): $(BIN)/pip install -e '.[natural]'" \
	  "&& $(BIN)/broadcaster render $(EXAMPLE) --cast natural"

test: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# One script per target of issue 11, each printing its ratio and whether it is met.
BENCHES := render preview startup length batch neural natural

bench: $(VENV)/.test-deps
	@for b in $(BENCHES); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) output/*.mp3 output/*.part
