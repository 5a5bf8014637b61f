"""The schema tells the truth (issue 25): schemathesis, with every check and its examples, coverage, fuzzing
and stateful phases, against a live server (uvicorn on the test database, with the psycopg pool it is deployed
with), as an anonymous user (the operations open to anyone: `anonymous_operations`), a buyer and a seller.
Any failure fails the test, with schemathesis's report (each failure with a curl to reproduce it).

Bounded: a few examples per operation, the three runs side by side, one seed. scripts/schemathesis.sh runs the
same against a server you start yourself, with more examples. Exemptions, each with its reason, are in
tests/openapi/schemathesis.toml.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import asgi_server_start
from tests.factories import token_for
from tests.world import build_world

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CONFIG = Path(__file__).parent / "openapi" / "schemathesis.toml"
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"))
SEED = os.environ.get("SCHEMATHESIS_SEED", "25")
# Ends every session and token of the person, the run's own token too: the rest of a signed-in run would be
# 401s. Its own tests cover it (accounts); the anonymous run still sends it requests.
SIGNED_IN_EXCLUDED = ["/api/v1/auth/logout-everywhere/"]


def anonymous_operations(base_url: str) -> list[str]:
    """The operation ids an anonymous caller may use (`security` lists `{}`). The anonymous run fuzzes only
    these: every other operation answers 401 `not_authenticated` whatever it is sent, which the access matrix
    checks for every route (status and error shape) and the suite's schema plugin holds to the schema — as the
    run's coverage phase, ~3,000 requests of 401 (51 s of the three runs' CPU), it found nothing more."""
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=30) as response:
        schema = json.load(response)
    default = schema.get("security")
    return sorted(
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
        and (operation.get("security", default) is None or {} in operation.get("security", default))
    )


def schemathesis_command(
    base_url: str, *, token: str | None, report_dir: Path, only: list[str] | None = None
) -> list[str]:
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        SEED,
        # One worker: schemathesis's threads each build hypothesis strategies, whose descriptions parse source
        # with `ast`, and CPython 3.11 (before 3.12's fix, gh-106905) can fail two threads parsing at once with
        # "SystemError: AST constructor recursion depth mismatch" (CI, once). The three runs still go side by side
        # (alone here: 51.6 s against 46.5 s with two workers).
        "--workers",
        "1",
        "--no-shrink",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
    ]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
        for excluded in SIGNED_IN_EXCLUDED:
            command += ["--exclude-path", excluded]
    if only is not None:
        command += ["--include-operation-id-regex", "^(" + "|".join(re.escape(name) for name in only) + ")$"]
    return command


@pytest.fixture(scope="module")
def pooled_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """The session's server (asgi_server, made the same way: module-scoped, so before the test's generous limits)
    with a psycopg pool in the process, as deployed (DB_POOL, docs/scaling.md). Without it each of the ~11,600
    requests opened a PostgreSQL connection (a backend forked, its caches warmed, nothing prepared kept): on 2
    loaded cores the three runs took 100 s, with it 65-77 s."""
    server = asgi_server_start(django_db_blocker, tmp_path_factory.mktemp("asgi") / "uvicorn.log", {"DB_POOL": "1"})
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_as_its_schema_says_for_anyone_a_buyer_and_a_seller(pooled_server, tmp_path):
    world = build_world()
    runs = {
        "anonymous": None,
        "buyer": token_for(world.users["buyer_a"]),
        "seller": token_for(world.users["seller_a"]),
    }
    started = time.monotonic()
    processes = {}
    public = anonymous_operations(pooled_server.url)
    assert "products_list" in public and "cart_retrieve" not in public, public
    for who, token in runs.items():
        log = (tmp_path / f"{who}.txt").open("wb")
        only = public if token is None else None
        processes[who] = (
            subprocess.Popen(
                schemathesis_command(pooled_server.url, token=token, report_dir=tmp_path / who, only=only),
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "NO_COLOR": "1"},
                cwd=tmp_path,  # its cache folder (.schemathesis/) goes there, not into the checkout
            ),
            log,
        )
    failed = []
    for who, (process, log) in processes.items():
        process.wait(timeout=600)
        log.close()
        output = (tmp_path / f"{who}.txt").read_text(errors="replace")
        if process.returncode != 0:
            failed.append(f"===== as {who} (exit {process.returncode}) =====\n{_failures(output)}")
    elapsed = time.monotonic() - started
    assert not failed, f"schemathesis found failures ({elapsed:.0f} s):\n" + "\n".join(failed)


def _failures(output: str) -> str:
    """The FAILURES and SUMMARY parts of schemathesis's report (the warnings in between are long)."""
    start = output.find("= FAILURES =")
    part = output[output.rfind("\n", 0, start) + 1 :] if start >= 0 else output[-6000:]
    warnings_at = part.find("= WARNINGS =")
    summary_at = part.find("= SUMMARY =")
    if 0 <= warnings_at < summary_at:
        part = part[:warnings_at] + part[part.rfind("\n", 0, summary_at) + 1 :]
    return part[-20000:]
