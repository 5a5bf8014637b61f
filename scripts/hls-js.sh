#!/usr/bin/env bash
# Refreshes the vendored hls.js (static/vendor/hls/) from its npm package: the minified build and its
# licence. HLS_JS_VERSION pins the version (change it here, run `make hls-js`, commit the result).
set -euo pipefail
HLS_JS_VERSION="${HLS_JS_VERSION:-1.7.4}"
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "hls.js@${HLS_JS_VERSION}" >/dev/null && tar -xzf hls.js-*.tgz)
mkdir -p static/vendor/hls
cp "$work/package/dist/hls.min.js" static/vendor/hls/hls.min.js
cp "$work/package/LICENSE" static/vendor/hls/LICENSE
echo "hls.js ${HLS_JS_VERSION} (npm package hls.js, dist/hls.min.js)" > static/vendor/hls/VERSION
ls -l static/vendor/hls
