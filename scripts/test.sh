#!/usr/bin/env bash
# The one test command (`deno task test`): installs what the tests need and is missing
# (Debian: redis-server, redis-tools, chromium, openssl (the TLS tests make their certificates); npm packages come through Deno's npm:
# specifiers in deno.json), then runs every test. Extra arguments go to `deno test`
# (e.g. a file or --filter). Ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-benchmark >/dev/null 2>&1 || need+=(redis-tools)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing missing packages: ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Redis's own service would hold port 6379 and is not needed: tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl stop redis-server >/dev/null 2>&1 || true; fi

# The load test holds ~2,000 sockets in one process.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  ulimit -n 4096 2>/dev/null || true
fi

DENO=${DENO:-deno}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
NO_COLOR=1 "$DENO" test --allow-all "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# deno prints "ok | 12 passed | 0 failed (3s)"; restate it in the plain form CI reads.
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
  passed=$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")
  failed=$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")
  echo "tests: $passed passed, $failed failed"
fi
exit "$status"
