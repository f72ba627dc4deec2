# Two commands do all the set-up on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?= -n auto
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=check-deploy-only-$$(date +%s)-a8f5f167f44f4964e6c998dee827110c-long-enough \
	ALLOWED_HOSTS=guichet.example.org DATABASE_URL=postgres://collex@db.internal/collex \
	CACHE_URL=rediscache://redis.internal:6379/1 CELERY_BROKER_URL=redis://redis.internal:6379/0 \
	EMAIL_URL=smtp+tls://guichet@smtp.example.org:587

.PHONY: install messages translations demo serve test test-e2e test-faults lint format check-deploy \
	bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(VENV)/.installed-e2e: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,e2e]"
	touch $@

install: $(VENV)/.installed

# Compile the message catalogues with Babel (pure Python: GNU gettext is not needed).
messages: install
	$(BIN)/pybabel compile --domain django --directory locale --statistics 2>&1 | tail -n 4

# For developers (needs GNU gettext's xgettext): gather new strings into both catalogues.
translations: install
	$(MANAGE) makemessages --locale fr --locale en --ignore ".venv/*" --no-obsolete --no-wrap
	$(BIN)/python locale/fill_english.py

demo: messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

serve: messages
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

# Browser journeys in Debian's Chromium (apt-get install chromium), axe-core and the Nu HTML
# checker (needs Java), against a server started by the tests.
test-e2e: messages $(VENV)/.installed-e2e
	$(BIN)/pytest -m e2e tests/e2e

# Restarts PostgreSQL and Redis and kills Celery workers during a load, on services of its own
# (a PostgreSQL cluster on port 5439, Redis on 6391, gunicorn on 8060, made and removed by the
# tests; needs PostgreSQL's server binaries and redis-server): safe beside other work.
test-faults: messages
	$(BIN)/pytest -m faults tests/faults

# Benchmarks against gunicorn on 127.0.0.1 (../shared/BENCH.md): bench/results.json and
# docs/performance.md. Uses DATABASE_URL when set (a scratch database!), else a SQLite file in /tmp.
bench: messages
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check
	$(MAKE) --no-print-directory check-deploy

check-deploy: install
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles
