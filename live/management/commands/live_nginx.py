"""Runs the project's own nginx for live shows in the foreground (the Procfile's `live` process, make run).

The configuration is written from live/nginx/nginx.conf.template with the LIVE_* settings; nginx runs with
`daemon off` and its pid file in LIVE_DIR, so stopping this process (SIGTERM/SIGQUIT) stops nginx.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from live.nginx_config import NginxSetup, nginx_available, nginx_command, nginx_config_write


class Command(BaseCommand):
    help = "Write the live-video nginx configuration and run nginx in the foreground."

    def add_arguments(self, parser):
        parser.add_argument("--hook-base", default=os.environ.get("LIVE_HOOK_BASE", "http://127.0.0.1:8000"))
        parser.add_argument("--bind", default=os.environ.get("LIVE_BIND", "127.0.0.1"))
        parser.add_argument("--check", action="store_true", help="only write and test the configuration")

    def handle(self, *args, hook_base: str, bind: str, check: bool, **options):
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
        )
        path = nginx_config_write(setup)
        command = nginx_command(setup)
        if check:
            os.execv(command[0], [*command, "-t"])  # noqa: S606 - Debian's nginx, our configuration
        self.stdout.write(
            f"nginx: RTMP on {bind}:{setup.rtmp_port}, HLS on http://{bind}:{setup.http_port}/hls/ ({path})"
        )
        os.execv(command[0], command)  # noqa: S606 - Debian's nginx, our configuration
