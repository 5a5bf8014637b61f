"""Runs the project's nginx in the foreground (the Procfile's `nginx` process, make run).

Live video always: RTMP ingest, HLS (LIVE_HTTP_PORT) and recordings. With `--front-port` (the full
topology) it is also the site's front on that port: static files (collected first) and uploads from disk,
pages and the API proxied to the HTTP server (`--http-upstream`), /ws/ to the socket server
(`--ws-upstream`). The configuration is written from live/nginx/*.template; nginx runs with `daemon off`
and its pid file in LIVE_DIR, so stopping this process (SIGTERM/SIGQUIT) stops nginx.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from live.nginx_config import NginxSetup, nginx_available, nginx_command, nginx_config_write


class Command(BaseCommand):
    help = "Write the project's nginx configuration (live video; the site's front with --front-port) and run nginx."

    def add_arguments(self, parser):
        parser.add_argument("--hook-base", default=os.environ.get("LIVE_HOOK_BASE", "http://127.0.0.1:8000"))
        parser.add_argument("--bind", default=os.environ.get("LIVE_BIND", "127.0.0.1"))
        parser.add_argument("--front-port", type=int, default=None, help="serve the site on this port")
        parser.add_argument("--http-upstream", default="127.0.0.1:8001", help="the HTTP server (pages, API)")
        parser.add_argument("--ws-upstream", default="127.0.0.1:8002", help="the WebSocket server (uvicorn)")
        parser.add_argument("--check", action="store_true", help="only write and test the configuration")

    def handle(self, *args, hook_base: str, bind: str, front_port, http_upstream, ws_upstream, check, **options):
        if not nginx_available():
            raise CommandError("nginx with the RTMP module is not installed: run scripts/install-live.sh")
        setup = NginxSetup(
            work_dir=settings.LIVE_DIR.resolve(),
            rtmp_port=settings.LIVE_RTMP_PORT,
            http_port=settings.LIVE_HTTP_PORT,
            hook_base=hook_base,
            secret=settings.LIVE_HOOK_SECRET,
            record_dir=settings.LIVE_RECORD_DIR.resolve(),
            bind=bind,
            front_port=front_port,
            http_upstream=http_upstream,
            ws_upstream=ws_upstream,
            static_root=settings.STATIC_ROOT.resolve(),
            media_root=settings.MEDIA_ROOT.resolve(),
            max_body_bytes=settings.MAX_REQUEST_BODY_BYTES,
        )
        if front_port and not check:
            settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
            call_command("collectstatic", interactive=False, verbosity=0)
        path = nginx_config_write(setup)
        command = nginx_command(setup)
        if check:
            os.execv(command[0], [*command, "-t"])  # noqa: S606 - Debian's nginx, our configuration
        front = f", the site on http://{bind}:{front_port}/" if front_port else ""
        self.stdout.write(
            f"nginx: RTMP on {bind}:{setup.rtmp_port}, HLS on http://{bind}:{setup.http_port}/hls/{front} ({path})"
        )
        self.stdout.flush()
        os.execv(command[0], command)  # noqa: S606 - Debian's nginx, our configuration
