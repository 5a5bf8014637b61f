"""One migrated PostgreSQL database per test run, copied for each pytest process.

Migrating from nothing costs about 45 s of one core here, nearly all of it Django rendering the model states
between operations (hundreds of AlterField), not PostgreSQL. `make test` runs three pytest sessions (the suite in
two processes, the browser tests in two more, the fault tests), which migrated five times. Now the first process
that needs a test database migrates `test_<name>_tpl_<key>` (`manage.py migrate`, under an advisory lock on the
server, so the others wait), and every process's test database is created from it by PostgreSQL
(`CREATE DATABASE … TEMPLATE`, Django's TEST["TEMPLATE"] setting, 0.1 s); Django's `migrate` then runs on the
copy and finds nothing to do.

The key is the run (TEST_DB_TEMPLATE_RUN: one per `make` or `.ci/run`, one per pytest session otherwise) and
the content of every migration, so each run migrates from nothing at least once: a template never outlives the
run it was made for, whatever code made it. A new template drops the older ones of the same test database name.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_VARIABLE = "TEST_DB_TEMPLATE_RUN"


def migrations_digest() -> str:
    """Every migration file of the project and the pinned requirements (the other apps' migrations)."""
    digest = hashlib.sha256()
    paths = [*BASE_DIR.glob("*/migrations/*.py"), BASE_DIR / "requirements.txt"]
    for path in sorted(paths):
        digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def template_prefix(settings_dict: dict) -> str:
    """`test_<name>_tpl_`: the test database's name as Django makes it, before any xdist suffix."""
    return f"test_{settings_dict['NAME']}_tpl_"


def template_name(settings_dict: dict, run: str) -> str:
    key = hashlib.sha256(f"{run}\0{migrations_digest()}".encode()).hexdigest()[:16]
    return template_prefix(settings_dict) + key


def _server(settings_dict: dict) -> psycopg.Connection:
    """A connection to the server's maintenance database, as Django's own test-database creation uses."""
    return psycopg.connect(
        dbname="postgres",
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    )


def _url(settings_dict: dict, name: str) -> str:
    user = quote(settings_dict["USER"] or "postgres", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    return f"postgres://{user}{password}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


def _exists(server: psycopg.Connection, name: str) -> bool:
    return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def migrated_template(settings_dict: dict, run: str) -> str:
    """The name of this run's migrated template database, made now if no process has made it yet."""
    name = template_name(settings_dict, run)
    prefix = template_prefix(settings_dict)
    with _server(settings_dict) as server:
        # One lock per test database name on this server: the first process migrates, the others wait for it.
        server.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        try:
            if _exists(server, name):
                return name
            for (older,) in server.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s", [prefix, name]
            ).fetchall():  # other runs' (or a build that died half-way): never used again
                server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(older)))
            building = f"{name}_building"
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URLS"}
            env["DATABASE_URL"] = _url(settings_dict, building)
            done = subprocess.run(  # the same command Django's test-database creation calls, on a database of its own
                [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--run-syncdb", "--noinput", "-v", "0"],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if done.returncode != 0:
                server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(building)))
                raise RuntimeError(f"migrating the test database's template failed:\n{done.stderr[-5000:]}")
            # Complete, under its final name: a process never copies a half-migrated database.
            server.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(*map(sql.Identifier, (building, name))))
            return name
        finally:
            server.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])


def template_drop(settings_dict: dict, run: str) -> None:
    """Drops this run's template (a pytest session that made up its own run drops it at its end)."""
    with _server(settings_dict) as server:
        name = template_name(settings_dict, run)
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
