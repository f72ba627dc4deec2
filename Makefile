# Two commands do all the set-up on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# manage.py, like every entry point, falls back on the production settings (config/settings/
# __init__.py): here, unless the environment names a module, the commands run on the dev ones.
# pytest always uses config.settings.test (pyproject.toml).
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
PYTEST_ARGS ?= -n auto
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=check-deploy-only-$$(date +%s)-a8f5f167f44f4964e6c998dee827110c-long-enough \
	ALLOWED_HOSTS=guichet.example.org DATABASE_URL=postgres://collex@db.internal/collex \
	CACHE_URL=rediscache://redis.internal:6379/1 CELERY_BROKER_URL=redis://redis.internal:6379/0 \
	EMAIL_URL=smtp+tls://guichet@smtp.example.org:587 \
	MFA_ENCRYPTION_KEY=Y2hlY2stZGVwbG95LW9ubHktbm90LWEtcmVhbC1rZXk=

# Every dependency is pinned, with its hashes, in requirements/: base.lock (production), dev.lock
# (base and the dev extra: tests, lint, pip-tools) and e2e.lock (dev and the e2e extra). pyproject.toml
# gives the allowed ranges; make lock and make upgrade write the locks from them (pip-tools).
LOCK = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
LOCK_EXTRAS_base :=
LOCK_EXTRAS_dev := --extra dev
LOCK_EXTRAS_e2e := --extra dev --extra e2e

.PHONY: install messages translations demo serve totp test test-unit test-e2e test-faults lint format \
	check-deploy bench clean lock upgrade check-lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exactly the locked releases (pip refuses anything unpinned or whose hash differs), then the
# project itself with no dependencies of its own (setuptools comes from the lock too).
$(VENV)/.installed: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-e2e: requirements/e2e.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/e2e.lock
	touch $@

install: $(VENV)/.installed

# After editing pyproject.toml's dependencies: the locks follow, every other pin kept as it is.
# e2e.lock is resolved first; dev.lock and base.lock start from its pins, so the three agree.
lock: install
	$(LOCK) --generate-hashes $(LOCK_EXTRAS_e2e) $(UPGRADE) -o requirements/e2e.lock pyproject.toml
	cp requirements/e2e.lock requirements/dev.lock
	$(LOCK) --generate-hashes $(LOCK_EXTRAS_dev) -o requirements/dev.lock pyproject.toml
	cp requirements/dev.lock requirements/base.lock
	$(LOCK) --generate-hashes $(LOCK_EXTRAS_base) -o requirements/base.lock pyproject.toml

# Upgrading is deliberate: the newest releases that pyproject.toml allows, for every package or
# only for PACKAGES="django wagtail". Run make test, then commit the locks on their own.
upgrade: install
	$(MAKE) --no-print-directory lock \
		UPGRADE="$(if $(PACKAGES),$(addprefix --upgrade-package ,$(PACKAGES)),--upgrade)"

# Fails when pyproject.toml and the locks disagree: each lock is resolved again from its own pins
# (no upgrade, no hashes: seconds) and must come out the same, hashes aside; and the three agree.
check-lock: install
	@tmp=$$(mktemp -d); status=0; \
	pins() { sed -n 's/^\([A-Za-z0-9][^ ;]*==[^ ;]*\).*/\1/p' "$$1" | sort; }; \
	for name in base dev e2e; do \
		lock=requirements/$$name.lock; cp $$lock $$tmp/$$name.lock; \
		case $$name in base) extras="$(LOCK_EXTRAS_base)";; dev) extras="$(LOCK_EXTRAS_dev)";; \
			e2e) extras="$(LOCK_EXTRAS_e2e)";; esac; \
		if ! $(LOCK) $$extras -o $$tmp/$$name.lock pyproject.toml 2>$$tmp/errors; then \
			cat $$tmp/errors; echo "$$lock: pyproject.toml cannot be resolved from its pins."; \
			status=1; continue; \
		fi; \
		sed -e '/^ *--hash=/d' -e 's/ \\$$//' $$lock >$$tmp/locked; \
		if ! diff $$tmp/locked $$tmp/$$name.lock >$$tmp/diff; then \
			echo "$$lock does not match pyproject.toml (<: in the lock, >: what make lock writes):"; \
			cat $$tmp/diff; status=1; \
		fi; \
	done; \
	for pair in "base dev" "dev e2e"; do set -- $$pair; \
		pins requirements/$$1.lock >$$tmp/small; pins requirements/$$2.lock >$$tmp/large; \
		if [ -n "$$(comm -23 $$tmp/small $$tmp/large)" ]; then \
			echo "requirements/$$1.lock pins releases that requirements/$$2.lock does not:"; \
			comm -23 $$tmp/small $$tmp/large; status=1; \
		fi; \
	done; \
	rm -rf $$tmp; \
	if [ $$status -ne 0 ]; then \
		echo "Run make lock (or make upgrade, on purpose) and commit requirements/."; exit 1; \
	fi; \
	echo "requirements/*.lock match pyproject.toml."

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

# The current second-factor code of a demo account (EMAIL=conseil@example.org for another).
EMAIL ?= gestion@example.org
totp: install
	@$(MANAGE) demo_totp $(EMAIL)

test: messages
	$(BIN)/pytest $(PYTEST_ARGS)

# The pure modules' rules (matching, scoring, the funding line) in seconds: no test database.
test-unit: install
	$(BIN)/pytest -m unit -p no:xdist

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
# BENCH_ARGS="--size 50" for a quick run, written elsewhere (tests/test_bench_smoke.py runs one).
bench: messages
	DJANGO_SETTINGS_MODULE=bench.settings $(MANAGE) bench $(BENCH_ARGS)

lint: install
	$(MAKE) --no-print-directory check-lock
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
