"""Throw-away services for the fault tests, all on this machine's loopback: a PostgreSQL cluster
in a temporary directory (port 5439), a Redis server (port 6391), gunicorn (port 8060) and Celery
workers. The tests stop, restart and kill these, never the machine's own PostgreSQL or Redis.

Every wait is a bounded poll; every process is started in a session of its own and ended by its
id (the whole group, so that gunicorn's and Celery's children go too).
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
PG_PORT = 5439
REDIS_PORT = 6391
WEB_PORT = 8060
DATABASE = "collex_faults"


class ServiceError(RuntimeError):
    pass


def wait_until(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise ServiceError(f"{what} within {timeout} s")


def port_open(port):
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def end_group(process, timeout=10, first=signal.SIGTERM):
    """Stop a process started by start() and its children: `first`, then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((first, timeout), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def start(command, log_path, env=None):
    """Start `command` in a session of its own, its output appended to `log_path`."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def postgres_binaries():
    """The folder of initdb, pg_ctl and createdb (Debian's layout, or on the PATH), or None."""
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if shutil.which("pg_ctl"):
        folders.append(Path(shutil.which("pg_ctl")).resolve().parent)
    for folder in folders:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "createdb")):
            return folder
    return None


class PrivatePostgres:
    """A cluster of its own in `folder`, run by the `postgres` user when we are root."""

    def __init__(self, folder):
        self.bin = postgres_binaries()
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.user = "postgres" if os.geteuid() == 0 else None

    def run(self, *args, timeout=60):
        command = [str(self.bin / args[0]), *args[1:]]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.user,
            cwd=self.folder,
        )
        if result.returncode:
            raise ServiceError(f"{' '.join(command)}: {result.stdout}{result.stderr}")
        return result.stdout

    @classmethod
    def remove_stale(cls):
        """Clusters left by a run that was itself killed (they hold the port): ours by name."""
        if postgres_binaries() is None:
            return
        for pid_file in Path("/tmp").glob("collex-faults-pg-*/data/postmaster.pid"):
            cluster = cls(pid_file.parent.parent)
            with contextlib.suppress(ServiceError, subprocess.SubprocessError):
                cluster.stop("immediate")
            shutil.rmtree(cluster.folder, ignore_errors=True)

    def create(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.folder, self.user)
        self.run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8")
        self.start()
        self.run("createdb", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", DATABASE)

    def start(self):
        options = f"-p {PG_PORT} -k {self.folder} -c listen_addresses={HOST} -c max_connections=60"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t",
                 "60", "-o", options, "start")  # fmt: skip

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self):
        return (self.data / "postmaster.pid").exists()

    def value(self, query, *params):
        """The first column of the first row of `query`, read without Django (fast to poll)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            row = connection.execute(query, params).fetchone()
        return row[0] if row else None

    @contextlib.contextmanager
    def table_locked(self, table):
        """Hold `table` locked (nobody may even read it) until the block ends: a task that needs
        it waits in the middle of its work, where the test wants it."""
        import psycopg

        with psycopg.connect(self.url) as connection:
            connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            try:
                yield
            finally:
                connection.rollback()

    def destroy(self):
        if self.running():
            with contextlib.suppress(ServiceError):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self):
        return f"postgres://postgres@{HOST}:{PG_PORT}/{DATABASE}"


class PrivateRedis:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.process = None

    def start(self):
        command = [shutil.which("redis-server"), "--port", str(REDIS_PORT), "--bind", HOST,
                   "--save", "", "--appendonly", "no", "--dir", str(self.folder)]  # fmt: skip
        self.process = start(command, self.folder / "redis.log")
        wait_until(lambda: ping_redis(), 20, "Redis did not answer")

    def stop(self):
        end_group(self.process)
        self.process = None
        wait_until(lambda: not port_open(REDIS_PORT), 10, "Redis did not stop")

    @property
    def url(self):
        return f"redis://{HOST}:{REDIS_PORT}/0"


def ping_redis():
    try:
        with socket.create_connection((HOST, REDIS_PORT), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Stack:
    """gunicorn and Celery workers of the project on the private services, for one test."""

    def __init__(self, folder, env):
        self.folder = Path(folder)
        self.env = env
        self.web = None
        self.workers = {}
        self.mail = self.folder / "mail"
        self.mail.mkdir(parents=True, exist_ok=True)
        self.env["EMAIL_FILE_PATH"] = str(self.mail)

    def start_web(self, workers=2):
        command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
                   "--workers", str(workers), "--bind", f"{HOST}:{WEB_PORT}", "--timeout", "60",
                   "--backlog", "512", "--log-level", "warning"]  # fmt: skip
        self.web = start(command, self.folder / "gunicorn.log", self.env)
        wait_until(lambda: port_open(WEB_PORT), 60, "gunicorn did not listen")

    def start_worker(self, name, *, extra_env=None):
        """A worker of one pool process (prefork, as in production) named `name`."""
        log = self.folder / f"worker-{name}.log"
        command = [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
                   "-n", f"{name}@faults", "--pool", "prefork", "--concurrency", "1",
                   "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                   "--without-heartbeat"]  # fmt: skip
        process = start(command, log, {**self.env, **(extra_env or {})})
        self.workers[name] = process
        wait_until(lambda: " ready." in log.read_text(errors="replace"), 60,
                   f"Celery worker {name} did not say it was ready")  # fmt: skip
        return process

    def start_beat(self):
        """Celery beat, which queues the sweeper every second (tests/faults/settings.py)."""
        schedule = str(self.folder / "beat-schedule")
        command = [str(Path(sys.executable).parent / "celery"), "-A", "config", "beat",
                   "--schedule", schedule, "--loglevel", "INFO"]  # fmt: skip
        self.workers["beat"] = start(command, self.folder / "beat.log", self.env)

    def stop_worker(self, name):
        """The test is over and no task needs finishing: no shutdown to wait for."""
        end_group(self.workers.pop(name, None), first=signal.SIGKILL)

    def pool_children(self, name):
        """The pids of a worker's pool processes (its children)."""
        pid = self.workers[name].pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in children.read_text().split()] if children.exists() else []

    def stop(self):
        end_group(self.web, first=signal.SIGKILL)
        for name in list(self.workers):
            self.stop_worker(name)

    def probe(self, *args):
        result = subprocess.run(
            [sys.executable, "-m", "tests.faults.probe", *map(str, args)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise ServiceError(f"probe {args}: {result.stderr[-3000:]}")
        return json.loads(result.stdout)

    def sent_mail(self):
        """{recipient: [Message-ID, ...]} of every e-mail written so far."""
        from email.parser import BytesHeaderParser

        sent = {}
        for path in sorted(self.mail.glob("*.eml")):
            headers = BytesHeaderParser().parsebytes(path.read_bytes())
            sent.setdefault(headers["To"], []).append(headers["Message-ID"])
        return sent

    def logs(self):
        """The end of every log, to explain a failure."""
        parts = []
        for path in sorted(self.folder.glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)
