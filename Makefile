# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
export DJANGO_SETTINGS_MODULE := clinic.settings

.PHONY: run test lint format migrate seed serve-prod bench e2e faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## make run: install, migrate, load the demo clinic, serve at http://127.0.0.1:$(PORT) with one
## background worker (emails, reminders), stopped with the server
run: $(VENV)/.runtime
	$(BIN)/python manage.py care_new_key --dev-file
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "The clinic is at http://127.0.0.1:$(PORT)/  (back office: http://127.0.0.1:$(PORT)/admin/)"
	@echo "One background worker sends the emails; Ctrl+C stops both."
	@echo ""
	PORT=$(PORT) bash scripts/run.sh

## make test: install, lint, the whole suite (SQLite, or PostgreSQL with DATABASE_URL)
test: $(VENV)/.dev lint
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r clinic bookings care articles
	$(BIN)/python scripts/long_functions.py

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## make e2e: real-browser, accessibility (axe) and HTML (Nu checker) tests with Chromium
e2e: $(VENV)/.dev
	bash scripts/e2e.sh

## make bench: page throughput cached and cold, a busy clinic, the availability engine's
## scaling; ratios to a hello-world Django view (scripts/bench.sh)
bench: $(VENV)/.dev
	bash scripts/bench.sh

## make faults: Redis stopped mid-test, black-hole and unreachable SMTP, two workers (PostgreSQL)
faults: $(VENV)/.dev
	bash scripts/faults.sh

## make serve-prod: gunicorn with production settings (needs DJANGO_SECRET_KEY, CARE_ENCRYPTION_KEYS)
serve-prod: $(VENV)/.runtime
	bash scripts/serve-prod.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3 test-db.sqlite3*
