# The two commands of the README:  `make chat` (talk to the bot locally)  and  `make test`.
# Both create .venv and install what they need on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test bench lint

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,dev]'
	@touch $(STAMP)

## chat: fill the shipped report in this terminal (SQLite in ./reportbot.db, no token). ARGS="--unit 'Xã Kiến Thụy'"
chat: $(STAMP)
	@$(BIN)/reportbot chat $(ARGS)

## test: the whole test suite (SQLite and PostgreSQL at 127.0.0.1:5432)
test: $(STAMP)
	@$(BIN)/python -m pytest -q $(ARGS)

## bench: the benchmarks (prints figures)
bench: $(STAMP)
	@$(BIN)/python benchmarks/runner.py
	@$(BIN)/python benchmarks/parse.py
	@$(BIN)/python benchmarks/export.py --quick
	@$(BIN)/python benchmarks/diacritics.py
	@$(BIN)/python benchmarks/runtime.py
	@$(BIN)/python benchmarks/telegram_load.py --quick
	@$(BIN)/python benchmarks/zalo.py
	@$(BIN)/python benchmarks/reminders.py --quick

lint: $(STAMP)
	@$(BIN)/ruff check bot dialogs storage exporters tests benchmarks
	@$(BIN)/mypy dialogs storage bot
