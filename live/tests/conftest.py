"""The real parts for live video: the project's nginx (RTMP module) and a uvicorn serving the hooks."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import AsgiServer, free_port, server_env
from live.nginx_config import NginxSetup, nginx_available, nginx_command, nginx_config_write

HOOK_SECRET = "test-live-hook-secret"


@dataclass
class LiveStack:
    server: AsgiServer
    nginx: NginxSetup
    process: subprocess.Popen

    @property
    def rtmp_url(self) -> str:
        return f"rtmp://127.0.0.1:{self.nginx.rtmp_port}/live"

    @property
    def hls_base(self) -> str:
        return f"http://127.0.0.1:{self.nginx.http_port}/hls"


def _wait_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text()[-2000:] if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not listen in 15 s")


@pytest.fixture
def live_stack(request, transactional_db, tmp_path, settings):
    """nginx (own config, ports and folders, `daemon off`, stopped by its pid) in front of a real uvicorn.
    Indirect parameters: {"update_seconds": n} (nginx's update callback interval, 1 s unless given)."""
    options = getattr(request, "param", None) or {}
    if not nginx_available() or not shutil.which("ffmpeg"):
        pytest.fail("nginx with the RTMP module and ffmpeg are needed: run scripts/install-live.sh (make live)")
    work = tmp_path / "nginx"
    setup = NginxSetup(
        work_dir=work,
        rtmp_port=free_port(),
        http_port=free_port(),
        hook_base="",
        secret=HOOK_SECRET,
        record_dir=work / "rec",
        update_seconds=options.get("update_seconds", 1),
    )
    control_url = f"http://127.0.0.1:{setup.http_port}/control"
    env = server_env(
        {
            "LIVE_HOOK_SECRET": HOOK_SECRET,
            "LIVE_HLS_URL": f"http://127.0.0.1:{setup.http_port}/hls/",
            "LIVE_RTMP_URL": f"rtmp://127.0.0.1:{setup.rtmp_port}/live",
            "LIVE_RECORD_DIR": str(setup.record_dir),
            "LIVE_CONTROL_URL": control_url,
        }
    )
    server = AsgiServer(env, tmp_path / "uvicorn.log").start()
    setup = NginxSetup(**{**setup.__dict__, "hook_base": server.url})
    nginx_config_write(setup)
    settings.LIVE_HLS_URL = env["LIVE_HLS_URL"]
    settings.LIVE_RECORD_DIR = setup.record_dir
    settings.LIVE_CONTROL_URL = control_url
    log = work / "nginx.out"
    process = subprocess.Popen(
        nginx_command(setup),
        stdout=open(log, "ab"),  # noqa: SIM115 - kept open for the process's lifetime
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_port(setup.rtmp_port, process, work / "error.log")
        yield LiveStack(server=server, nginx=setup, process=process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: finishes recordings, sends record-done
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        server.stop()


def publish(stack: LiveStack, key: str, *, seconds: float, log: Path) -> subprocess.Popen:
    """ffmpeg's test pattern and tone, H.264/AAC with a keyframe every second (15 fps, -g 15), in real time."""
    return subprocess.Popen(
        [
            "ffmpeg", "-v", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
            "-f", "lavfi", "-i", "sine=frequency=440",
            "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15", "-sc_threshold", "0",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", f"{stack.rtmp_url}/{key}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(log, "ab"),
    )  # fmt: skip
