#!/usr/bin/env bash
# `deno task bench`: every benchmark of respd, in order of how long they take.
#   1. deno bench: framing layer microbenchmarks next to npm redis-parser (ratios)
#   2. redis-benchmark matrix, respd against a real redis-server (ops/s, CPU/request)
#   3. memory per key after 1M SETs of 100-byte values, respd against redis-server
#   4. WebSocket load next to TCP load on one respd (ops/s, server CPU/command)
#   5. latency at 50/500/1000 clients, respd against redis-server (p50/p99/p99.9/max)
#   6. memory per idle connection (TCP and WebSocket) against redis-server
#   7. ZADD/ZRANGE/ZRANK on sorted sets of 10k, 100k and 1M members (the log N curve)
#   8. memory per element of hashes, sets and sorted sets, small and large, against redis-server
# Pick some with BENCH="micro ratio memory ws latency idle zset collections" (default: all). Extra arguments go to the
# ratio script (e.g. --runs 1 --n1 50000). Needs redis-server, redis-cli, redis-benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
DENO=${DENO:-deno}
BENCH=${BENCH:-"micro ratio memory ws latency idle zset collections"}
for t in redis-server redis-cli redis-benchmark; do
  command -v "$t" >/dev/null 2>&1 || { echo "error: $t not found (apt-get install redis-server redis-tools)" >&2; exit 2; }
done
for b in $BENCH; do
  case $b in
    micro) echo "== protocol microbenchmarks (bench/protocol_bench.ts)"
           NO_COLOR=1 "$DENO" bench -A --json bench/protocol_bench.ts | "$DENO" run bench/bench_ratios.ts ;;
    ratio) echo "== respd vs redis-server (bench/ratio_vs_redis.ts)"
           "$DENO" run -A bench/ratio_vs_redis.ts "$@" ;;
    memory) echo "== memory per key (bench/memory_per_key.ts)"
           "$DENO" run -A bench/memory_per_key.ts ;;
    ws)    echo "== WebSocket vs TCP load (bench/ws_load.ts)"
           "$DENO" run -A bench/ws_load.ts ;;
    latency) echo "== latency under many clients (bench/latency.ts)"
           "$DENO" run -A bench/latency.ts ;;
    idle)  echo "== memory per idle connection (bench/idle_sessions.ts)"
           "$DENO" run -A bench/idle_sessions.ts ;;
    zset)  echo "== sorted set operations by size (bench/zset_bench.ts)"
           "$DENO" bench -A bench/zset_bench.ts ;;
    collections) echo "== memory per element of hashes, sets, sorted sets (bench/collection_memory.ts)"
           "$DENO" run -A bench/collection_memory.ts ;;
    *)     echo "unknown benchmark '$b' (micro ratio memory ws latency idle zset collections)" >&2; exit 2 ;;
  esac
done
