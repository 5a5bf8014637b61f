"""The embedded SQLite default (`make run` without DATABASE_URL), for tests of SQLite branches: a fresh
database file in a process of its own, migrated, running a script with `manage.py shell -c`.

Migrating (and seeding the demo) takes tens of seconds, so it happens once per machine for the code as it is:
`sqlite_prepared` copies a migrated (or migrated and seeded) VAR_DIR made by the first test that asks, under
a file lock so parallel pytest processes make it once, keyed by a hash of the project's code. The seeded one
is the migrated one seeded (one migration, not two), and each has its own lock: a test that wants the migrated
database does not wait while another seeds the demo. The acceptance of `make run` itself
(marketplace/tests/test_settings.py) migrates and seeds from nothing, as `make run` does."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings


def sqlite_run(var_dir: Path, *args: str) -> str:
    """`manage.py <args>` on the SQLite file in `var_dir` (no PostgreSQL, no Redis); its stdout."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URLS")}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="marketplace.settings", API_ERRORS_CHECK="off")
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _code_key() -> str:
    """Changes whenever a migration, a model or the demo's seeding could have changed: every project module."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for path in sorted(base.glob("*/**/*.py")):
        parts = path.relative_to(base).parts
        if parts[0] in {".venv", "var", "bench", "tests"} or "tests" in parts:
            continue
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def sqlite_prepared(var_dir: Path, *, seeded: bool = False) -> None:
    """Fills `var_dir` with a migrated SQLite database (and the demo's data and pictures when `seeded`)."""
    root = Path(tempfile.gettempdir()) / "marketplace-sqlite"
    root.mkdir(exist_ok=True)
    kind = "seeded" if seeded else "migrated"
    template = root / f"{_code_key()}-{kind}"
    with open(root / f"{kind}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process makes it, the others wait and copy
        if not (template / "done").exists():
            shutil.rmtree(template, ignore_errors=True)
            if seeded:
                sqlite_prepared(template)  # a copy of the migrated one
                sqlite_run(template, "seed_demo")
            else:
                sqlite_run(template, "migrate", "-v0")
            (template / "done").touch()
            for older in root.glob(f"*-{kind}"):  # the code has changed since: not needed
                if older != template:
                    shutil.rmtree(older, ignore_errors=True)
    shutil.copytree(template, var_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("done", "*.log"))


def sqlite_script(var_dir: Path, script: str) -> dict:
    """Runs `script` on a fresh migrated SQLite database in `var_dir`; the JSON its last line prints."""
    sqlite_prepared(var_dir)
    return json.loads(sqlite_run(var_dir, "shell", "-c", script).strip().splitlines()[-1])
