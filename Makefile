# The README's two commands: `make demo` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: demo test install catalogues i18n lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the package's requirements change.
$(VENV)/.installed: setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed catalogues

# Compiled message catalogues are build products: made from the .po files on every run.
catalogues: $(VENV)/.installed
	$(BIN)/pybabel compile -d zhanqun/translations -D messages 2>&1 | grep -v '^compiling' || true

# After changing user-facing text: extract it and merge it into the catalogues, then
# translate the new entries in zhanqun/translations/zh_Hans_CN/LC_MESSAGES/messages.po.
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -o zhanqun/translations/messages.pot zhanqun
	$(BIN)/pybabel update -i zhanqun/translations/messages.pot -d zhanqun/translations --no-fuzzy-matching --ignore-obsolete

demo: install
	$(BIN)/zhanqun db upgrade
	$(BIN)/zhanqun demo --port $(PORT)
	$(BIN)/zhanqun run --host 127.0.0.1 --port $(PORT) --with-threads

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/python -m ruff check zhanqun tests bench

# The quick variants of the benchmarks (the full runs and their options: bench/README.md).
bench: install
	$(BIN)/python bench/public.py --quick
	$(BIN)/python bench/sync.py --quick
	$(BIN)/python bench/census.py --sites 5 --articles 20 --no-write

clean:
	rm -rf $(VENV) build *.egg-info
	find zhanqun -name '*.mo' -delete
