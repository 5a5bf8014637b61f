#!/usr/bin/env bash
# Installs Debian's Chromium and a Chinese font for the browser tests and screenshots.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei fonts-noto-color-emoji >/dev/null
command -v chromium
