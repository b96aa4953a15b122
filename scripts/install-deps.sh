#!/usr/bin/env bash
# Installs the Debian / Raspberry Pi OS packages Audiogid builds against and its tests and demo use.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ -z "${AUDIOGID_SKIP_APT_UPDATE:-}" ]; then $SUDO apt-get update -qq; fi
$SUDO apt-get install -y -qq \
    libsndfile1-dev libasound2-dev libsqlite3-dev libgeographiclib-dev libsoxr-dev libebur128-dev libsodium-dev \
    alsa-utils espeak-ng sox libsox-fmt-all vorbis-tools opus-tools pulseaudio pulseaudio-utils libasound2-plugins \
    mpc mpd socat minisign librsvg2-bin python3 python3-yaml python3-jsonschema \
    systemd >/dev/null   # systemd-analyze checks systemd/audiogid.service in the tests
# Authoring tools (audiogid import-audio, and the tests that make sheets and recordings as staff's programs do):
# ffmpeg converts phone recordings; LibreOffice Calc without its GUI (about 200 MB, 80 packages without recommends)
# saves and opens spreadsheets in the tests.
# The printed leaflet (audiogid leaflet) uses Noto fonts for Cyrillic and Chinese and rsvg-convert (above);
# its tests check pages with poppler's pdftoppm and pdffonts.
$SUDO apt-get install -y -qq --no-install-recommends ffmpeg libreoffice-calc-nogui \
    fonts-noto-core fonts-noto-cjk poppler-utils >/dev/null

# python-mpd2 (3.x), the MPD client library the compatibility tests drive the daemon with. Into the python3 on
# PATH (the one the tests run), from PyPI: Debian's python3-mpd only reaches Debian's own interpreter.
if ! python3 -c 'import mpd, sys; sys.exit(0 if mpd.VERSION >= (3, 0) else 1)' 2>/dev/null; then
    python3 -m pip install -q python-mpd2 2>/dev/null \
        || python3 -m pip install -q --break-system-packages python-mpd2
fi
# The staff web page's end-to-end test (scripts/web-e2e.py, a real headless browser) and its load benchmark.
$SUDO apt-get install -y -qq chromium chromium-driver wrk python3-pip >/dev/null
for module in selenium schemathesis; do
    python3 -c "import $module" 2>/dev/null || python3 -m pip install -q "$module" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "$module"
done
# Visitors' phones: the table card's QR codes (libqrencode) and its test's decoder (zbarimg); the load benchmark's
# 300 simulated phones (aiohttp).
$SUDO apt-get install -y -qq libqrencode-dev zbar-tools >/dev/null
python3 -c "import aiohttp" 2>/dev/null || python3 -m pip install -q aiohttp 2>/dev/null \
    || python3 -m pip install -q --break-system-packages aiohttp

if ! command -v swift >/dev/null 2>&1; then
    cat >&2 <<'MSG'
Audiogid needs a Swift 6 toolchain, and none is on PATH.
  Debian 13 (trixie) and later:  sudo apt-get install swiftlang
  Debian 12 / Raspberry Pi OS:   install the Swift 6 toolchain for Debian 12 (aarch64 or x86_64) from swift.org
                                 and put its usr/bin on PATH.
MSG
    exit 1
fi
