# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_VISITS ?= 10000

.PHONY: install demo test test-pg bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,postgres]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/demo.sh

# The layers first (.importlinter: arrows point down, stages meet only through the engine), then the suite,
# on every core (pytest-xdist: each worker builds its own template databases). test-pg runs in one process.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The same suite on a throwaway local PostgreSQL server (Debian's).
test-pg: $(STAMP)
	$(BIN)/lint-imports
	scripts/with-pg $(BIN)/python -m pytest -q

# A synthetic database of $(BENCH_VISITS) visits; times the morning's commands end to end.
bench: $(STAMP)
	$(BIN)/python -m bench.run --visits $(BENCH_VISITS)

clean:
	rm -rf $(VENV) demo .pytest_cache .hypothesis
