#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages Audiogid builds against and its tests use.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq \
    libsndfile1-dev libasound2-dev libsqlite3-dev libproj-dev libsoxr-dev libebur128-dev \
    alsa-utils espeak-ng sox vorbis-tools pulseaudio pulseaudio-utils libasound2-plugins \
    mpc mpd socat librsvg2-bin >/dev/null
