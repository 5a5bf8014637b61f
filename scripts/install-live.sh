#!/usr/bin/env bash
# Installs Debian's nginx with the RTMP module and ffmpeg for live shows (ingest, HLS, replays) and
# their tests. The system nginx service is stopped again if installing started it: the project runs its
# own nginx (scripts/live-nginx.sh) with its own configuration, ports and folders.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends nginx libnginx-mod-rtmp ffmpeg >/dev/null
# Installing may have started the system service on port 80; the project never uses it.
if [ -f /run/nginx.pid ]; then
	$SUDO nginx -s quit 2>/dev/null || true
fi
command -v nginx ffmpeg ffprobe
ls /usr/lib/nginx/modules/ngx_rtmp_module.so
