#!/usr/bin/env bash
# The newcomer's first command: install what Audiogid needs, build it, and show it working on the demo tours.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product audiogid
audiogid=.build/release/audiogid

echo; echo "== Checking the three demo tours (audiogid validate tours/*)"
"$audiogid" validate tours/*
echo; echo "== The village walk (audiogid info tours/moyo-selo)"
"$audiogid" info tours/moyo-selo
