#!/usr/bin/env bash
# The route solver benchmark in one command: release build, our solver on TSPLIB and random instances,
# then OR-Tools' routing solver on the same matrices with the same time limits (needs `pip install ortools`;
# without it the OR-Tools half is skipped with a note).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product route-benchmark >&2
extra=()
if python3 -c "import ortools, numpy" 2>/dev/null; then extra+=(--ortools); else echo "note: ortools not installed; pip install ortools to compare" >&2; fi
exec "$(swift build -c release --show-bin-path)/route-benchmark" "${extra[@]}" "$@"
