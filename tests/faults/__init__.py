"""Fault tests (`make test-faults`): the platform under a submission load while its services fail.

Each test runs its own PostgreSQL cluster (port 5439), Redis (6391), gunicorn (8060) and Celery
workers and beat (services.py, conftest.py), so that it can restart and kill them freely beside
anyone else's work on the machine's own services:

- test_postgres_restart: PostgreSQL restarts during a rush of 80 submissions;
- test_redis_restart: Redis (broker and cache) stops and comes back around 30 submissions;
- test_worker_killed: workers killed with SIGKILL while they send a receipt or build a report.

Afterwards, every acknowledged submission is stored whole, the others are intact drafts that can
be submitted again, each receipt and each "report ready" message is sent exactly once, and each
report is done. Run `.venv/bin/pytest -m faults tests/faults -s` to see the figures.
"""
