"""A real streaming replica of this machine's PostgreSQL, for tests: pg_basebackup into a second cluster
on a free port, started and stopped by the caller (tests/topology/conftest.py).

The primary (127.0.0.1:5432, trust) already has `wal_level = replica` and `max_wal_senders = 10`
(PostgreSQL's defaults), and the `postgres` role may replicate; but Debian's pg_hba.conf has no
`replication` line (`all` does not match replication connections), so `replication_allow()` adds
`host replication all 127.0.0.1/32 trust` once — the same trust every local connection already has — and
reloads the configuration.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

PRIMARY = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres", "autocommit": True}
HBA_LINE = "host replication all 127.0.0.1/32 trust"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} is not installed (PostgreSQL's binaries are under /usr/lib/postgresql/*/bin)")
    return found[-1]


def _as_cluster_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, the replica belongs to the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def replication_allow() -> None:
    with psycopg.connect(**PRIMARY) as conn:
        rules = conn.execute(
            "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND error IS NULL"
        ).fetchone()[0]
        if rules:
            return
        hba_file = conn.execute("SHOW hba_file").fetchone()[0]
        with open(hba_file, "a") as hba:
            hba.write(f"\n# streaming replicas on this machine (tests/topology)\n{HBA_LINE}\n")
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


@dataclass
class Replica:
    port: int
    data_dir: Path

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def start(self) -> Replica:
        replication_allow()
        pg_basebackup = pg_bin("pg_basebackup")
        backup = [pg_basebackup, "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-D", str(self.data_dir)]
        subprocess.run(
            _as_cluster_owner([*backup, "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"]),
            check=True,
            capture_output=True,
            timeout=120,
        )
        # Debian keeps the primary's configuration in /etc: the copy has none of its own. A standby needs
        # at least the primary's values of the settings that size shared memory.
        with psycopg.connect(**PRIMARY) as conn:
            sized = conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes',"
                " 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')"
            ).fetchall()
        (self.data_dir / "postgresql.conf").write_text(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.data_dir}'\n"
            "hot_standby = on\nshared_buffers = 32MB\nfsync = off\n"
            "hot_standby_feedback = on\nwal_receiver_status_interval = 1s\n"
            + "".join(f"{name} = {value}\n" for name, value in sized)
        )
        (self.data_dir / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (self.data_dir / "pg_ident.conf").write_text("")
        if os.geteuid() == 0:
            shutil.chown(self.data_dir / "postgresql.conf", "postgres")
            shutil.chown(self.data_dir / "pg_hba.conf", "postgres")
            shutil.chown(self.data_dir / "pg_ident.conf", "postgres")
        pg_ctl = [pg_bin("pg_ctl"), "-D", str(self.data_dir), "-l", str(self.data_dir / "log")]
        subprocess.run(_as_cluster_owner([*pg_ctl, "-W", "start"]), check=True, capture_output=True, timeout=30)
        self._accepting_wait(timeout=120)
        return self

    def _accepting_wait(self, timeout: float) -> None:
        """A hot standby opens for reads once it has replayed a snapshot of the primary's running
        transactions: the primary logs one at each checkpoint (and by itself only every 15 s or more),
        so we ask for checkpoints until the replica answers.

        A snapshot taken while a transaction has more than 64 subtransactions (savepoints that wrote) is
        "overflowed", and PostgreSQL opens the standby only once every transaction of that snapshot has
        ended: a transaction held open for a whole test module (tests/conftest.py `world`) keeps the
        standby shut for as long. Hence the marker `standby`: these tests run with the browser tests, not
        beside the suite (Makefile)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with self.connect() as replica:
                    replica.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                with psycopg.connect(**PRIMARY) as primary:
                    primary.execute("CHECKPOINT")
                time.sleep(1)
        raise RuntimeError(f"the replica did not open for reads in {timeout} s:\n{self._why_closed()}")

    def _why_closed(self) -> str:
        """The replica's log without the refused connections' lines, and the primary's open transactions
        (a standby waits for the transactions of its first snapshot to end before it opens)."""
        lines = (self.data_dir / "log").read_text(errors="replace").splitlines()
        refused = ("not yet accepting connections", "Consistent recovery state has not been yet reached")
        log = "\n".join(line for line in lines if not any(text in line for text in refused))[-4000:]
        with psycopg.connect(**PRIMARY) as primary:
            open_xacts = primary.execute(
                "SELECT pid, datname, state, backend_xid, backend_xmin, now() - xact_start, left(query, 120)"
                " FROM pg_stat_activity WHERE xact_start IS NOT NULL ORDER BY xact_start LIMIT 10"
            ).fetchall()
        return log + "\nthe primary's open transactions, oldest first:\n" + "\n".join(map(str, open_xacts))

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            subprocess.run(
                _as_cluster_owner([pg_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )

    def caught_up(self, timeout: float = 20) -> None:
        """Waits until the replica has replayed everything the primary has written so far."""
        with psycopg.connect(**PRIMARY) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.connect() as replica:
            while time.monotonic() < deadline:
                done = replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]
                if done:
                    return
                time.sleep(0.05)
        raise AssertionError(f"the replica did not replay up to {target} in {timeout} s")

    def replay_pause(self) -> None:
        with self.connect() as replica:
            replica.execute("SELECT pg_wal_replay_pause()")

    def replay_resume(self) -> None:
        with self.connect() as replica:
            replica.execute("SELECT pg_wal_replay_resume()")


def replica_new(port: int) -> Replica:
    data_dir = Path(tempfile.mkdtemp(prefix="mk-replica-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    data_dir.chmod(0o700)
    return Replica(port=port, data_dir=data_dir)


def replica_remove(replica: Replica) -> None:
    replica.stop()
    shutil.rmtree(replica.data_dir, ignore_errors=True)
