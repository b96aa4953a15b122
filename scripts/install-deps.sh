#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages Audiogid builds against and its tests and demo use.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ -z "${AUDIOGID_SKIP_APT_UPDATE:-}" ]; then $SUDO apt-get update -qq; fi
$SUDO apt-get install -y -qq \
    libsndfile1-dev libasound2-dev libsqlite3-dev libgeographiclib-dev libsoxr-dev libebur128-dev \
    alsa-utils espeak-ng sox libsox-fmt-all vorbis-tools opus-tools pulseaudio pulseaudio-utils libasound2-plugins \
    mpc mpd socat librsvg2-bin python3 python3-yaml python3-jsonschema \
    systemd >/dev/null   # systemd-analyze checks systemd/audiogid.service in the tests
# The staff web page's end-to-end test (scripts/web-e2e.py, a real headless browser) and its load benchmark.
$SUDO apt-get install -y -qq chromium chromium-driver wrk python3-pip >/dev/null
for module in selenium schemathesis; do
    python3 -c "import $module" 2>/dev/null || python3 -m pip install -q "$module" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "$module"
done

if ! command -v swift >/dev/null 2>&1; then
    cat >&2 <<'MSG'
Audiogid needs a Swift 6 toolchain, and none is on PATH.
  Debian 13 (trixie) and later:  sudo apt-get install swiftlang
  Debian 12 / Raspberry Pi OS:   install the Swift 6 toolchain for Debian 12 (aarch64 or x86_64) from swift.org
                                 and put its usr/bin on PATH.
MSG
    exit 1
fi
