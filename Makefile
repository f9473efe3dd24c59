# The two commands of the README: `make demo` and `make test`. Both set up .venv first, from the lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_VISITS ?= 10000

# uv, pinned with its hashes (requirements/uv.txt), in a folder of its own; it installs everything
# else exactly as uv.lock says, hashes checked, and never downloads a Python of its own.
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
EXTRAS := --extra test --extra postgres
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

COMPILE_CATALOGUES := -c 'import pathlib, babel.messages.pofile as po, babel.messages.mofile as mo; [mo.write_mo(open(f.with_suffix(".mo"), "wb"), po.read_po(open(f, "rb"))) for f in pathlib.Path("src/receptionctl/locale").glob("*/LC_MESSAGES/*.po")]'

.PHONY: install demo test lint test-slow test-browser test-pg test-latest lock lock-check bench clean i18n

$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --require-hashes --no-deps -r requirements/uv.txt
	touch $(UV)

# --locked: a lock out of date with pyproject.toml is an error, not a new resolution. The package's
# own bytecode is compiled too (an editable install leaves none, and a machine that sets
# PYTHONDONTWRITEBYTECODE would compile every module again on every command).
$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync -q --locked $(EXTRAS) --python $(PYTHON) --compile-bytecode
	$(BIN)/python $(COMPILE_CATALOGUES)
	$(BIN)/python -m compileall -q src/receptionctl
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/demo.sh

# The layers first (.importlinter: arrows point down, stages meet only through the engine), then the suite,
# on every core (pytest-xdist: each worker builds its own template databases). test-pg runs in one process.
test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not slow and not browser"

# The layers (.importlinter), then ruff: pyflakes, the order of imports, complexity (pyproject.toml).
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests bench

# The slow proofs (tests marked slow: load from ten processes, SIGKILL at random moments, the bad-input
# campaign, faults, concurrent writers): CI runs them after `make test`.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "slow and not browser"

# The same suite on a throwaway local PostgreSQL server (Debian's).
test-pg: $(STAMP) lint
	scripts/with-pg $(BIN)/python -m pytest -q -m "not browser"

# The web front desk in a real browser: `receptionctl serve` in a subprocess, Playwright driving
# Debian's /usr/bin/chromium (apt-get install chromium); nothing downloads a browser.
test-browser: $(STAMP)
	$(BIN)/python -m pytest -q -m browser

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
	$(BIN)/python $(COMPILE_CATALOGUES)

# Regenerate uv.lock from pyproject.toml: `make lock` keeps every locked version that still fits;
# `make lock UPGRADE=1` moves everything to the newest allowed, `make lock PACKAGE=rich` one package.
lock: $(UV)
	$(UV) lock $(if $(UPGRADE),--upgrade) $(if $(PACKAGE),--upgrade-package $(PACKAGE))

# Fails when uv.lock is out of date with pyproject.toml (CI runs it first).
lock-check: $(UV)
	$(UV) lock --check

# The suite on the newest releases pyproject.toml allows, in a throwaway venv, the lock untouched:
# how an upgrade is tried before the lock moves. It prints what differs from the lock first.
LATEST := $(TOOLS)/latest
test-latest: $(UV)
	rm -rf $(LATEST)
	$(UV) venv -q --python $(PYTHON) $(LATEST)
	VIRTUAL_ENV=$(LATEST) $(UV) pip install -q --upgrade --compile-bytecode -e '.[test,postgres]'
	$(LATEST)/bin/python $(COMPILE_CATALOGUES)
	$(LATEST)/bin/python -m tests.lockcheck --report
	$(LATEST)/bin/lint-imports
	$(LATEST)/bin/python -m pytest -q -n auto --dist loadfile -m "not slow and not lock and not browser"
	rm -rf $(LATEST)

clean:
	rm -rf $(VENV) $(TOOLS) demo .pytest_cache .hypothesis
