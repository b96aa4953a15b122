#!/usr/bin/env bash
# Runs schemathesis (PyPI) against the live staff web page with its own contract, docs/api.yaml: generated
# requests to every endpoint, checking for 5xx answers and answers that break the spec.
#   swift build && bash scripts/web-schemathesis.sh [examples per operation]
# The checks are the contract's: no 5xx, and every status, content type, header and body as the spec says.
# Left out of the checks: whether generated bad input is refused (the session cookie is sent as a header, so the
# "missing cookie" cases schemathesis makes still carry it; a command's fields depend on its action, which the
# schema does not encode) and 405 for undeclared methods (Hummingbird answers 404).
# Left out: /api/clock (it would really set this machine's clock), /api/logout (it would end the session the
# run uses), /api/events (a stream that does not end).
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLES=${1:-50}
BIN=${AUDIOGID_BINARY:-.build/debug/audiogid}
WORK=$(mktemp -d /tmp/agweb-st-XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for part in tours audio; do mkdir -p "$WORK/$part"; cp -r "$part/moyo-selo" "$part/teplokhodik" "$WORK/$part/"; done
SOCK="$WORK/control.sock"
USER_LINE=$(echo "schema-password" | "$BIN" passwd --user tester --role staff --stdin --cost 10 | grep 'tester:')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'tour: moyo-selo\ndata: %s\naudio:\n  device: none\ncontrol:\n  socket: %s\nweb:\n  listen: "127.0.0.1:%s"\n  users:\n  %s\n' \
    "$WORK" "$SOCK" "$PORT" "$USER_LINE" > "$WORK/kiosk.yaml"
"$BIN" daemon --config "$WORK/kiosk.yaml" 2>"$WORK/daemon.log" & PIDS+=($!)
for _ in $(seq 200); do [ -S "$SOCK" ] && break; sleep 0.05; done
"$BIN" web --config "$WORK/kiosk.yaml" 2>"$WORK/web.log" & PIDS+=($!)
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.05; done

LOGIN=$(curl -s -D "$WORK/headers" -H 'Content-Type: application/json' -d '{"user":"tester","password":"schema-password"}' \
    "http://127.0.0.1:$PORT/api/login")
COOKIE=$(tr -d '\r' < "$WORK/headers" | sed -n 's/^[Ss]et-[Cc]ookie: \(audiogid_session=[^;]*\).*/\1/p')
CSRF=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf"])' "$LOGIN")

status=0
schemathesis run docs/api.yaml --url "http://127.0.0.1:$PORT" -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
    --exclude-path /api/clock --exclude-path /api/logout --exclude-path /api/events \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-examples "$EXAMPLES" --request-timeout 10 || status=$?
if grep -q "request failed" "$WORK/web.log"; then echo "the web process logged failed requests:"; grep "request failed" "$WORK/web.log"; status=1; fi
kill -0 "${PIDS[1]}" || { echo "the web process died"; status=1; }
exit $status
