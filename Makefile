# Backchannel: `make run` serves the course on http://127.0.0.1:5000, `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test test-browser test-postgres check load bench clean translations extract-messages update-catalogues

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: a second run reinstalls only when pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The interface's catalogues (Urdu, Hindi): messages.po is the source, compiled to messages.mo on build (the .mo
# files are not committed: they are made from the .po in a second, and a stale binary beside a newer .po misleads).
CATALOGUES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
PYBABEL := $(BIN)/pybabel

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PYBABEL) -q compile -l $* -d app/translations

translations: $(COMPILED)

# After marking strings: extract them all (templates, Python, scripts), then merge them into each catalogue.
extract-messages: $(VENV)/.installed
	$(PYBABEL) -q extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2 -k t -k tn:1,2 --sort-by-file --add-location=file --no-wrap \
		--msgid-bugs-address "" --project Backchannel -o app/translations/messages.pot .

update-catalogues: extract-messages
	$(PYBABEL) -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete --no-wrap

run: $(VENV)/.installed $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) course load
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-style serving: gunicorn with gunicorn.conf.py; SECRET_KEY (and DATABASE_URL) from the environment.
serve: $(VENV)/.installed $(COMPILED)
	@test -n "$$SECRET_KEY" || { echo "set SECRET_KEY (python -c 'import secrets; print(secrets.token_hex(32))')"; exit 2; }
	$(FLASK) db upgrade
	$(FLASK) course load
	$(BIN)/gunicorn -c gunicorn.conf.py "app:create_app()"

load: $(VENV)/.installed $(COMPILED)
	$(FLASK) db upgrade
	$(FLASK) course load

check: $(VENV)/.installed
	$(FLASK) course check

bench: $(VENV)/.dev-installed  # Locust and the test helpers round_cost.py reuses
	$(BIN)/python bench/course_load.py
	$(BIN)/python bench/review_queue.py
	$(BIN)/python bench/item_analysis.py
	$(BIN)/python bench/course_scale.py
	$(BIN)/python bench/round_cost.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/scale_out.py
	$(BIN)/python bench/faults.py
	$(BIN)/python bench/rate_limits.py
	$(BIN)/python bench/password_strength.py
	$(BIN)/python bench/answer_timing.py
	$(BIN)/python bench/answer_secrecy.py
	$(BIN)/python bench/hostile_inputs.py
	$(BIN)/python bench/marking.py
	$(BIN)/python bench/leaks.py

test: $(VENV)/.dev-installed $(COMPILED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Only the browser tests (Playwright + Debian's chromium); they leave screenshots and axe results in test-output/.
test-browser: $(VENV)/.dev-installed $(COMPILED)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# The whole suite again on PostgreSQL: BACKCHANNEL_TEST_POSTGRES=postgresql+psycopg://user@host:port
# (.ci/postgres-up starts a throw-away server and prints that URL).
test-postgres: $(VENV)/.dev-installed $(COMPILED)
	@test -n "$$BACKCHANNEL_TEST_POSTGRES" || { echo "set BACKCHANNEL_TEST_POSTGRES (see .ci/postgres-up)"; exit 2; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info test-output
