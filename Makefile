# The two commands that matter: `make demo` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup demo serve test test-sqlite test-postgres lint format bench messages clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@bash scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: setup
	$(BIN)/relance demo

test: setup lint
	@bash scripts/browser-deps.sh
	@bash scripts/test.sh

lint: setup
	$(BIN)/ruff check relance tests bench scripts
	$(BIN)/ruff format --check relance tests bench scripts
	$(BIN)/mypy relance

format: setup
	$(BIN)/ruff check --fix relance tests bench scripts
	$(BIN)/ruff format relance tests bench scripts

bench: setup
	$(BIN)/python bench/import.py
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/render_letters.py
	$(BIN)/python bench/send.py

messages: setup
	cd relance && ../$(BIN)/relance makemessages --locale fr --locale de --locale es --locale it --no-obsolete && \
		../$(BIN)/relance compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
