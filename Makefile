# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_VISITS ?= 10000

.PHONY: install demo test test-slow test-pg bench clean i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,postgres]'
	$(BIN)/python -c 'import pathlib, babel.messages.pofile as po, babel.messages.mofile as mo; [mo.write_mo(open(f.with_suffix(".mo"), "wb"), po.read_po(open(f, "rb"))) for f in pathlib.Path("src/receptionctl/locale").glob("*/LC_MESSAGES/*.po")]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/demo.sh

# The layers first (.importlinter: arrows point down, stages meet only through the engine), then the suite,
# on every core (pytest-xdist: each worker builds its own template databases). test-pg runs in one process.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not slow"

# The slow proofs (tests marked slow: load from ten processes, SIGKILL at random moments, the bad-input
# campaign, faults, concurrent writers): CI runs them after `make test`.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m slow

# The same suite on a throwaway local PostgreSQL server (Debian's).
test-pg: $(STAMP)
	$(BIN)/lint-imports
	scripts/with-pg $(BIN)/python -m pytest -q

# A synthetic database of $(BENCH_VISITS) visits; times the morning's commands end to end.
bench: $(STAMP)
	$(BIN)/python -m bench.run --visits $(BENCH_VISITS)

# The message catalogues: extract the marked texts of the code, merge them into each language's .po
# (translate the new entries there), compile. `make test` checks that the Chinese one is complete.
i18n: $(STAMP)
	PYTHONPATH=scripts $(BIN)/pybabel extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
		--project receptionctl -o src/receptionctl/locale/receptionctl.pot .
	$(BIN)/pybabel update -D receptionctl -i src/receptionctl/locale/receptionctl.pot -d src/receptionctl/locale \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -c 'import pathlib, babel.messages.pofile as po, babel.messages.mofile as mo; [mo.write_mo(open(f.with_suffix(".mo"), "wb"), po.read_po(open(f, "rb"))) for f in pathlib.Path("src/receptionctl/locale").glob("*/LC_MESSAGES/*.po")]'

clean:
	rm -rf $(VENV) demo .pytest_cache .hypothesis
