#!/usr/bin/env bash
# Sends ffmpeg's test pattern and a tone (H.264/AAC, a keyframe every second) to a show, as OBS would:
#   make demo-stream                      the demo show (seed_demo's scheduled one)
#   STREAM_KEY=sk_... make demo-stream    any show's key; SECONDS_LONG=60 for a longer stream
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
KEY="${STREAM_KEY:-$($PY manage.py shell -c "from live.demo import demo_stream_key; print(demo_stream_key())")}"
URL="$($PY manage.py shell -c "from django.conf import settings; print(settings.LIVE_RTMP_URL)")"
echo "publishing to ${URL}/<key> for ${SECONDS_LONG:-120} s"
exec ffmpeg -v error -re -f lavfi -i testsrc=size=720x1280:rate=25 -f lavfi -i sine=frequency=440 \
	-t "${SECONDS_LONG:-120}" -c:v libx264 -preset veryfast -tune zerolatency -g 25 -sc_threshold 0 \
	-pix_fmt yuv420p -c:a aac -f flv "${URL}/${KEY}"
