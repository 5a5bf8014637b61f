"""Writes the project's nginx configuration from nginx/nginx.conf.template: RTMP ingest, HLS, recordings and,
in the full topology, the site's front (nginx/front.conf.template: files, the HTTP server, the sockets)."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx") / "nginx.conf.template"
FRONT_TEMPLATE = Path(__file__).with_name("nginx") / "front.conf.template"
NGINX = "/usr/sbin/nginx"
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")


@dataclass(frozen=True)
class NginxSetup:
    work_dir: Path
    rtmp_port: int
    http_port: int
    hook_base: str  # Django's base URL as nginx reaches it, e.g. http://127.0.0.1:8000
    secret: str
    record_dir: Path
    bind: str = "127.0.0.1"
    update_seconds: int = 5
    # The site's front (the full topology): nginx listens on front_port and proxies to the two servers.
    front_port: int | None = None
    http_upstream: str = "127.0.0.1:8001"  # the HTTP server: pages and the API
    ws_upstream: str = "127.0.0.1:8002"  # uvicorn: /ws/
    static_root: Path | None = None
    media_root: Path | None = None
    max_body_bytes: int = 12 * 1024 * 1024
    upstream_keepalive_requests: int = 20
    # Connections per worker (a proxied socket takes two): ~4,000 sockets through the front's one worker.
    worker_connections: int = 8192

    @property
    def conf_path(self) -> Path:
        return self.work_dir / "nginx.conf"

    @property
    def hls_dir(self) -> Path:
        return self.work_dir / "hls"


def nginx_available() -> bool:
    return Path(NGINX).exists() and RTMP_MODULE.exists()


def nginx_config_write(setup: NginxSetup) -> Path:
    """Creates nginx's folders and writes its configuration; answers the configuration's path."""
    for folder in (setup.work_dir, setup.hls_dir, setup.record_dir, setup.work_dir / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text().replace("@FRONT@", FRONT_TEMPLATE.read_text() if setup.front_port else "")
    for name, value in {
        "FRONT_PORT": str(setup.front_port),
        "HTTP_UPSTREAM": setup.http_upstream,
        "WS_UPSTREAM": setup.ws_upstream,
        "STATIC_ROOT": str(setup.static_root),
        "MEDIA_ROOT": str(setup.media_root),
        "MAX_BODY": str(setup.max_body_bytes),
        "UPSTREAM_KEEPALIVE_REQUESTS": str(setup.upstream_keepalive_requests),
        "WORKER_CONNECTIONS": str(setup.worker_connections),
        "RLIMIT_NOFILE": str(2 * setup.worker_connections + 100),  # and files: HLS, recordings, logs
        "WORK": str(setup.work_dir),
        "RTMP_PORT": str(setup.rtmp_port),
        "HTTP_PORT": str(setup.http_port),
        "HOOK_BASE": setup.hook_base.rstrip("/"),
        "SECRET": setup.secret,
        "RECORD_DIR": str(setup.record_dir),
        "BIND": setup.bind,
        "UPDATE_SECONDS": str(setup.update_seconds),
        # Started as root, nginx's workers would run as "nobody" and could not write the project's
        # folders: they run as the user who started it.
        "USER_LINE": f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else "",
    }.items():
        text = text.replace(f"@{name}@", value)
    setup.conf_path.write_text(text)
    return setup.conf_path


def nginx_command(setup: NginxSetup) -> list[str]:
    return [NGINX, "-c", str(setup.conf_path), "-p", str(setup.work_dir), "-e", str(setup.work_dir / "error.log")]
