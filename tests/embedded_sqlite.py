"""The embedded SQLite default (`make run` without DATABASE_URL), for tests of SQLite branches: a fresh
database file in a process of its own, migrated, running a script with `manage.py shell -c`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def sqlite_script(var_dir: Path, script: str) -> dict:
    """Migrates a fresh SQLite database in `var_dir`, runs `script` there; the JSON its last line prints."""
    sqlite_run(var_dir, "migrate", "-v0")
    return json.loads(sqlite_run(var_dir, "shell", "-c", script).strip().splitlines()[-1])
